/** Platform sessions as the manager API `/chats` and `/calls` return them, varied per test. */
export function finishedChat(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 73522,
    lang: 'en',
    chat_type: 'Web',
    status: 'finished',
    created_at: '2026-11-22T09:00:00.000Z',
    queued_at: '2026-11-22T09:00:05.000Z',
    assigned_at: '2026-11-22T09:00:40.000Z',
    connected_at: '2026-11-22T09:00:45.000Z',
    ends_at: '2026-11-22T09:08:00.000Z',
    wait_duration: 40,
    chat_duration: 435,
    rating: 5,
    has_feedback: true,
    disconnected_by: 'end_user',
    end_user: {
      id: 4242,
      identifier: 'james.bond',
      name: 'James Bond',
      email: 'james.bond@agents.example',
    },
    agent_info: { id: 7, name: 'Eve Moneypenny', email: 'eve@mi6.example' },
    menu_path: { name: 'Orders/Order info', materialized_path: '1/12' },
    selected_menu: { id: 12, name: 'Order info', parent_id: 1 },
    message_count: 3,
    transcript: {
      entries: [
        {
          timestamp: '2026-11-22T09:00:45.000Z',
          role: 'end_user',
          body: { type: 'text', text: 'Where is order 1234?' },
          user_data: { name: 'James Bond' },
        },
        {
          timestamp: '2026-11-22T09:01:10.000Z',
          role: 'agent',
          body: { type: 'text', text: 'It shipped today.' },
          user_data: { name: 'Eve' },
        },
        {
          timestamp: '2026-11-22T09:01:30.000Z',
          role: 'end_user',
          body: { type: 'text', text: 'Thanks!' },
        },
      ],
    },
    vendor_extension: { $weird: 'kept', 'dotted.key': 1 },
    ...overrides,
  };
}

export function finishedCall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 6868,
    lang: 'en',
    call_type: 'IncomingCall',
    status: 'finished',
    connected_at: '2026-11-22T09:13:05.000Z',
    call_duration: 425,
    wait_duration: 65,
    hold_duration: 30,
    rating: 4,
    agent_info: { id: 7, name: 'Eve Moneypenny', email: 'eve@mi6.example' },
    end_user: { id: 4243, identifier: 'q.branch', name: 'Q Branch' },
    selected_menu: { id: 8469, name: 'Billing' },
    menu_path: { name: 'Billing' },
    ...overrides,
  };
}

/** Finished platform calls for the outcome-email suite: about 1 KB of JSON each, all different. */
import type { SessionDoc } from '../../src/sessions/sessions-service';

const FIRST = ['James', 'Maria', 'Wei', 'Aisha', 'Olusegun', 'Zoë', 'Ravi', 'Sofía', 'Liam', 'Mei'];
const LAST = ['Bond', 'García', 'Chen', 'Okafor', 'Müller', 'Nakamura', 'Smith', "O'Brien"];
const QUEUES = [
  { id: 12, name: 'Order info', path: 'Orders/Order info' },
  { id: 8469, name: 'Billing', path: 'Billing' },
  { id: 31, name: 'Returns', path: 'Orders/Returns' },
];

/** Where the suite's configuration sends every outcome email. */
export const RECIPIENT = 'crm-inbox@example.com';

/** The platform's call object (manager API /calls), as POST /api/v1/sessions takes it. */
export function outcomeSession(n: number): Record<string, unknown> {
  const id = 1_000_000 + n;
  const name = `${FIRST[n % FIRST.length] ?? ''} ${LAST[n % LAST.length] ?? ''}`;
  const queue = QUEUES[n % QUEUES.length] ?? QUEUES[0];
  const login = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${n}`;
  return {
    id,
    lang: 'en',
    call_type: 'IncomingCall',
    status: 'finished',
    created_at: '2026-11-22T09:12:00.000Z',
    queued_at: '2026-11-22T09:12:04.000Z',
    assigned_at: '2026-11-22T09:13:01.000Z',
    connected_at: '2026-11-22T09:13:05.000Z',
    ends_at: '2026-11-22T09:20:10.000Z',
    wait_duration: 60 + (n % 120),
    call_duration: 300 + (n % 600),
    hold_duration: n % 45,
    rating: 1 + (n % 5),
    feedback: 'Quick and friendly, and my order question was answered.',
    has_feedback: true,
    disconnected_by: n % 2 === 0 ? 'end_user' : 'agent',
    end_user: {
      id: 500_000 + n,
      identifier: login,
      name,
      phone_number: `+1222${String(3_000_000 + n).padStart(7, '0')}`,
      email: `${login}@customers.example`,
    },
    agent_info: { id: 7 + (n % 40), name: 'Eve Moneypenny', email: 'eve@mi6.example' },
    menu_path: { name: queue?.path, materialized_path: `1/${queue?.id ?? 0}` },
    selected_menu: { id: queue?.id, name: queue?.name, parent_id: 1 },
    transfers: [],
    recording_url: `https://recordings.example.com/calls/${id}.mp3`,
    custom_data: {
      device: { value: 'iOS', type: 'string', label: 'Device Type' },
      order: { value: `ORD-${String(n).padStart(8, '0')}`, type: 'string', label: 'Order number' },
      tier: { value: n % 3 === 0 ? 'gold' : 'standard', type: 'string', label: 'Tier' },
    },
  };
}

/** The store key crm-bridge gives a call (session-schema's sessionKey). */
export const sessionKeyOf = (n: number): string => `call-${1_000_000 + n}`;

/** What SessionsService.receive keeps for a session whose email is due at `dueAt`. */
export function scheduledSessionDoc(n: number, to: string, dueAt: number): SessionDoc {
  return {
    id: sessionKeyOf(n),
    kind: 'call',
    status: 'finished',
    receivedAt: new Date().toISOString(),
    payload: JSON.stringify(outcomeSession(n)),
    email: { state: 'scheduled', to, dueAt: new Date(dueAt).toISOString() },
  };
}

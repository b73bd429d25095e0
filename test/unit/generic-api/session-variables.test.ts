import { sessionVariables } from '../../../src/generic-api/session-variables';

describe('Variables of a platform session', () => {
  test('When a finished call from the manager API is given, then every variable it carries is named', () => {
    const vars = sessionVariables({
      id: 6868,
      lang: 'en',
      call_type: 'IncomingCall',
      status: 'finished',
      wait_duration: 65,
      call_duration: 3725,
      hold_duration: 0,
      rating: 5,
      disconnected_by: 'end_user',
      outbound_number: '+18888888888',
      out_ticket_id: 'rec-1',
      end_user: { id: 77, identifier: 'cuid-9', name: 'James Bond', phone_number: '+12223334444' },
      agent_info: { id: 5, name: 'Q', email: 'q@mi6.co.uk' },
      menu_path: { name: 'Orders/Order info', materialized_path: '1/12' },
      selected_menu: { id: 12, name: 'Order info', parent_id: 1 },
    });
    expect(vars).toMatchObject({
      CALL_ID: 6868,
      SESSION_ID: 6868,
      SESSION_TYPE: 'IncomingCall',
      CHANNEL: 'voice_call',
      LANG: 'en',
      NAME: 'James Bond',
      PHONE_NUMBER: '+12223334444',
      CCAIP_ID: 77,
      CUSTOM_USER_ID: 'cuid-9',
      OUTBOUND_PHONE_NUMBER: '+18888888888',
      AGENT_ID: 5,
      AGENT_EMAIL: 'q@mi6.co.uk',
      MENU_PATH: 'Orders/Order info',
      QUEUE_ID: 12,
      MENU_ID: 12,
      QUEUE_NAME: 'Order info',
      RATING: 5,
      CALL_DURATION: 3725,
      WAIT_TIME: 65,
      HOLD_TIME: 0,
      DISCONNECTED_BY: 'end_user',
      RECORD_ID: 'rec-1',
      TICKET_SUBJECT: 'Call 6868 (Order info)',
    });
    expect(vars.CHAT_ID).toBeUndefined();
  });

  test('When a chat is given, then it is a chat and selected_menu may be a bare id', () => {
    const vars = sessionVariables({
      id: 73522,
      chat_type: 'Web',
      chat_duration: 90,
      selected_menu: 8469,
    });
    expect(vars).toMatchObject({
      CHAT_ID: 73522,
      CHANNEL: 'chat',
      SESSION_TYPE: 'Web',
      CALL_DURATION: 90,
      QUEUE_ID: 8469,
      TICKET_SUBJECT: 'Chat 73522',
    });
  });

  test('When fields are missing or null, then their variables have no value', () => {
    const vars = sessionVariables({
      id: 1,
      call_type: 'IncomingCall',
      agent_info: null,
      end_user: null,
    });
    expect(vars.AGENT_EMAIL).toBeUndefined();
    expect(vars.NAME).toBeUndefined();
  });
});

import { isRecord } from '../shared/is-record';
import type { VariableInput } from './template';

type Json = Record<string, unknown>;

const scalar = (value: unknown): string | number | undefined =>
  typeof value === 'string' || typeof value === 'number' ? value : undefined;

const pick = (source: unknown, ...keys: string[]): string | number | undefined => {
  if (!isRecord(source)) return undefined;
  for (const key of keys) {
    const value = scalar(source[key]);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
};

/** `selected_menu` is an object in the manager API and a bare id in the Callback Call API. */
function queue(session: Json): { id?: string | number; name?: string | number } {
  const menu = session.selected_menu;
  if (isRecord(menu)) return { id: pick(menu, 'id'), name: pick(menu, 'name') };
  return { id: scalar(menu) ?? pick(session, 'menu_id') };
}

/** A chat carries a chat type, a chat duration or a transcript; anything else is a call. */
export const isChatSession = (session: Readonly<Record<string, unknown>>): boolean =>
  Boolean(session.chat_type) ||
  (session.chat_duration !== undefined && session.chat_duration !== null) ||
  Boolean(session.transcript);

/**
 * The Generic API variables of a platform call or chat object (manager API `/calls`, `/chats`,
 * Callback Call API): the names of the reference's "Request URL Parameters" table.
 */
export function sessionVariables(session: Json): VariableInput {
  const chat = isChatSession(session);
  const id = pick(session, 'id');
  const { id: queueId, name: queueName } = queue(session);
  const endUser = session.end_user;
  const agent = session.agent_info;
  const feedback = session.feedback ?? session.feedback_message;
  return {
    [chat ? 'CHAT_ID' : 'CALL_ID']: id,
    SESSION_ID: pick(session, 'session_id') ?? id,
    SESSION_TYPE: pick(session, chat ? 'chat_type' : 'call_type'),
    SESSION_STATUS: pick(session, 'status'),
    CHANNEL: chat ? 'chat' : 'voice_call',
    LANG: pick(session, 'lang'),
    NAME: pick(endUser, 'name') ?? pick(session, 'end_user_name'),
    EMAIL: pick(endUser, 'email') ?? pick(session, 'end_user_email'),
    PHONE_NUMBER:
      pick(endUser, 'phone_number', 'phone') ?? pick(session, 'end_user_number', 'phone_number'),
    CCAIP_ID: pick(endUser, 'id'),
    CUSTOM_USER_ID: pick(endUser, 'identifier'),
    OUTBOUND_PHONE_NUMBER: pick(session, 'outbound_number'),
    AGENT_ID: pick(agent, 'id'),
    AGENT_EMAIL: pick(agent, 'email'),
    AGENT_CUSTOM_ID: pick(agent, 'custom_id', 'agent_custom_id'),
    MENU_PATH: pick(session.menu_path, 'name') ?? scalar(session.menu_path),
    MENU_ID: queueId,
    QUEUE_ID: queueId,
    QUEUE_NAME: queueName,
    RATING: pick(session, 'rating'),
    FEEDBACK: scalar(feedback),
    CALL_DURATION: pick(session, chat ? 'chat_duration' : 'call_duration'),
    HOLD_TIME: pick(session, 'hold_duration'),
    WAIT_TIME: pick(session, 'wait_duration'),
    DISCONNECTED_BY: pick(session, 'disconnected_by'),
    DEVICE_TYPE: pick(session, 'device_type'),
    RECORD_ID: pick(session, 'out_ticket_id'),
    SMART_ACTION_SESSION_ID: pick(session, 'smart_action_session_id'),
    TICKET_SUBJECT:
      id === undefined
        ? undefined
        : `${chat ? 'Chat' : 'Call'} ${id}${queueName === undefined ? '' : ` (${queueName})`}`,
  };
}

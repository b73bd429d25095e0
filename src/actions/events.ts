/**
 * What happens in crm-bridge that an event action (actions.yaml) can run on. The services that
 * see it happen emit it to an EventSink; they know nothing of actions.
 */

/** The events the agent adapters post (reference/002 "Events in Agent Adapters"). */
export const ADAPTER_EVENTS = [
  'Agent_Login',
  'New_Call',
  'End_Call',
  'New_Chat',
  'Active_Chat',
  'Chat_Inbound_Message',
  'Chat_Outbound_Message',
  'End_Chat',
  'Dismissed_Chat',
  'Transfer',
  'Add_Party',
  'Agent_Connects_To_Session',
  'CRM_Record_Pop',
] as const;

export const BRIDGE_EVENTS = [
  'session.finished',
  'session.failed',
  'record.created',
  'record.updated',
  'comment.added',
] as const;

type Json = Record<string, unknown>;

export type BridgeEvent =
  /** A session POSTed to /api/v1/sessions for the first time; `key` is `call-6868`. */
  | { kind: 'session'; name: 'session.finished' | 'session.failed'; key: string; session: Json }
  /** A record as the CRM backend answered it. */
  | { kind: 'record'; name: 'record.created' | 'record.updated'; record: Json }
  | { kind: 'comment'; name: 'comment.added'; recordId: string; comment: Json }
  /**
   * An adapter event posted to /agent/events: `id` is the kept event's, `session` its session
   * key (`call-6868`) when the data names one.
   */
  | { kind: 'adapter'; name: string; id: string; session: string | null; data: Json };

/** Told of each event once it has happened; never throws (a failed action is the action's). */
export interface EventSink {
  emit(event: BridgeEvent): Promise<void>;
}

export const NO_EVENTS: EventSink = { emit: () => Promise.resolve() };

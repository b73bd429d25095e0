import type { CommentEvent } from '../config/generic-api-schema';
import { isChatSession } from '../session-variables';
import { isRecord } from '../../shared/is-record';
import { formatDuration } from '../template/value-formats';

type Json = Record<string, unknown>;

export interface SessionComment {
  event: CommentEvent;
  text: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;

const named = (value: unknown): string | undefined =>
  isRecord(value) ? (text(value.name) ?? text(value.email) ?? text(value.id)) : text(value);

const duration = (value: unknown): string | undefined =>
  text(value) === undefined ? undefined : formatDuration(String(value));

function kind(session: Json): string {
  const chat = isChatSession(session);
  return `${chat ? 'Chat' : 'Call'} ${text(session.id) ?? ''}`.trim();
}

function queueName(session: Json): string | undefined {
  return named(session.menu_path) ?? named(session.selected_menu);
}

const line = (label: string, value: string | undefined): string[] =>
  value === undefined ? [] : [`${label}: ${value}`];

function startComment(session: Json): string {
  return [
    `${kind(session)} started`,
    ...line('Queue', queueName(session)),
    ...line('Type', text(session.call_type) ?? text(session.chat_type)),
    ...line('Agent', named(session.agent_info)),
  ].join('\n');
}

function endComment(session: Json): string {
  const chat = isChatSession(session);
  return [
    `${kind(session)} ${text(session.status) ?? 'ended'}`,
    ...line('Duration', duration(chat ? session.chat_duration : session.call_duration)),
    ...line('Wait', duration(session.wait_duration)),
    ...line('Hold', duration(session.hold_duration)),
    ...line('Agent', named(session.agent_info)),
    ...line('Disconnected by', text(session.disconnected_by)),
    ...line('Messages', text(session.message_count)),
  ].join('\n');
}

function csatComment(session: Json): string | undefined {
  const rating = text(session.rating);
  if (rating === undefined) return undefined;
  const feedback = text(session.feedback) ?? text(session.feedback_message);
  return [`CSAT rating: ${rating}/5`, ...line('Feedback', feedback)].join('\n');
}

function transferComments(session: Json): string[] {
  const transfers = Array.isArray(session.transfers) ? session.transfers : [];
  return transfers.filter(isRecord).map((t) => {
    const from = named(t.from_agent) ?? named(t.from_menu) ?? text(t.from_agent_id);
    const to = named(t.to_agent) ?? named(t.to_menu) ?? text(t.to_agent_id) ?? text(t.to_queue_id);
    const parts = [`Transferred${from ? ` from ${from}` : ''}${to ? ` to ${to}` : ''}`];
    return [...parts, ...line('Reason', text(t.reason) ?? text(t.status))].join('\n');
  });
}

function dispositionComment(session: Json): string | undefined {
  const disposition = isRecord(session.disposition) ? session.disposition : session;
  const code = text(disposition.disposition_code) ?? text(disposition.code);
  const notes = text(disposition.disposition_notes) ?? text(disposition.notes);
  if (code === undefined && notes === undefined) return undefined;
  return [...line('Disposition', code), ...line('Notes', notes)].join('\n');
}

/** The SDK's custom data package: `{ key: { value, label, type } }` or plain values. */
function customDataComment(session: Json): string | undefined {
  const data = session.custom_data;
  if (!isRecord(data) || Object.keys(data).length === 0) return undefined;
  const rows = Object.entries(data).map(([key, entry]) => {
    const label = isRecord(entry) ? (text(entry.label) ?? key) : key;
    const value = isRecord(entry) ? entry.value : entry;
    return `${label}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
  });
  return ['Custom data', ...rows].join('\n');
}

/**
 * The comments the platform leaves on a record for one session (reference/002 "Comment
 * endpoint"): start, end, CSAT, each transfer, disposition, custom data — the enabled ones that
 * the session has data for, in the order they happened.
 */
export function sessionComments(
  session: Json,
  enabled: Readonly<Record<CommentEvent, boolean>>,
): SessionComment[] {
  const candidates: [CommentEvent, string | undefined][] = [
    ['sessionStart', startComment(session)],
    ['customData', customDataComment(session)],
    ...transferComments(session).map((t): [CommentEvent, string] => ['transfer', t]),
    ['sessionEnd', endComment(session)],
    ['csat', csatComment(session)],
    ['disposition', dispositionComment(session)],
  ];
  return candidates
    .filter((c): c is [CommentEvent, string] => c[1] !== undefined && enabled[c[0]])
    .map(([event, body]) => ({ event, text: body }));
}

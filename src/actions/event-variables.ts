/**
 * Each event as the variables its actions' templates and conditions read, and as the key that
 * tells one occurrence from another (a repeated event has the same key, so its jobs collapse).
 */
import { createHash } from 'node:crypto';
import { bodyVariables } from '../crm/remote/remote-variables';
import { sessionVariables } from '../generic-api/session-variables';
import { isKnownVariable, type VariableInput } from '../generic-api/template';
import type { BridgeEvent } from './events';

/** An adapter's field → the variable of reference/002's table that carries it, where they differ. */
const ADAPTER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  queue_id: ['QUEUE_ID', 'MENU_ID'],
  queue_path: ['MENU_PATH'],
};

const scalar = (value: unknown): string | number | undefined =>
  typeof value === 'string' || typeof value === 'number' ? value : undefined;

/** The event's variables; EVENT is its name. */
export function eventVariables(event: BridgeEvent): VariableInput {
  return { ...ownVariables(event), EVENT: event.name };
}

function ownVariables(event: BridgeEvent): VariableInput {
  switch (event.kind) {
    case 'session':
      return sessionVariables(event.session);
    case 'record':
      return bodyVariables('record', event.record);
    case 'comment':
      return {
        ...bodyVariables('comment', event.comment),
        RECORD_ID: event.recordId,
        COMMENT_ID: scalar(event.comment.id),
      };
    case 'adapter':
      return adapterVariables(event.data);
  }
}

/**
 * An adapter event's data (`agent_id`, `call_id`, `queue_path`, `campaign_name`, …): each key that
 * names a known variable, upper-cased, and the queue under its table names. Other keys are left
 * out: the data comes from a browser.
 */
function adapterVariables(data: Record<string, unknown>): VariableInput {
  const vars: Record<string, string | number | undefined> = {};
  for (const [key, raw] of Object.entries(data)) {
    const value = scalar(raw);
    if (value === undefined) continue;
    const names = ADAPTER_FIELDS[key] ?? [key.toUpperCase()];
    for (const name of names) if (isKnownVariable(name)) vars[name] = value;
  }
  return vars;
}

/**
 * What identifies this occurrence of the event. A session, a record's creation, an adapter
 * event of one session: their ids. An update: the record's id and a digest of the record as the
 * backend answered it (updatedAt included, where the backend has one), so two updates differ even
 * within one millisecond. Where no id is given (a remote CRM's comment), a digest stands in.
 */
export function eventKey(event: BridgeEvent): string {
  switch (event.kind) {
    case 'session':
      return event.key;
    case 'record':
      return event.name === 'record.created'
        ? idOr(event.record)
        : `${idOr(event.record)}@${digest(event.record)}`;
    case 'comment':
      return `${event.recordId}/${idOr(event.comment)}`;
    case 'adapter':
      return event.session ?? event.id;
  }
}

function idOr(entity: Record<string, unknown>): string {
  const id = scalar(entity.id);
  return id === undefined || id === '' ? digest(entity) : String(id);
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

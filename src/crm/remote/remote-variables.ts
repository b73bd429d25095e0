/**
 * The Generic API variables an inbound request gives: the fields of a body (after the field
 * catalogue resolved its aliases) and the filters of a list query, named as the platform names
 * them, so one generic-api.yaml serves both the flows and middleware mode.
 */
import { isKnownVariable } from '../../generic-api/template';
import { badRequest } from '../../shared/errors/app-error';
import { type Criteria, parseCriteria } from '../criteria';
import type { EntityFields } from '../entity-fields';

export type Entity = 'account' | 'record' | 'comment';
export type RawVariables = Record<string, string>;

/** crm.yaml's built-in fields → the variable of reference/002's table that carries them. */
const FIELD_VARIABLES: Record<Entity, Readonly<Record<string, string>>> = {
  account: {
    id: 'ACCOUNT_ID',
    name: 'NAME',
    phone: 'PHONE_NUMBER',
    email: 'EMAIL',
    ccaipId: 'CCAIP_ID',
    customUserId: 'CUSTOM_USER_ID',
  },
  record: {
    id: 'RECORD_ID',
    accountId: 'ACCOUNT_ID',
    subject: 'TICKET_SUBJECT',
    description: 'TICKET_DESCRIPTION',
    status: 'RECORD_STATUS',
    phone: 'PHONE_NUMBER',
    sourceType: 'CHANNEL',
    menu: 'MENU_PATH',
    rating: 'RATING',
    feedback: 'FEEDBACK',
    sessionId: 'SESSION_ID',
  },
  comment: { body: 'COMMENT_BODY' },
};

/** Set by the operation itself, never by a field that happens to have the name. */
const OPERATION_VARIABLES = new Set(['FILE_DATA', 'FILE_NAME', 'FILE_KIND', 'ATTACHMENT_ID']);

/** `agentEmail`, `agent-email` and `agent_email` all name AGENT_EMAIL. */
const variableName = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase();

function variableOf(entity: Entity, field: string): string | undefined {
  const mapped = FIELD_VARIABLES[entity][field];
  if (mapped !== undefined) return mapped;
  const name = variableName(field);
  return isKnownVariable(name) && !OPERATION_VARIABLES.has(name) ? name : undefined;
}

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;

/**
 * A body's fields as variables: each built-in field by the table above, any other field whose
 * name is a known variable (`agentEmail` → AGENT_EMAIL) by that name; the rest are not sent.
 */
export function bodyVariables(entity: Entity, set: Record<string, unknown>): RawVariables {
  const vars: RawVariables = {};
  for (const [field, value] of Object.entries(set)) {
    const name = variableOf(entity, field);
    const text = scalar(value);
    if (name !== undefined && text !== undefined) vars[name] = text;
  }
  return vars;
}

const PAGING = new Set(['limit', 'offset']);

/**
 * A list query (already validated by listQuery) as variables: each filter, and each
 * `Field:equals:value` clause of `criteria`, whichever way the clauses are joined — the
 * endpoint's own template decides how the downstream combines them.
 */
export function queryVariables(
  entity: Entity,
  query: Record<string, unknown>,
  fields: EntityFields,
): RawVariables {
  const vars: RawVariables = {};
  const add = (name: string, value: string, where: string) => {
    const field = name.toLowerCase() === 'id' ? 'id' : (fields.canonical(name) ?? name);
    const variable = variableOf(entity, field);
    if (variable === undefined) {
      throw badRequest(`the remote CRM cannot be searched by "${name}"`, [
        { field: where, message: `"${name}" is not passed to the remote CRM's search endpoint` },
      ]);
    }
    if (value.trim() !== '') vars[variable] = value;
  };
  for (const [name, value] of Object.entries(query)) {
    if (PAGING.has(name) || typeof value !== 'string') continue;
    if (name === 'criteria') for (const c of clauses(parseCriteria(value))) add(c[0], c[1], name);
    else add(name, value, name);
  }
  return vars;
}

function clauses(criteria: Criteria): [string, string][] {
  if ('and' in criteria) return criteria.and.flatMap(clauses);
  if ('or' in criteria) return criteria.or.flatMap(clauses);
  if (criteria.op !== 'equals') {
    throw badRequest(`the remote CRM is searched by equality only, not "${criteria.op}"`, [
      { field: 'criteria', message: `use (${criteria.field}:equals:value)` },
    ]);
  }
  return [[criteria.field, criteria.value]];
}

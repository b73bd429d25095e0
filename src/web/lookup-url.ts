/**
 * The custom lookup URL the platform opens for an agent (reference/002 "Custom lookup URL"): the
 * configured `lookupUrls.ivr` or `.web` with `{ANI}`, `{CUID}`, `{EMAIL}`, `{MENU_PATH}`,
 * `{MENU_ID}`, `{CHANNEL}` and `{TYPE}` filled from a session, keeping only the query parameters
 * that are not empty. Pure: the `lookup-url` command and the tests share it.
 */
import {
  compileTemplate,
  deriveVariables,
  renderTemplate,
  type VariableInput,
} from '../generic-api/template';
import { isChatSession } from '../generic-api/session-variables';

export const LOOKUP_KINDS = ['ivr', 'web'] as const;
/** ivr: IVR/PSTN/SMS sessions, found by ANI; web: Web/Mobile SDK sessions, by CUID or email. */
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** The reference's {TYPE} values; a platform call_type or chat_type is matched to them loosely. */
const TYPES = [
  'Incoming_Call_(app)',
  'Scheduled_Call_(app)',
  'Incoming_Call_(web)',
  'Scheduled_Call_(web)',
  'Outbound_Call',
  'Outbound_Call_(api)',
  'Incoming_Call_(api)',
  'IVR_Call',
  'IVR_Call_(app)',
  'Voicemail',
  'Mobile',
  'Web',
  'SMS',
];
const looseKey = (value: string): string => value.toLowerCase().replace(/[^a-z0-9]/g, '');
const TYPE_BY_KEY = new Map(TYPES.map((type) => [looseKey(type), type]));

/** `IvrCall`, `ivr_call` → `IVR_Call`; a type the reference does not list is kept as given. */
export function lookupType(sessionType: string): string {
  return TYPE_BY_KEY.get(looseKey(sessionType)) ?? sessionType;
}

/** Calls open the IVR URL, chats the web one (what the platform does with its two URLs). */
export function defaultLookupKind(input: {
  variables: VariableInput;
  session?: Record<string, unknown>;
}): LookupKind {
  if (input.session) return isChatSession(input.session) ? 'web' : 'ivr';
  const vars = upperCased(input.variables);
  return vars.CHANNEL === 'chat' || vars.CHAT_ID !== undefined ? 'web' : 'ivr';
}

/**
 * The lookup variables from a session's Generic API variables: ANI is the phone number as
 * received (not reformatted), CUID the custom user id, MENU_ID the queue id, TYPE the session
 * type. Values given under the lookup names themselves win.
 */
export function lookupVariables(variables: VariableInput): VariableInput {
  const vars = upperCased(variables);
  const sessionType = vars.SESSION_TYPE;
  return {
    ...vars,
    ANI: vars.ANI ?? vars.PHONE_NUMBER,
    CUID: vars.CUID ?? vars.CUSTOM_USER_ID,
    MENU_ID: vars.MENU_ID ?? vars.QUEUE_ID,
    TYPE: vars.TYPE ?? (sessionType === undefined ? undefined : lookupType(String(sessionType))),
  };
}

/** Renders `template` for the session; `where` names it in a template error. */
export function buildLookupUrl(
  template: string,
  variables: VariableInput,
  where = 'lookupUrls',
): string {
  const compiled = compileTemplate(template, where);
  const vars = deriveVariables(lookupVariables(variables), {
    purpose: 'search',
    formatPhone: (raw) => raw,
  });
  return dropEmptyParams(renderTemplate(compiled, vars, { encode: encodeURIComponent }));
}

/**
 * Removes `name=` and bare `name` parameters, keeping the rest as written and in order. The
 * query of a page that routes by fragment (`#/lookup?ani=…`) is cleaned the same way.
 */
export function dropEmptyParams(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? undefined : url.slice(hashAt + 1);
  const cleaned = cleanQuery(beforeHash);
  return fragment === undefined ? cleaned : `${cleaned}#${cleanQuery(fragment)}`;
}

function cleanQuery(text: string): string {
  const queryAt = text.indexOf('?');
  if (queryAt < 0) return text;
  const kept = text
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => {
      const equals = pair.indexOf('=');
      return equals >= 0 && equals < pair.length - 1;
    });
  const base = text.slice(0, queryAt);
  return kept.length === 0 ? base : `${base}?${kept.join('&')}`;
}

function upperCased(variables: VariableInput): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value !== undefined && value !== null) out[name.toUpperCase()] = value;
  }
  return out;
}

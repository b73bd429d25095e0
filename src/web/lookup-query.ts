import { equalsCondition } from '../crm/entity-query';
import type { EntityFields } from '../crm/entity-fields';
import { badRequest } from '../shared/errors/app-error';
import type { Filter } from '../shared/store/store-port';

/** The query parameters of a custom lookup URL, named as `lookupUrls` writes them. */
export const LOOKUP_PARAMS = [
  'ani',
  'cuid',
  'email',
  'menu_path',
  'menu_id',
  'channel',
  'type',
] as const;
export type LookupParam = (typeof LOOKUP_PARAMS)[number];
export type LookupParams = Partial<Record<LookupParam, string>>;

const MAX_LENGTH = 500;

/** Which account field each identity parameter is matched against. */
const IDENTITIES: readonly [LookupParam, string][] = [
  ['ani', 'phone'],
  ['cuid', 'customUserId'],
  ['email', 'email'],
];

/**
 * The lookup parameters present and not blank. Others are ignored (a platform may add its own);
 * a parameter given twice or as a nested value is refused rather than guessed at.
 */
export function readLookupQuery(query: Readonly<Record<string, unknown>>): LookupParams {
  const params: LookupParams = {};
  for (const name of LOOKUP_PARAMS) {
    const raw = query[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw badRequest(`"${name}" must be given once, as plain text`);
    if (raw.length > MAX_LENGTH)
      throw badRequest(`"${name}" is longer than ${MAX_LENGTH} characters`);
    const value = raw.trim();
    if (value !== '') params[name] = value;
  }
  return params;
}

/** Whether the parameters name someone (a phone number, custom user id or email). */
export const hasIdentity = (params: LookupParams): boolean =>
  IDENTITIES.some(([param]) => params[param] !== undefined);

/** Accounts matching any identity given: phone in any format, email in any case. */
export function identityFilter(params: LookupParams, fields: EntityFields): Filter | undefined {
  const conditions: Filter[] = [];
  for (const [param, name] of IDENTITIES) {
    const value = params[param];
    const field = fields.canonical(name);
    if (value !== undefined && field !== undefined)
      conditions.push(equalsCondition(field, value, fields));
  }
  return conditions.length === 0 ? undefined : { or: conditions };
}

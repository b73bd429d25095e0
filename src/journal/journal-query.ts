import { badRequest } from '../shared/errors/app-error';

/** The filters of `GET /api/v1/_journal` and `/admin/journal`, checked. */
export interface JournalQuery {
  /** Prefix of the full path, `/api/v1/records`. */
  path?: string;
  status?: number;
  /** `4xx` */
  statusClass?: string;
  /** ISO 8601 in UTC, inclusive. */
  from?: string;
  to?: string;
  requestId?: string;
  limit: number;
  /** Entries older than this sequence number (the cursor). */
  before?: number;
}

export const JOURNAL_PARAMS = ['path', 'status', 'from', 'to', 'requestId', 'limit', 'cursor'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const invalid = (name: string, message: string) =>
  badRequest(`query parameter "${name}" ${message}`, [{ field: name, message }]);

// A time without a zone (what a datetime-local field sends) is read as UTC, never server-local.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function time(name: string, value: string): string {
  const zoned = value.includes('T') && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value;
  const ms = ISO_TIME.test(value) ? Date.parse(zoned) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(name, 'must be an ISO 8601 time like 2026-11-22T09:30:00Z');
  return new Date(ms).toISOString();
}

function whole(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw invalid(name, `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function status(value: string): Pick<JournalQuery, 'status' | 'statusClass'> {
  if (/^[1-5]\d\d$/.test(value)) return { status: Number(value) };
  if (/^[1-5]xx$/i.test(value)) return { statusClass: value.toLowerCase() };
  throw invalid('status', 'must be a status like 404 or a class like 4xx');
}

/**
 * Reads the query string: every parameter given once, never empty, and only the known ones,
 * because a filter silently ignored shows the wrong calls.
 */
export function parseJournalQuery(query: Readonly<Record<string, unknown>>): JournalQuery {
  const values: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (!JOURNAL_PARAMS.includes(name)) {
      throw invalid(name, `is not a filter; use ${JOURNAL_PARAMS.join(', ')}`);
    }
    if (typeof raw !== 'string') throw invalid(name, 'must be given once as a plain value');
    if (raw.trim() === '') throw invalid(name, 'must not be empty');
    values[name] = raw.trim();
  }
  const { path, from, to, requestId, limit, cursor } = values;
  if (path !== undefined && !path.startsWith('/')) {
    throw invalid('path', 'must start with / (a path like /api/v1/accounts)');
  }
  const parsed: JournalQuery = {
    ...(path !== undefined && { path }),
    ...(values.status !== undefined && status(values.status)),
    ...(from !== undefined && { from: time('from', from) }),
    ...(to !== undefined && { to: time('to', to) }),
    ...(requestId !== undefined && { requestId }),
    limit: limit === undefined ? DEFAULT_LIMIT : whole('limit', limit, 1, MAX_LIMIT),
    ...(cursor !== undefined && { before: whole('cursor', cursor, 1, Number.MAX_SAFE_INTEGER) }),
  };
  if (parsed.from !== undefined && parsed.to !== undefined && parsed.from > parsed.to) {
    throw invalid('to', 'must not be before from');
  }
  return parsed;
}

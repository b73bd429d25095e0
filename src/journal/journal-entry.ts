import type { ExchangeError } from '../generic-api/sender/mask-exchange';
import type { StoredDocument } from '../shared/store/store-port';
import type { BodySnapshot, CapturedBody } from './body-snapshot';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** An /api/v1 call, as the capture middleware hands it over (nothing masked yet). */
export interface InboundCall {
  requestId: string;
  method: string;
  /** The full path, `/api/v1/accounts`, without the query string. */
  path: string;
  query: Readonly<Record<string, unknown>>;
  headers?: Headers;
  status: number;
  durationMs: number;
  requestBody: CapturedBody;
  responseBody: CapturedBody;
  /** When the request arrived. */
  at: Date;
}

/** One outbound HTTP request (a hop) made while serving an inbound call. */
export interface OutboundCall {
  requestId: string;
  /** The generic-api.yaml endpoint, e.g. `createAccount`. */
  endpoint: string;
  method: string;
  url: string;
  headers?: Headers;
  /** Absent when no response arrived (timeout, refused connection): see `error`. */
  status?: number;
  durationMs: number;
  requestBody: CapturedBody;
  responseBody: CapturedBody;
  error?: ExchangeError;
  /** When the request was sent. */
  at: Date;
}

interface Exchanged {
  headers?: Record<string, unknown>;
  body?: BodySnapshot;
}

/** Everything of an entry that is shown but never filtered on. */
interface EntryDetail {
  request: Exchanged;
  response: Exchanged;
  /** Inbound only. */
  query?: Record<string, unknown>;
  /** Outbound only. */
  endpoint?: string;
  url?: string;
  error?: ExchangeError;
}

/**
 * What the ring stores, inbound and outbound alike, in order of `seq`: the fields the filters
 * use, and the rest as one JSON text (`detail`). A store copies, checks and serializes a string
 * far faster than a tree of headers and bodies, and every API call pays for that write.
 */
export interface JournalDocument extends StoredDocument {
  seq: number;
  kind: 'inbound' | 'outbound';
  requestId: string;
  /** ISO 8601. */
  at: string;
  method: string;
  status: number | null;
  /** `4xx`: what the `status=4xx` filter matches. */
  statusClass: string | null;
  durationMs: number;
  /** Inbound only: the full path. */
  path?: string;
  /** EntryDetail as JSON. */
  detail: string;
}

export const detailText = (detail: EntryDetail): string => JSON.stringify(detail);

export interface OutboundEntry {
  at: string;
  endpoint: string;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  request: Exchanged;
  response: Exchanged;
  error?: ExchangeError;
}

/** An inbound call as `GET /api/v1/_journal` and `/admin/journal` show it. */
export interface InboundEntry {
  requestId: string;
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number | null;
  durationMs: number;
  request: Exchanged;
  response: Exchanged;
  /** The outbound calls it caused, in the order they were made. */
  outbound: OutboundEntry[];
}

export const statusClassOf = (status: number | undefined): string | null =>
  status === undefined ? null : `${Math.floor(status / 100)}xx`;

export function toOutboundEntry(doc: JournalDocument): OutboundEntry {
  const detail = JSON.parse(doc.detail) as EntryDetail;
  return {
    at: doc.at,
    endpoint: detail.endpoint ?? '',
    method: doc.method,
    url: detail.url ?? '',
    status: doc.status,
    durationMs: doc.durationMs,
    request: detail.request,
    response: detail.response,
    ...(detail.error && { error: detail.error }),
  };
}

export function toInboundEntry(doc: JournalDocument, outbound: OutboundEntry[]): InboundEntry {
  const detail = JSON.parse(doc.detail) as EntryDetail;
  return {
    requestId: doc.requestId,
    at: doc.at,
    method: doc.method,
    path: doc.path ?? '',
    query: detail.query ?? {},
    status: doc.status,
    durationMs: doc.durationMs,
    request: detail.request,
    response: detail.response,
    outbound,
  };
}

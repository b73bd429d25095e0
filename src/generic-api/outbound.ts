/**
 * The Generic API engine's seam between building a request (pure) and sending it (I/O): a
 * request is data, rendered by the builder and executed by a sender.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface OutboundRequest {
  /** The generic-api.yaml endpoint it was built from, e.g. `createAccount`. */
  endpoint: string;
  method: HttpMethod;
  /** Absolute, with the query string already encoded. */
  url: string;
  /** Content headers only; the sender adds authentication. */
  headers: Record<string, string>;
  /** The exact bytes to send. */
  body?: Buffer;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  durationMs: number;
}

export interface Sender {
  /** Resolves with any HTTP status; rejects only when no response arrived (timeout, network). */
  send(request: OutboundRequest): Promise<OutboundResponse>;
}

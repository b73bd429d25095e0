import axios from 'axios';
import type { DeadlineSignal } from './deadline';
import type { HttpMethod } from '../outbound';
import { DownstreamNetworkError, DownstreamTimeoutError, DownstreamTooLargeError } from './errors';

/** One HTTP request on the wire, exactly as sent (authentication included). */
export interface Hop {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  data: Buffer;
}

export interface TransportOptions {
  timeoutSeconds: number;
  maxResponseBytes: number;
  maxRequestBytes: number;
}

/** Sends one hop, never following redirects; rejects only with the typed downstream errors. */
export type Transport = (
  hop: Hop,
  endpoint: string,
  deadline: DeadlineSignal,
) => Promise<RawResponse>;

export function createTransport(options: TransportOptions): Transport {
  const client = axios.create({
    adapter: 'http',
    // axios's own timer is per hop and restarts on socket activity; the caller's deadline signal
    // is what bounds a whole exchange, including a body that trickles in.
    timeout: options.timeoutSeconds * 1000,
    transitional: { clarifyTimeoutError: true },
    maxContentLength: options.maxResponseBytes,
    maxBodyLength: options.maxRequestBytes,
    // The caller follows redirects itself, after checking that each target is the same origin.
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'arraybuffer',
    // The body is already the exact bytes to send, and the response is parsed by the caller.
    transformRequest: [],
    transformResponse: [],
  });

  return async (hop, endpoint, deadline) => {
    if (hop.body !== undefined && hop.body.length > options.maxRequestBytes) {
      throw new DownstreamTooLargeError(endpoint, hop.url, 'request', options.maxRequestBytes);
    }
    try {
      const response = await client.request<ArrayBuffer>({
        method: hop.method,
        url: hop.url,
        headers: hop.headers,
        data: hop.body,
        signal: deadline,
      });
      return {
        status: response.status,
        headers: plainHeaders(response.headers),
        // The http adapter hands an arraybuffer response over as a Buffer already.
        data: Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data),
      };
    } catch (error) {
      throw downstreamError(error, endpoint, hop.url, deadline, options);
    }
  };
}

function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function downstreamError(
  error: unknown,
  endpoint: string,
  url: string,
  deadline: DeadlineSignal,
  options: TransportOptions,
): Error {
  // Whatever axios reports once the deadline has fired (canceled, reset) is the deadline's doing.
  if (deadline.aborted) return new DownstreamTimeoutError(endpoint, url, options.timeoutSeconds);
  if (!axios.isAxiosError(error)) return error instanceof Error ? error : new Error(String(error));
  const code = error.code ?? causeCode(error.cause) ?? 'UNKNOWN';
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return new DownstreamTimeoutError(endpoint, url, options.timeoutSeconds);
  }
  if (error.message.startsWith('maxContentLength')) {
    return new DownstreamTooLargeError(endpoint, url, 'response', options.maxResponseBytes);
  }
  if (error.message.startsWith('Request body larger than maxBodyLength')) {
    return new DownstreamTooLargeError(endpoint, url, 'request', options.maxRequestBytes);
  }
  return new DownstreamNetworkError(endpoint, url, code, error.message);
}

function causeCode(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null && 'code' in cause
    ? String(cause.code)
    : undefined;
}

import type { OutboundAuth } from '../config/auth-schema';
import type { OutboundRequest, OutboundResponse, Sender } from '../outbound';
import { bearer, mergeHeaders, staticAuthHeaders } from './auth-headers';
import { beforeDeadline, Deadline, type DeadlineSignal } from './deadline';
import { DownstreamTimeoutError } from './errors';
import { createTransport, type Hop, type Transport } from './http-transport';
import { exchangeSecrets, maskExchange, type Exchange, type ExchangeError } from './mask-exchange';
import type { OAuthTokenSource } from './oauth-client';
import { MAX_REDIRECTS, redirectTarget } from './redirects';
import { parseBody } from './response-body';

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Room for a 25 MB attachment sent as base64 JSON (the built-in CRM's default upload limit). */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

const DEFAULT_HEADERS = { Accept: 'application/json, */*;q=0.8', 'User-Agent': 'crm-bridge' };
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export interface HttpSenderOptions {
  auth: OutboundAuth;
  /** generic-api.yaml's 1–10: bounds each send() as a whole, redirects and the 401 retry included. */
  timeoutSeconds: number;
  maxResponseBytes?: number;
  maxRequestBytes?: number;
  /** Required for oauth2: where the bearer token comes from. */
  tokens?: OAuthTokenSource;
  /** Called once per HTTP request on the wire (each redirect hop, the 401 retry), secrets masked. */
  onExchange?: (exchange: Exchange) => void;
}

interface SendContext {
  request: OutboundRequest;
  deadline: DeadlineSignal;
  token: string | undefined;
}

/**
 * The Sender on axios. Redirects are followed (at most 3) only within the same origin, so the
 * CRM's credentials never reach another host. With oauth2 a 401 invalidates the token and the
 * request is repeated once with a fresh one, whatever its method: a 401 means the CRM rejected
 * the request before acting on it, so repeating it cannot apply it twice.
 */
export function createHttpSender(options: HttpSenderOptions): Sender {
  const { auth, timeoutSeconds } = options;
  const tokens = auth.method === 'oauth2' ? requireTokens(options.tokens) : undefined;
  const transport = createTransport({
    timeoutSeconds,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  });
  const fixedAuth = staticAuthHeaders(auth);
  const report = reporter(auth, options.onExchange);

  const attempt = async (context: SendContext): Promise<OutboundResponse> => {
    const { request, token } = context;
    const { method, url, body } = request;
    const headers = mergeHeaders(
      DEFAULT_HEADERS,
      request.headers,
      fixedAuth,
      token ? bearer(token) : NO_HEADERS,
    );
    let hop: Hop = body === undefined ? { method, url, headers } : { method, url, headers, body };
    for (let redirects = 0; ; redirects++) {
      const response = await sendHop(transport, hop, context, report);
      const next = redirects < MAX_REDIRECTS ? redirectTarget(hop, response) : undefined;
      if (next === undefined) return response;
      hop = next;
    }
  };

  /** oauth2: a token first; after a 401, the token is dropped and the request sent once more. */
  const withToken = async (
    source: OAuthTokenSource,
    request: OutboundRequest,
    deadline: DeadlineSignal,
  ): Promise<OutboundResponse> => {
    const timedOut = (): Error =>
      new DownstreamTimeoutError(request.endpoint, request.url, timeoutSeconds);
    const token = (): Promise<string> => beforeDeadline(source.accessToken(), deadline, timedOut);
    const first = await token();
    const response = await attempt({ request, deadline, token: first });
    if (response.status !== 401) return response;
    source.invalidate(first);
    return attempt({ request, deadline, token: await token() });
  };

  return {
    async send(request) {
      const started = performance.now();
      const deadline = new Deadline(timeoutSeconds * 1000);
      try {
        const response =
          tokens === undefined
            ? await attempt({ request, deadline, token: undefined })
            : await withToken(tokens, request, deadline);
        return { ...response, durationMs: performance.now() - started };
      } finally {
        deadline.clear();
      }
    },
  };
}

function requireTokens(tokens: OAuthTokenSource | undefined): OAuthTokenSource {
  if (tokens === undefined) {
    throw new TypeError('oauth2 auth needs a token source: pass createOAuthTokenSource(...)');
  }
  return tokens;
}

type Report = (exchange: Exchange, token: string | undefined) => void;

/** Undefined when nobody listens, so that no exchange is put together for nothing. */
function reporter(
  auth: OutboundAuth,
  onExchange: HttpSenderOptions['onExchange'],
): Report | undefined {
  if (onExchange === undefined) return undefined;
  return (exchange, token) =>
    onExchange(maskExchange(exchange, exchangeSecrets(auth, token === undefined ? [] : [token])));
}

async function sendHop(
  transport: Transport,
  hop: Hop,
  context: SendContext,
  report: Report | undefined,
): Promise<OutboundResponse> {
  const { request, deadline, token } = context;
  const started = performance.now();
  try {
    const raw = await transport(hop, request.endpoint, deadline);
    const response: OutboundResponse = {
      status: raw.status,
      headers: raw.headers,
      body: parseBody(raw.data, raw.headers['content-type']),
      durationMs: performance.now() - started,
    };
    report?.(
      {
        request: { ...hop, endpoint: request.endpoint },
        response,
        durationMs: response.durationMs,
      },
      token,
    );
    return response;
  } catch (error) {
    report?.(
      {
        request: { ...hop, endpoint: request.endpoint },
        error: exchangeError(error),
        durationMs: performance.now() - started,
      },
      token,
    );
    throw error;
  }
}

function exchangeError(error: unknown): ExchangeError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}

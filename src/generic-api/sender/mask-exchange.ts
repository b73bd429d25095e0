import type { OutboundAuth } from '../config/auth-schema';
import type { OutboundRequest, OutboundResponse } from '../outbound';
import { basicCredentials } from './auth-headers';

/** An error as the exchange record keeps it: data, so a journal can store it as is. */
export interface ExchangeError {
  name: string;
  message: string;
  code?: string;
}

/** One HTTP request on the wire and what came of it, for `simulate` and the request journal. */
export interface Exchange {
  /** As sent: this hop's URL and method, authentication headers included. */
  request: OutboundRequest;
  response?: OutboundResponse;
  error?: ExchangeError;
  durationMs: number;
}

export interface ExchangeSecrets {
  /** Headers whose values are never shown, in any letter case. */
  headerNames: readonly string[];
  /** Values replaced wherever they appear: URL, header values, bodies, error messages. */
  values: readonly string[];
}

export const MASK = '[secret]';

const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
// Shorter values would mask unrelated text (a 2-letter password inside every word); the headers
// that carry them are still masked by name.
const MIN_SECRET_LENGTH = 4;
// Parsed JSON can nest deeper than a recursive walk should go; what lies below is not shown.
const MAX_DEPTH = 64;

/** What to hide for an auth method, plus `extra` values known only at run time (access tokens). */
export function exchangeSecrets(
  auth: OutboundAuth,
  extra: readonly string[] = [],
): ExchangeSecrets {
  const configured = configuredSecrets(auth);
  return {
    headerNames: [...ALWAYS_SECRET, ...configured.headerNames],
    values: [...configured.values, ...extra],
  };
}

function configuredSecrets(auth: OutboundAuth): ExchangeSecrets {
  switch (auth.method) {
    case 'basic':
      // The base64 pair too: a CRM may echo the Authorization header back in an error body.
      return {
        headerNames: [],
        values: [auth.password, basicCredentials(auth.username, auth.password).slice(6)],
      };
    case 'header':
      return { headerNames: Object.keys(auth.headers), values: Object.values(auth.headers) };
    case 'oauth2':
      return { headerNames: [], values: [auth.clientSecret] };
    case 'none':
      return { headerNames: [], values: [] };
  }
}

/** A copy of `exchange` with every secret replaced by `[secret]`; the original is untouched. */
export function maskExchange(exchange: Exchange, secrets: ExchangeSecrets): Exchange {
  const hide = masker(secrets);
  const { request, response, error } = exchange;
  return {
    request: {
      ...request,
      url: hide.text(request.url),
      headers: hide.headers(request.headers),
      ...(request.body === undefined ? {} : { body: hide.bytes(request.body) }),
    },
    ...(response === undefined
      ? {}
      : {
          response: {
            ...response,
            headers: hide.headers(response.headers),
            body: hide.deep(response.body),
          },
        }),
    ...(error === undefined ? {} : { error: { ...error, message: hide.text(error.message) } }),
    durationMs: exchange.durationMs,
  };
}

function masker(secrets: ExchangeSecrets) {
  const names = new Set([...ALWAYS_SECRET, ...secrets.headerNames].map((n) => n.toLowerCase()));
  const forms = secretForms(secrets.values);
  // One pass with one pattern, so a secret is never found again inside a mask already written.
  const pattern = (needles: string[]): RegExp | undefined =>
    needles.length === 0 ? undefined : new RegExp(needles.map(escapeRegExp).join('|'), 'g');
  const inText = pattern(forms);
  // Bytes are matched as latin1 text, one character per byte, so binary bodies survive intact.
  const inBytes = pattern(forms.map((f) => Buffer.from(f, 'utf8').toString('latin1')));

  const text = (value: string): string => (inText ? value.replace(inText, MASK) : value);
  const deep = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return MASK;
    if (Array.isArray(value)) return value.map((v) => deep(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, depth + 1)]));
  };
  return {
    text,
    deep,
    headers: (headers: Record<string, string>): Record<string, string> =>
      Object.fromEntries(
        Object.entries(headers).map(([n, v]) => [n, names.has(n.toLowerCase()) ? MASK : text(v)]),
      ),
    bytes: (body: Buffer): Buffer =>
      inBytes ? Buffer.from(body.toString('latin1').replace(inBytes, MASK), 'latin1') : body,
  };
}

/** Each secret as written and as a URL or a form would encode it, longest first. */
function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const encoded = encodeURIComponent(value);
    forms.add(value).add(encoded).add(encoded.replace(/%20/g, '+'));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import type { OAuth2Auth } from '../config/auth-schema';
import { OAuthTokenError } from './errors';
import { createTransport, type Transport } from './http-transport';
import { decode, parseBody } from './response-body';

/** The endpoint name token requests report in errors, next to generic-api.yaml's endpoints. */
export const TOKEN_ENDPOINT = 'oauth2 token';

/** Token requests wait at most generic-api.yaml's largest timeout unless told otherwise. */
export const TOKEN_TIMEOUT_SECONDS = 10;

/** A transport sized for token requests: a form of a few fields, a JSON answer of a few more. */
export function createTokenTransport(timeoutSeconds: number): Transport {
  return createTransport({
    timeoutSeconds,
    maxResponseBytes: 1024 * 1024,
    maxRequestBytes: 64 * 1024,
  });
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds?: number;
}

/**
 * POSTs one grant to the token URL (RFC 6749 §4) and returns what it issued. The client
 * authenticates as `clientAuth` says; `redirect_uri` is added when the platform's "include the
 * redirect URL" option is on, as the platform does for every token request.
 */
export async function requestTokens(
  transport: Transport,
  auth: OAuth2Auth,
  grant: Record<string, string>,
  deadline: AbortSignal,
): Promise<IssuedTokens> {
  const form = new URLSearchParams(grant);
  if (auth.redirectInAuthUrl && auth.redirectUri !== undefined) {
    form.set('redirect_uri', auth.redirectUri);
  }
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': 'crm-bridge',
  };
  if (auth.clientAuth === 'body') {
    form.set('client_id', auth.clientId);
    form.set('client_secret', auth.clientSecret);
  } else {
    // RFC 6749 §2.3.1: both parts form-encoded before base64 (it matters for secrets with "+").
    const pair = `${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`;
    headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  const raw = await transport(
    { method: 'POST', url: auth.tokenUrl, headers, body: Buffer.from(form.toString(), 'utf8') },
    TOKEN_ENDPOINT,
    deadline,
  );
  const fields = tokenFields(raw.data, raw.headers['content-type']);
  const accessToken = text(fields.access_token);
  const ok = raw.status >= 200 && raw.status < 300 && text(fields.error) === undefined;
  if (!ok || accessToken === undefined) throw tokenError(auth.tokenUrl, raw.status, ok, fields);
  const refreshToken = text(fields.refresh_token);
  const expiresIn = Number(fields.expires_in);
  return {
    accessToken,
    ...(refreshToken && { refreshToken }),
    // Some servers send a string; zero or garbage means "not said": it then lasts until a 401.
    ...(Number.isFinite(expiresIn) && expiresIn > 0 && { expiresInSeconds: expiresIn }),
  };
}

function tokenError(
  tokenUrl: string,
  status: number,
  ok: boolean,
  fields: Record<string, unknown>,
): OAuthTokenError {
  // A success without a token is the server's mistake, reported in RFC 6749's terms.
  if (ok) return new OAuthTokenError(tokenUrl, status, 'invalid_response', 'no access_token');
  const description = text(fields.error_description);
  return new OAuthTokenError(tokenUrl, status, text(fields.error), description?.slice(0, 300));
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** JSON as RFC 6749 says, or a form body as some older servers still answer. */
function tokenFields(data: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (contentType !== undefined && /x-www-form-urlencoded/i.test(contentType)) {
    return Object.fromEntries(new URLSearchParams(decode(data, contentType)));
  }
  const body = parseBody(data, contentType);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

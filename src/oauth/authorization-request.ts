import type { ClientRegistry, OAuthClient } from './oauth-clients';

/** Where an authorization answer goes, once client and redirect URI are known to be genuine. */
export interface AuthorizationTarget {
  client: OAuthClient;
  redirectUri: string;
  /** The request named the URI; then the token request must name it too (RFC 6749 §4.1.3). */
  redirectUriGiven: boolean;
}

export interface AuthorizationRequest extends AuthorizationTarget {
  scope: string[];
  state?: string;
  codeChallenge?: string;
}

/** A failure that must not be sent to the redirect URI: shown to the person instead. */
export interface FatalAuthorizationError {
  ok: false;
  message: string;
}

/** RFC 6749 §4.1.2.1: reported to the (verified) redirect URI, with the request's state. */
export interface RedirectedAuthorizationError {
  ok: false;
  error: string;
  description: string;
  state?: string;
}

type Params = Record<string, unknown>;

const MAX_STATE_LENGTH = 1024;
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** RFC 7636 §4.2: the S256 challenge is base64url without padding, 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** One value per parameter (RFC 6749 §3.1): a repeated one is an error, not a choice. */
function single(params: Params, name: string): string | undefined | { repeated: true } {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  return { repeated: true };
}

const fatal = (message: string): FatalAuthorizationError => ({ ok: false, message });

/**
 * The first check, before any login or redirect: an unknown client or a redirect URI that is
 * not registered EXACTLY is answered on our own page, so we never redirect anywhere unvetted.
 */
export function authorizationTarget(
  params: Params,
  clients: ClientRegistry,
): ({ ok: true } & AuthorizationTarget) | FatalAuthorizationError {
  const clientId = single(params, 'client_id');
  if (typeof clientId !== 'string') return fatal('The request names no client (client_id).');
  const client = clients.find(clientId);
  if (!client) return fatal('The application asking for access is not registered here.');

  const redirectUri = single(params, 'redirect_uri');
  if (typeof redirectUri === 'object') return fatal('The redirect_uri parameter is repeated.');
  if (redirectUri !== undefined) {
    if (!client.redirectUris.includes(redirectUri)) {
      return fatal(`The redirect URI is not registered for ${client.name}.`);
    }
    return { ok: true, client, redirectUri, redirectUriGiven: true };
  }
  // RFC 6749 §3.1.2.3: it may be left out only when the client registered exactly one.
  const [only, ...others] = client.redirectUris;
  if (only === undefined || others.length > 0) {
    return fatal(`The request names no redirect URI and ${client.name} has no single default.`);
  }
  return { ok: true, client, redirectUri: only, redirectUriGiven: false };
}

const REQUEST_PARAMS = [
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;
type RequestParams = Partial<Record<(typeof REQUEST_PARAMS)[number], string>>;

/** The rest of the request, once the target is trusted; errors here go back to the client. */
export function authorizationRequest(
  params: Params,
  target: AuthorizationTarget,
): { ok: true; request: AuthorizationRequest } | RedirectedAuthorizationError {
  const p: RequestParams = {};
  for (const name of REQUEST_PARAMS) {
    const value = single(params, name);
    if (typeof value === 'object')
      return redirected(undefined, 'invalid_request', `${name} is repeated`);
    if (value !== undefined) p[name] = value;
  }
  const { state } = p;
  const failed = validate(p, target);
  if (failed) return redirected(state, ...failed);
  return {
    ok: true,
    request: {
      ...target,
      ...(state !== undefined && { state }),
      scope: [...new Set(p.scope?.split(' ').filter((s) => s !== '') ?? [])],
      ...(p.code_challenge !== undefined && { codeChallenge: p.code_challenge }),
    },
  };
}

function redirected(
  state: string | undefined,
  error: string,
  description: string,
): RedirectedAuthorizationError {
  return { ok: false, error, description, ...(state !== undefined && { state }) };
}

type Failure = [error: string, description: string];

function validate(p: RequestParams, target: AuthorizationTarget): Failure | undefined {
  if (p.state !== undefined && p.state.length > MAX_STATE_LENGTH) {
    return ['invalid_request', `state is longer than ${MAX_STATE_LENGTH} characters`];
  }
  if (!target.client.grants.includes('authorization_code')) {
    return ['unauthorized_client', 'this client may not use the authorization code flow'];
  }
  if (p.response_type === undefined) return ['invalid_request', 'response_type is missing'];
  if (p.response_type !== 'code') {
    return ['unsupported_response_type', 'only response_type=code is supported'];
  }
  if (p.scope !== undefined && !p.scope.split(' ').every((s) => s === '' || SCOPE_TOKEN.test(s))) {
    return ['invalid_scope', 'scope contains characters RFC 6749 does not allow'];
  }
  return validatePkce(p);
}

/** PKCE is optional, but when used it is S256: "plain" protects nothing a TLS leak exposes. */
function validatePkce(p: RequestParams): Failure | undefined {
  const { code_challenge: challenge, code_challenge_method: method } = p;
  if (challenge === undefined) {
    return method === undefined
      ? undefined
      : ['invalid_request', 'code_challenge_method without code_challenge'];
  }
  // RFC 7636 §4.3: a missing method means "plain", which is refused like an explicit one.
  if (method !== 'S256') {
    return ['invalid_request', 'code_challenge_method must be S256 (plain is refused)'];
  }
  if (!S256_CHALLENGE.test(challenge)) {
    return ['invalid_request', 'code_challenge is not a base64url SHA-256 value'];
  }
  return undefined;
}

/**
 * The redirect URI with our parameters appended, leaving the registered part byte for byte as
 * it is (re-serialising its query could change it).
 */
export function redirectWith(uri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.set(name, value);
  }
  const separator = uri.includes('?') ? (uri.endsWith('?') || uri.endsWith('&') ? '' : '&') : '?';
  return `${uri}${separator}${query.toString()}`;
}

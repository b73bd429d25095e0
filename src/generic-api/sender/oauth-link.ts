import type { Store } from '../../shared/store/store-port';
import type { OAuth2Auth } from '../config/auth-schema';
import { createTokenTransport, requestTokens, TOKEN_TIMEOUT_SECONDS } from './oauth-token-endpoint';
import { DEFAULT_REFRESH_MARGIN_SECONDS, oauthTokenStore, tokensFrom } from './oauth-token-store';

/**
 * The authorization-code step (RFC 6749 §4.1) for a CRM behind OAuth 2.0: the admin opens
 * `authorizationUrl`, approves, and hands the code back to `linkAuthorizationCode`, which trades
 * it for tokens and stores them where the token source looks.
 */
export function authorizationUrl(auth: OAuth2Auth): string {
  const url = new URL(auth.authorizationUrl);
  const params: [string, string | undefined][] = [
    ['response_type', 'code'],
    ['client_id', auth.clientId],
    ['redirect_uri', auth.redirectInAuthUrl ? auth.redirectUri : undefined],
    ['scope', auth.scope],
    ['state', auth.state],
    ['access_type', auth.accessType],
  ];
  // set(), not append(): parameters already in the configured URL are kept unless we set them.
  for (const [name, value] of params) if (value) url.searchParams.set(name, value);
  return url.href;
}

export type CodeInput = { ok: true; code: string } | { ok: false; problem: string };

/**
 * Accepts the code itself or the whole address the CRM redirected the browser to, which is what
 * an admin naturally copies; then an `error` there is reported and `state` must match.
 */
export function codeFromInput(input: string, auth: OAuth2Auth): CodeInput {
  const trimmed = input.trim();
  if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed)) {
    return trimmed === ''
      ? { ok: false, problem: 'the code is empty' }
      : { ok: true, code: trimmed };
  }
  const params = new URL(trimmed).searchParams;
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    return {
      ok: false,
      problem: `the CRM refused: ${error}${description ? `: ${description}` : ''}`,
    };
  }
  if (auth.state && params.get('state') !== auth.state) {
    return { ok: false, problem: `the address's state does not match auth.state "${auth.state}"` };
  }
  const code = params.get('code');
  return code ? { ok: true, code } : { ok: false, problem: 'the address has no code parameter' };
}

export interface LinkOptions {
  auth: OAuth2Auth;
  store: Store;
  code: string;
  timeoutSeconds?: number;
  now?: () => number;
}

export interface LinkResult {
  /** False when the CRM issued no refresh token: the link then lasts as long as the access token. */
  refreshToken: boolean;
  expiresInSeconds?: number;
}

/** Exchanges the code (authorization_code grant) and replaces whatever link was stored before. */
export async function linkAuthorizationCode(options: LinkOptions): Promise<LinkResult> {
  const { auth } = options;
  const timeoutSeconds = options.timeoutSeconds ?? TOKEN_TIMEOUT_SECONDS;
  const issued = await requestTokens(
    createTokenTransport(timeoutSeconds),
    auth,
    { grant_type: 'authorization_code', code: options.code },
    AbortSignal.timeout(timeoutSeconds * 1000),
  );
  const now = (options.now ?? Date.now)();
  const marginMs = DEFAULT_REFRESH_MARGIN_SECONDS * 1000;
  await oauthTokenStore(options.store, auth).save(tokensFrom(issued, undefined, now, marginMs));
  return {
    refreshToken: issued.refreshToken !== undefined,
    ...(issued.expiresInSeconds !== undefined && { expiresInSeconds: issued.expiresInSeconds }),
  };
}

import type { Store } from '../../shared/store/store-port';
import type { OAuth2Auth } from '../config/auth-schema';
import { OAuthNotLinkedError } from './errors';
import { createTokenTransport, requestTokens, TOKEN_TIMEOUT_SECONDS } from './oauth-token-endpoint';
import {
  DEFAULT_REFRESH_MARGIN_SECONDS,
  oauthTokenStore,
  tokensFrom,
  type OAuthTokens,
} from './oauth-token-store';

/** Where the sender gets bearer tokens for the oauth2 method. */
export interface OAuthTokenSource {
  /** A token believed valid: cached, stored, or fetched now (one fetch shared by all callers). */
  accessToken(): Promise<string>;
  /** The CRM answered 401 to `token`: never hand it out again. A token already replaced is a no-op. */
  invalidate(token: string): void;
}

export interface OAuthTokenSourceOptions {
  auth: OAuth2Auth;
  /** Tokens live in its `generic_api_oauth` collection, so they survive restarts. */
  store: Store;
  /** Bounds each token request. Default 10 (generic-api.yaml's maximum). */
  timeoutSeconds?: number;
  /** Retire an access token this long before it expires (at most half its lifetime). Default 60. */
  refreshMarginSeconds?: number;
  now?: () => number;
}

/**
 * Tokens for generic-api.yaml's oauth2 method: the client_credentials grant, or the refresh token
 * stored by `crm-bridge oauth link` (authorization_code), refreshed with the refresh_token grant.
 * A token without `expires_in` is used until the CRM rejects it.
 */
export function createOAuthTokenSource(options: OAuthTokenSourceOptions): OAuthTokenSource {
  const { auth } = options;
  const now = options.now ?? Date.now;
  const timeoutSeconds = options.timeoutSeconds ?? TOKEN_TIMEOUT_SECONDS;
  const marginMs = (options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS) * 1000;
  const transport = createTokenTransport(timeoutSeconds);
  const saved = oauthTokenStore(options.store, auth);
  let cached: OAuthTokens | undefined;
  let rejected: string | undefined;
  let inflight: Promise<string> | undefined;

  const usable = (tokens: OAuthTokens | null | undefined): tokens is { accessToken: string } =>
    tokens?.accessToken !== undefined &&
    tokens.accessToken !== rejected &&
    (tokens.refreshAt === undefined || now() < tokens.refreshAt);

  const obtain = async (): Promise<string> => {
    // Read every time: another process (a second server, `oauth link`) may have refreshed or
    // relinked since, and a refresh token it rotated is the only one still valid.
    const stored = await saved.load();
    if (usable(stored)) {
      cached = stored;
      return stored.accessToken;
    }
    const grant = grantFor(auth, stored?.refreshToken);
    const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
    const issued = await requestTokens(transport, auth, grant, deadline);
    const tokens = tokensFrom(issued, stored?.refreshToken, now(), marginMs);
    await saved.save(tokens);
    cached = tokens;
    return issued.accessToken;
  };

  return {
    accessToken() {
      if (usable(cached)) return Promise.resolve(cached.accessToken);
      inflight ??= obtain().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      rejected = token;
      if (cached?.accessToken === token) cached = undefined;
    },
  };
}

function grantFor(auth: OAuth2Auth, refreshToken: string | undefined): Record<string, string> {
  if (auth.grant === 'client_credentials') {
    return { grant_type: 'client_credentials', ...(auth.scope && { scope: auth.scope }) };
  }
  if (refreshToken === undefined) throw new OAuthNotLinkedError(auth.tokenUrl, auth.clientId);
  return { grant_type: 'refresh_token', refresh_token: refreshToken };
}

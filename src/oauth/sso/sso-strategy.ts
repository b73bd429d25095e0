import OAuth2Strategy from 'passport-oauth2';
import type { ServerConfig } from '../../shared/config/server-schema';
import type { StaffUser } from '../../web/staff-auth';

export type SsoConfig = NonNullable<ServerConfig['web']['sso']>;

const USERINFO_TIMEOUT_MS = 10_000;
const MAX_NAME_LENGTH = 200;
/** Where passport-oauth2 keeps state and PKCE verifier in the session between the two legs. */
export const SSO_SESSION_KEY = 'oauth2:sso';
export const NO_USER_MESSAGE = 'the provider named no user';

/** The staff name the provider vouches for: the first usable of these claims. */
export function staffNameFrom(claims: Record<string, unknown>): string | undefined {
  for (const claim of ['preferred_username', 'email', 'sub']) {
    const value = claims[claim];
    const name = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
    if (name !== '' && name.length <= MAX_NAME_LENGTH) return name;
  }
  return undefined;
}

/** The provider's userinfo document for this access token (a JSON object, or an error). */
export async function fetchUserInfo(
  url: string,
  accessToken: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    // The token must go to the configured URL and nowhere a redirect would lead it.
    redirect: 'error',
    signal: AbortSignal.timeout(USERINFO_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`the userinfo URL answered HTTP ${response.status}`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error('the userinfo URL did not answer a JSON object');
  }
  return body as Record<string, unknown>;
}

/** passport-oauth2 knows no userinfo endpoint by itself; the profile is what it answers. */
class UserInfoStrategy extends OAuth2Strategy {
  constructor(
    options: OAuth2Strategy.StrategyOptions,
    verify: OAuth2Strategy.VerifyFunction,
    private readonly userInfoUrl: string,
  ) {
    super(options, verify);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void) {
    fetchUserInfo(this.userInfoUrl, accessToken).then(
      (profile) => done(null, profile),
      (error: unknown) => done(error),
    );
  }
}

/** Authorization code with state and PKCE S256, both kept in the staff session. */
export function ssoStrategy(sso: SsoConfig, callbackUrl: string): OAuth2Strategy {
  return new UserInfoStrategy(
    {
      authorizationURL: sso.authorizationUrl,
      tokenURL: sso.tokenUrl,
      clientID: sso.clientId,
      clientSecret: sso.clientSecret,
      callbackURL: callbackUrl,
      ...(sso.scope !== '' && { scope: sso.scope }),
      state: true,
      pkce: true,
      sessionKey: SSO_SESSION_KEY,
    },
    (
      _accessToken: string,
      _refreshToken: string,
      profile: Record<string, unknown>,
      done: OAuth2Strategy.VerifyCallback,
    ) => {
      const username = staffNameFrom(profile);
      if (username === undefined) {
        done(null, false, { message: NO_USER_MESSAGE });
        return;
      }
      done(null, { username, via: 'sso' } satisfies StaffUser);
    },
    sso.userInfoUrl,
  );
}

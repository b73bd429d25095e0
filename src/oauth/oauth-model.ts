import type OAuth2Server from '@node-oauth/oauth2-server';
import type { ClientRegistry, OAuthClient } from './oauth-clients';
import { type GrantStore, newFamily, type StoredGrant, type Subject } from './grant-store';
import { newSecret } from './secrets';

type LibClient = OAuth2Server.Client;
type LibUser = OAuth2Server.User;

/**
 * What the token endpoint needs. The library's authorize handler is not used (authorize-routes.ts
 * issues codes), so neither are its `saveAuthorizationCode` and `generateAuthorizationCode`.
 */
export type OAuthModel = Pick<
  OAuth2Server.AuthorizationCodeModel,
  'getAuthorizationCode' | 'revokeAuthorizationCode' | 'validateScope'
> &
  OAuth2Server.RefreshTokenModel &
  OAuth2Server.ClientCredentialsModel;

/**
 * The user object the library hands back to us. Besides the subject it carries the token
 * family, because the library passes nothing else from a redeemed code or refresh token on to
 * `saveToken`.
 */
type GrantUser = Subject & { family?: string };

function isSubject(value: unknown): value is Subject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.kind === 'staff' && typeof v.username === 'string') ||
    (v.kind === 'client' && typeof v.clientId === 'string')
  );
}

/** The library types users as `any`; everything it gives back came from us, so check and narrow. */
function grantUser(user: LibUser): GrantUser {
  if (!isSubject(user)) throw new TypeError('oauth: unexpected user object');
  const family: unknown = (user as Record<string, unknown>).family;
  return typeof family === 'string' ? { ...user, family } : user;
}

function subjectOf(user: GrantUser): Subject {
  return user.kind === 'staff'
    ? { kind: 'staff', username: user.username }
    : { kind: 'client', clientId: user.clientId };
}

const toLibClient = (client: OAuthClient): LibClient => ({
  id: client.id,
  name: client.name,
  redirectUris: [...client.redirectUris],
  grants: [...client.grants],
});

const scopeOf = (scope: string[] | undefined): string[] => scope ?? [];
/** RFC 6749 §5.1: no `scope` in the answer rather than an empty one. */
const scopeOut = (scope: string[]): string[] | undefined => (scope.length > 0 ? scope : undefined);

/**
 * The model @node-oauth/oauth2-server calls for the token endpoint: clients from config, codes
 * and tokens in the GrantStore. Every client is confidential: a secret is always required, also
 * with PKCE (the library would otherwise accept a bare client_id there).
 */
export function oauthModel(clients: ClientRegistry, grants: GrantStore): OAuthModel {
  /** A stored grant whose client was removed from config is dead: removal revokes. */
  const clientFor = (grant: StoredGrant): LibClient | undefined => {
    const client = clients.find(grant.clientId);
    return client && toLibClient(client);
  };

  return {
    async getClient(clientId, clientSecret) {
      if (typeof clientSecret !== 'string' || clientSecret === '') return false;
      const client = clients.authenticate(clientId, clientSecret);
      return client ? toLibClient(client) : false;
    },

    generateAccessToken: async () => newSecret(),
    generateRefreshToken: async () => newSecret(),

    async getAuthorizationCode(authorizationCode) {
      const code = await grants.findCode(authorizationCode);
      const client = code && clientFor(code);
      if (!code || !client) return false;
      return {
        authorizationCode,
        expiresAt: code.expiresAt,
        redirectUri: code.redirectUri ?? '',
        scope: code.scope,
        client,
        user: { ...code.subject, family: code.family } satisfies GrantUser,
        ...(code.codeChallenge !== undefined && { codeChallenge: code.codeChallenge }),
        ...(code.codeChallengeMethod !== undefined && {
          codeChallengeMethod: code.codeChallengeMethod,
        }),
      };
    },

    revokeAuthorizationCode: (code) => grants.consumeCode(code.authorizationCode),

    async saveToken(token, client, user) {
      const granted = grantUser(user);
      const scope = scopeOf(token.scope);
      await grants.saveTokens({
        family: granted.family ?? newFamily(),
        clientId: client.id,
        subject: subjectOf(granted),
        scope,
        accessToken: token.accessToken,
        accessTokenExpiresAt: requiredDate(token.accessTokenExpiresAt),
        ...(token.refreshToken !== undefined && {
          refreshToken: token.refreshToken,
          refreshTokenExpiresAt: requiredDate(token.refreshTokenExpiresAt),
        }),
      });
      return {
        accessToken: token.accessToken,
        accessTokenExpiresAt: token.accessTokenExpiresAt,
        ...(token.refreshToken !== undefined && {
          refreshToken: token.refreshToken,
          refreshTokenExpiresAt: token.refreshTokenExpiresAt,
        }),
        scope: scopeOut(scope),
        client,
        user: subjectOf(granted),
      };
    },

    async getAccessToken(accessToken) {
      const grant = await grants.findAccessToken(accessToken);
      const client = grant && clientFor(grant);
      if (!grant || !client) return false;
      return {
        accessToken,
        accessTokenExpiresAt: grant.expiresAt,
        scope: grant.scope,
        client,
        user: grant.subject,
      };
    },

    async getRefreshToken(refreshToken) {
      const grant = await grants.findRefreshToken(refreshToken);
      const client = grant && clientFor(grant);
      if (!grant || !client) return false;
      return {
        refreshToken,
        refreshTokenExpiresAt: grant.expiresAt,
        scope: grant.scope,
        client,
        user: { ...grant.subject, family: grant.family } satisfies GrantUser,
      };
    },

    revokeToken: (token) => grants.consumeRefreshToken(token.refreshToken),

    async getUserFromClient(client) {
      return { kind: 'client', clientId: client.id } satisfies Subject;
    },

    /** Scopes are labels the client chose and the staff member saw; they are kept, not checked. */
    async validateScope(_user, _client, scope) {
      return scope ?? [];
    },
  };
}

function requiredDate(value: Date | undefined): Date {
  if (!(value instanceof Date)) throw new TypeError('oauth: expiry is not a Date');
  return value;
}

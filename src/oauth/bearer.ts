import type { BearerVerifier } from '../api/api-auth';
import type { GrantStore, Subject } from './grant-store';
import type { ClientRegistry, OAuthClient } from './oauth-clients';

/** Ours are 43 characters; anything much longer is not worth hashing and looking up. */
const MAX_TOKEN_LENGTH = 512;

export interface AccessGrant {
  client: OAuthClient;
  subject: Subject;
  scope: string[];
}

export type AccessTokenLookup = (token: string) => Promise<AccessGrant | null>;

/** A valid, unexpired access token of a client still in config; null for anything else. */
export function accessTokenLookup(clients: ClientRegistry, grants: GrantStore): AccessTokenLookup {
  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const grant = await grants.findAccessToken(token);
    const client = grant && clients.find(grant.clientId);
    if (!grant || !client) return null;
    return { client, subject: grant.subject, scope: grant.scope };
  };
}

/** What `/api/v1` plugs in next to Basic and header keys: the caller is named by its client id. */
export function bearerVerifier(lookup: AccessTokenLookup): BearerVerifier {
  return async (token) => {
    const grant = await lookup(token);
    return grant && { method: 'bearer', name: grant.client.id };
  };
}

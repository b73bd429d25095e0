import type { ServerConfig } from '../shared/config/server-schema';
import { secretMatcher } from '../shared/security/constant-time';

type OAuthConfig = NonNullable<ServerConfig['api']['auth']['oauth2']>;
type ClientConfig = OAuthConfig['clients'][number];
export type OAuthGrant = ClientConfig['grants'][number];

/** A registered client as the rest of the OAuth code sees it: the secret never leaves here. */
export interface OAuthClient {
  id: string;
  name: string;
  redirectUris: readonly string[];
  grants: readonly OAuthGrant[];
}

export interface ClientRegistry {
  find(clientId: string): OAuthClient | undefined;
  /** The client when `secret` is its secret; compared in constant time. */
  authenticate(clientId: string, secret: string): OAuthClient | undefined;
}

/**
 * RFC 6749 §2.3.1 says Basic credentials are form-encoded before base64, but most clients send
 * them raw; a secret that differs after decoding is therefore checked both ways.
 */
function formDecoded(value: string): string | undefined {
  try {
    const decoded = decodeURIComponent(value.replace(/\+/g, ' '));
    return decoded === value ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** The clients of `api.auth.oauth2.clients`: fixed at start, like every other credential. */
export function clientRegistry(clients: readonly ClientConfig[]): ClientRegistry {
  const entries = new Map(
    clients.map((c) => [
      c.clientId,
      {
        client: {
          id: c.clientId,
          name: c.name ?? c.clientId,
          redirectUris: [...c.redirectUris],
          grants: [...c.grants],
        } satisfies OAuthClient,
        secret: secretMatcher(c.clientSecret),
      },
    ]),
  );
  return {
    find: (clientId) => entries.get(clientId)?.client,
    authenticate(clientId, secret) {
      const decodedId = formDecoded(clientId);
      const entry =
        entries.get(clientId) ?? (decodedId === undefined ? undefined : entries.get(decodedId));
      if (!entry) return undefined;
      const decoded = formDecoded(secret);
      const ok = entry.secret(secret) || (decoded !== undefined && entry.secret(decoded));
      return ok ? entry.client : undefined;
    },
  };
}

import OAuth2Server from '@node-oauth/oauth2-server';
import type { ServerConfig } from '../shared/config/server-schema';
import type { Logger } from '../shared/log/logger';
import type { Store } from '../shared/store/store-port';
import { type AccessTokenLookup, accessTokenLookup } from './bearer';
import { GrantStore } from './grant-store';
import { type ClientRegistry, clientRegistry } from './oauth-clients';
import { oauthModel } from './oauth-model';

export type OAuthSettings = NonNullable<ServerConfig['api']['auth']['oauth2']>;

export interface AuthorizationServer {
  clients: ClientRegistry;
  grants: GrantStore;
  /** The library, for the token endpoint. */
  server: OAuth2Server;
  lookup: AccessTokenLookup;
}

export interface AuthorizationServerOptions {
  settings: OAuthSettings;
  store: Store;
  logger: Logger;
  /** The clock expiry is judged by (tests move it); default Date.now. */
  now?: () => number;
}

export async function authorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const { settings, logger } = options;
  const clients = clientRegistry(settings.clients);
  const grants = await GrantStore.open(options.store, {
    now: options.now ?? Date.now,
    onReplay: (what, clientId) =>
      logger.warn(`a used OAuth ${what} was presented again: its tokens are revoked`, {
        clientId,
      }),
  });
  const server = new OAuth2Server({
    model: oauthModel(clients, grants),
    accessTokenLifetime: settings.accessTokenTtlSeconds,
    refreshTokenLifetime: settings.refreshTokenTtlSeconds,
    // Rotation: every refresh revokes the token it used and issues a new one.
    alwaysIssueNewRefreshToken: true,
    allowExtendedTokenAttributes: false,
  });
  return { clients, grants, server, lookup: accessTokenLookup(clients, grants) };
}

import { createHash } from 'node:crypto';
import { DuplicateKeyError } from '../../shared/errors/duplicate-key-error';
import type { Store, StoredDocument } from '../../shared/store/store-port';
import type { OAuth2Auth } from '../config/auth-schema';

export const OAUTH_COLLECTION = 'generic_api_oauth';
/** An access token is retired this long before it expires, so none expires on the wire. */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 60;

/** The tokens crm-bridge holds for one OAuth client; all optional, as each grant yields some. */
export interface OAuthTokens {
  accessToken?: string;
  /** Epoch ms after which the access token is no longer used (a margin before `expiresAt`). */
  refreshAt?: number;
  expiresAt?: number;
  refreshToken?: string;
}

export interface OAuthTokenDoc extends StoredDocument, OAuthTokens {
  tokenUrl: string;
  clientId: string;
  updatedAt: string;
}

const TOKEN_FIELDS = ['accessToken', 'refreshAt', 'expiresAt', 'refreshToken'] as const;

export interface OAuthTokenStore {
  load(): Promise<OAuthTokenDoc | null>;
  /** Replaces every token field: one left undefined is removed. */
  save(tokens: OAuthTokens): Promise<void>;
}

/** One document per OAuth client, keyed by its token URL and client id. */
export function oauthTokenStore(
  store: Store,
  client: Pick<OAuth2Auth, 'tokenUrl' | 'clientId'>,
): OAuthTokenStore {
  const collection = store.collection<OAuthTokenDoc>(OAUTH_COLLECTION);
  // Hashed because ids are compared as opaque strings and a URL makes a poor one to print.
  const id = createHash('sha256').update(`${client.tokenUrl}\n${client.clientId}`).digest('hex');

  return {
    load: () => collection.findById(id),
    async save(tokens) {
      const defined = Object.fromEntries(
        TOKEN_FIELDS.filter((f) => tokens[f] !== undefined).map((f) => [f, tokens[f]]),
      );
      const set = { ...defined, updatedAt: new Date().toISOString() };
      const unset = TOKEN_FIELDS.filter((f) => tokens[f] === undefined);
      if (await collection.update(id, set, { unset })) return;
      try {
        await collection.insert({
          id,
          tokenUrl: client.tokenUrl,
          clientId: client.clientId,
          ...set,
        });
      } catch (error) {
        // Another process inserted it first (two servers starting on one MongoDB): ours is newer.
        if (!(error instanceof DuplicateKeyError)) throw error;
        await collection.update(id, set, { unset });
      }
    },
  };
}

/**
 * What to keep from a token response: the access token is retired `marginMs` before it expires
 * (at most half its lifetime, for servers issuing short-lived tokens), and a server that did not
 * rotate the refresh token leaves the previous one in force.
 */
export function tokensFrom(
  issued: { accessToken: string; refreshToken?: string; expiresInSeconds?: number },
  previousRefreshToken: string | undefined,
  now: number,
  marginMs: number,
): OAuthTokens {
  const refreshToken = issued.refreshToken ?? previousRefreshToken;
  const tokens: OAuthTokens = {
    accessToken: issued.accessToken,
    ...(refreshToken && { refreshToken }),
  };
  if (issued.expiresInSeconds === undefined) return tokens;
  const lifetimeMs = issued.expiresInSeconds * 1000;
  return {
    ...tokens,
    expiresAt: now + lifetimeMs,
    refreshAt: now + lifetimeMs - Math.min(marginMs, lifetimeMs / 2),
  };
}

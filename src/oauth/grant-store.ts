import { randomUUID } from 'node:crypto';
import type { Collection, Store, StoredDocument } from '../shared/store/store-port';
import { secretHash } from './secrets';

/** On whose behalf a code or token acts: a signed-in staff member, or the client itself. */
export type Subject = { kind: 'staff'; username: string } | { kind: 'client'; clientId: string };

/**
 * A family is every token descending from one authorization code: a replayed code or refresh
 * token is a sign of theft, and then the whole family is revoked (RFC 6749 §4.1.2, RFC 9700 §4.14).
 */
interface GrantDoc extends StoredDocument {
  kind: 'code' | 'used-code' | 'access' | 'refresh' | 'revoked-refresh';
  family: string;
  clientId: string;
  subject: Subject;
  scope: string[];
  /** Epoch milliseconds; also what the sweep orders by. */
  expiresAt: number;
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export interface StoredGrant {
  family: string;
  clientId: string;
  subject: Subject;
  scope: string[];
  expiresAt: Date;
}

export interface StoredCode extends StoredGrant {
  /** Absent when the authorization request named none (the client's only URI was used). */
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export interface NewCode {
  code: string;
  clientId: string;
  subject: Subject;
  scope: string[];
  expiresAt: Date;
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export interface NewTokens {
  family: string;
  clientId: string;
  subject: Subject;
  scope: string[];
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
}

export const CODES_COLLECTION = 'oauth_codes';
export const TOKENS_COLLECTION = 'oauth_tokens';

/** How long a used code is remembered, so that a replay can still revoke what it produced. */
const USED_CODE_MEMORY_MS = 10 * 60_000;
const SWEEP_INTERVAL_MS = 10 * 60_000;
const SWEEP_BATCH = 500;

const ids = {
  code: (code: string) => secretHash(code),
  usedCode: (code: string) => `used:${secretHash(code)}`,
  access: (token: string) => `access:${secretHash(token)}`,
  refresh: (token: string) => `refresh:${secretHash(token)}`,
  revokedRefresh: (token: string) => `revoked:${secretHash(token)}`,
};

export const newFamily = (): string => randomUUID();

function grantOf(doc: GrantDoc): StoredGrant {
  return {
    family: doc.family,
    clientId: doc.clientId,
    subject: doc.subject,
    scope: doc.scope,
    expiresAt: new Date(doc.expiresAt),
  };
}

export interface GrantStoreOptions {
  now: () => number;
  /** Told when a used code or a rotated refresh token comes back and its family is revoked. */
  onReplay?: (what: 'code' | 'refresh token', clientId: string) => void;
}

/**
 * Codes and tokens on the store port, so they survive restarts and are shared by every process.
 * Only hashes are kept. Single use rests on `delete` reporting whether it removed the document:
 * of two concurrent redemptions exactly one sees `true`.
 */
export class GrantStore {
  private nextSweep = 0;

  private constructor(
    private readonly codes: Collection<GrantDoc>,
    private readonly tokens: Collection<GrantDoc>,
    private readonly options: GrantStoreOptions,
  ) {}

  static async open(store: Store, options: GrantStoreOptions): Promise<GrantStore> {
    const codes = store.collection<GrantDoc>(CODES_COLLECTION);
    const tokens = store.collection<GrantDoc>(TOKENS_COLLECTION);
    for (const collection of [codes, tokens]) {
      await collection.ensureIndex('family');
      await collection.ensureIndex('expiresAt');
    }
    return new GrantStore(codes, tokens, options);
  }

  async saveCode(code: NewCode): Promise<void> {
    this.sweepSoon();
    await this.codes.insert({
      id: ids.code(code.code),
      kind: 'code',
      family: secretHash(code.code),
      clientId: code.clientId,
      subject: code.subject,
      scope: code.scope,
      expiresAt: code.expiresAt.getTime(),
      ...(code.redirectUri !== undefined && { redirectUri: code.redirectUri }),
      ...(code.codeChallenge !== undefined && { codeChallenge: code.codeChallenge }),
      ...(code.codeChallengeMethod !== undefined && {
        codeChallengeMethod: code.codeChallengeMethod,
      }),
    });
  }

  /** The unexpired, unused code; a used one revokes the tokens it was exchanged for. */
  async findCode(code: string): Promise<StoredCode | null> {
    const doc = await this.live(this.codes, ids.code(code), 'code');
    if (doc) {
      return {
        ...grantOf(doc),
        ...(doc.redirectUri !== undefined && { redirectUri: doc.redirectUri }),
        ...(doc.codeChallenge !== undefined && { codeChallenge: doc.codeChallenge }),
        ...(doc.codeChallengeMethod !== undefined && {
          codeChallengeMethod: doc.codeChallengeMethod,
        }),
      };
    }
    const used = await this.live(this.codes, ids.usedCode(code), 'used-code');
    if (used) await this.replayed('code', used);
    return null;
  }

  /** True for exactly one caller per code. */
  async consumeCode(code: string): Promise<boolean> {
    const doc = await this.codes.findById(ids.code(code));
    if (!doc || !(await this.codes.delete(doc.id))) return false;
    await this.codes.insert({
      ...doc,
      id: ids.usedCode(code),
      kind: 'used-code',
      expiresAt: this.options.now() + USED_CODE_MEMORY_MS,
    });
    return true;
  }

  async saveTokens(tokens: NewTokens): Promise<void> {
    this.sweepSoon();
    const base = {
      family: tokens.family,
      clientId: tokens.clientId,
      subject: tokens.subject,
      scope: tokens.scope,
    };
    await this.tokens.insert({
      ...base,
      id: ids.access(tokens.accessToken),
      kind: 'access',
      expiresAt: tokens.accessTokenExpiresAt.getTime(),
    });
    if (tokens.refreshToken !== undefined && tokens.refreshTokenExpiresAt !== undefined) {
      await this.tokens.insert({
        ...base,
        id: ids.refresh(tokens.refreshToken),
        kind: 'refresh',
        expiresAt: tokens.refreshTokenExpiresAt.getTime(),
      });
    }
  }

  async findAccessToken(token: string): Promise<StoredGrant | null> {
    const doc = await this.live(this.tokens, ids.access(token), 'access');
    return doc && grantOf(doc);
  }

  /** The unexpired refresh token; one already rotated away revokes its whole family. */
  async findRefreshToken(token: string): Promise<StoredGrant | null> {
    const doc = await this.live(this.tokens, ids.refresh(token), 'refresh');
    if (doc) return grantOf(doc);
    const revoked = await this.live(this.tokens, ids.revokedRefresh(token), 'revoked-refresh');
    if (revoked) await this.replayed('refresh token', revoked);
    return null;
  }

  /** Rotation: true for exactly one caller per refresh token, which is remembered as revoked. */
  async consumeRefreshToken(token: string): Promise<boolean> {
    const doc = await this.tokens.findById(ids.refresh(token));
    if (!doc || !(await this.tokens.delete(doc.id))) return false;
    await this.tokens.insert({ ...doc, id: ids.revokedRefresh(token), kind: 'revoked-refresh' });
    return true;
  }

  /** Every access and refresh token of the family; the tombstones stay to catch more replays. */
  async revokeFamily(family: string): Promise<void> {
    await this.tokens.deleteMany({
      and: [
        { field: 'family', op: 'eq', value: family },
        { field: 'kind', op: 'in', values: ['access', 'refresh'] },
      ],
    });
  }

  /** Removes expired documents, oldest first; bounded so one call stays cheap. */
  async sweep(): Promise<void> {
    const now = this.options.now();
    for (const collection of [this.codes, this.tokens]) {
      const oldest = await collection.find(undefined, {
        sort: [{ field: 'expiresAt', direction: 'asc' }],
        limit: SWEEP_BATCH,
      });
      for (const doc of oldest) {
        if (doc.expiresAt > now) break;
        await collection.delete(doc.id);
      }
    }
  }

  private async replayed(what: 'code' | 'refresh token', doc: GrantDoc): Promise<void> {
    this.options.onReplay?.(what, doc.clientId);
    await this.revokeFamily(doc.family);
  }

  /** The document when it exists, is of the expected kind and has not expired. */
  private async live(
    collection: Collection<GrantDoc>,
    id: string,
    kind: GrantDoc['kind'],
  ): Promise<GrantDoc | null> {
    const doc = await collection.findById(id);
    if (!doc || doc.kind !== kind) return null;
    if (typeof doc.expiresAt !== 'number' || doc.expiresAt <= this.options.now()) return null;
    return doc;
  }

  /** Expired documents are harmless (every read checks expiry); sweeping only bounds growth. */
  private sweepSoon(): void {
    const now = this.options.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    void this.sweep().catch(() => {
      // Next time, then: a failed sweep loses nothing.
      this.nextSweep = 0;
    });
  }
}

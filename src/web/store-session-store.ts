import { createHash } from 'node:crypto';
import session, { type SessionData } from 'express-session';
import { DuplicateKeyError } from '../shared/errors/duplicate-key-error';
import type { Collection, StoredDocument } from '../shared/store/store-port';

export const SESSIONS_COLLECTION = 'web_sessions';

interface SessionDocument extends StoredDocument {
  /** The session as JSON: its keys are never field names the store has to accept. */
  data: string;
  /** Epoch milliseconds; a session past it is gone, whether or not the sweep has run yet. */
  expiresAt: number;
}

export interface StoreSessionStoreOptions {
  /** For sessions whose cookie has no expiry of its own. */
  defaultTtlMs: number;
  /** The least time between two sweeps of expired sessions. */
  sweepIntervalMs?: number;
  now?: () => number;
  /** Told about a sweep that failed; the sessions it missed are swept next time. */
  onSweepError?: (error: unknown) => void;
}

type Callback = (error?: unknown) => void;

/**
 * express-session's store on our store port (`web_sessions`), so staff stay signed in across a
 * restart and across processes sharing MongoDB. Documents are keyed by a hash of the session id:
 * whoever can read the store still cannot present a stolen id as a cookie.
 */
export class StoreSessionStore extends session.Store {
  private readonly sweepIntervalMs: number;
  private readonly now: () => number;
  private lastSweep: number;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly sessions: Collection<SessionDocument>,
    private readonly options: StoreSessionStoreOptions,
  ) {
    super();
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  override get(sid: string, callback: (error: unknown, data?: SessionData | null) => void): void {
    settle(this.read(sid), callback);
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    settle(this.write(sid, data), callback);
  }

  override destroy(sid: string, callback?: Callback): void {
    settle(
      this.sessions.delete(key(sid)).then(() => undefined),
      callback,
    );
  }

  override touch(sid: string, data: SessionData, callback?: () => void): void {
    const done = this.sessions.update(key(sid), { expiresAt: this.expiryOf(data) });
    settle(
      done.then(() => undefined),
      () => callback?.(),
    );
  }

  /** Removes every expired session; returns how many. */
  async sweep(): Promise<number> {
    this.lastSweep = this.now();
    // The store port filters by equality only, so expiry is checked here; staff sessions are few.
    const all = await this.sessions.find();
    const expired = all.filter((doc) => doc.expiresAt <= this.now()).map((doc) => doc.id);
    if (expired.length === 0) return 0;
    return this.sessions.deleteMany({ field: 'id', op: 'in', values: expired });
  }

  private async read(sid: string): Promise<SessionData | null> {
    this.sweepWhenDue();
    const doc = await this.sessions.findById(key(sid));
    if (!doc) return null;
    if (doc.expiresAt <= this.now()) {
      await this.sessions.delete(doc.id);
      return null;
    }
    return JSON.parse(doc.data) as SessionData;
  }

  private async write(sid: string, data: SessionData): Promise<void> {
    const id = key(sid);
    const fields = { data: JSON.stringify(data), expiresAt: this.expiryOf(data) };
    if (await this.sessions.update(id, fields)) return;
    try {
      await this.sessions.insert({ id, ...fields });
    } catch (error) {
      // Two requests of a new session saving at once: the second one updates what the first made.
      if (!(error instanceof DuplicateKeyError)) throw error;
      await this.sessions.update(id, fields);
    }
  }

  private expiryOf(data: SessionData): number {
    const expires = data.cookie.expires;
    const at = expires === undefined || expires === null ? NaN : new Date(expires).getTime();
    return Number.isFinite(at) ? at : this.now() + this.options.defaultTtlMs;
  }

  /** Sweeping rides on requests rather than a timer, so there is nothing to stop at shutdown. */
  private sweepWhenDue(): void {
    if (this.sweeping || this.now() - this.lastSweep < this.sweepIntervalMs) return;
    this.sweeping = this.sweep()
      .then(() => undefined)
      .catch((error: unknown) => this.options.onSweepError?.(error))
      .finally(() => (this.sweeping = undefined));
  }
}

const key = (sid: string): string => createHash('sha256').update(sid).digest('base64url');

function settle<T>(work: Promise<T>, callback: ((error: unknown, value?: T) => void) | undefined) {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}

/**
 * The local durable scheduler: the queue port on the store, for deployments without Redis.
 *
 * Every job is a document in the store's `jobs` collection, so a restart loses nothing: when
 * `process` starts, jobs a crash left `active` go back to `delayed` (due now) with that attempt
 * counted as used. Delivery is therefore at least once — a handler interrupted mid-way runs again —
 * and handlers make their effect idempotent (the outcome-email job checks its session's state).
 *
 * Single process by design: claiming a job is a read followed by a write, which only one
 * process may do at a time (the embedded store is single-process anyway). Run one worker process
 * per store; deployments that need more use the bull adapter.
 *
 * No busy polling: one timer is armed for the next due job and re-armed as jobs are added and
 * finished; a slow safety poll only covers what a timer cannot see (a failed read). Due jobs are
 * read in batches, in due-time order, so a burst of due jobs does not cost a query each and the
 * scheduler never holds more than one batch in memory.
 *
 * Each job costs two writes (its claim, then its outcome): on the embedded store, which appends
 * every write to its datafile, that bounds a burst to a few thousand jobs a second.
 */
import { DuplicateKeyError } from '../errors/duplicate-key-error';
import { PermanentJobError } from '../errors/permanent-job-error';
import { errorMessage } from '../errors/system-error';
import type { Collection, Filter, SortKey, Store, StoredDocument } from '../store/store-port';
import {
  assertConcurrency,
  assertQueueName,
  KEEP_COMPLETED,
  resolveJobOptions,
  retryDelayMs,
} from './job-options';
import {
  type AddResult,
  type JobCounts,
  type JobHandler,
  type JobInfo,
  JobJson,
  type JobOptions,
  type JobQueue,
  type QueueHealth,
  type QueuePort,
} from './queue-port';
import { settleWithin, within } from './settle-within';

export interface LocalQueueOptions {
  /** The safety poll's period. Default 15 s. */
  pollMs?: number;
  /** The clock due times are measured on. */
  now?: () => number;
  /** How long `close` waits for handlers in flight. Default 10 s. */
  closeTimeoutMs?: number;
  /** Told about failures the scheduler recovers from by itself (a store read that failed). */
  onError?: (error: unknown) => void;
}

type StoredState = 'delayed' | 'active' | 'completed' | 'failed';

/** One job as stored; times are epoch milliseconds. */
interface JobDoc<T> extends StoredDocument {
  queue: string;
  jobId: string;
  state: StoredState;
  data: T;
  /** Attempts started so far. */
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  /** When the job is next due; after a failure, when its retry is. */
  dueAt: number;
  /** When the job was first due, which handlers see (as on bull). */
  firstDueAt: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

const JOBS_COLLECTION = 'jobs';
/** Due jobs read per query: enough to amortise the sorted read over a burst, small in memory. */
const CLAIM_BATCH = 500;
/**
 * Due times listed per read (see dueFromCursor). The store matches each candidate against the
 * list one by one, so the cost is (jobs due in the window) × (its width): kept small.
 */
const WINDOW_MS = 100;
const MAX_WINDOWS_PER_READ = 50;
/** How far ahead the next job is looked for before a read of every pending job. */
const LOOKAHEAD_MS = 200;
const BY_DUE_TIME: SortKey[] = [{ field: 'dueAt', direction: 'asc' }];
/** setTimeout fires at once for anything longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PRUNE_EVERY_MS = 60 * 60_000;
const PRUNE_BATCH = 1_000;
const PING_TIMEOUT_MS = 5_000;

/**
 * `dueAt` orders the due-job reads (MongoDB sorts on the index). `state` is indexed on MongoDB
 * only: the embedded store keeps one array of documents per index key and removes a document from
 * it by scanning that array, so with tens of thousands of jobs sharing `delayed` every claim would
 * cost a scan of them all (quadratic in a burst). There, a read without the index is one linear scan.
 */
function indexedFields(store: Store): string[] {
  return store.kind === 'mongodb' ? ['dueAt', 'state'] : ['dueAt'];
}

export function createLocalQueuePort(store: Store, options: LocalQueueOptions = {}): QueuePort {
  return new LocalQueuePort(store, options);
}

class LocalQueuePort implements QueuePort {
  readonly kind = 'local' as const;
  private readonly queues = new Map<string, LocalJobQueue<unknown>>();
  private readonly jobs: Collection<JobDoc<unknown>>;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: LocalQueueOptions,
  ) {
    this.jobs = store.collection<JobDoc<unknown>>(JOBS_COLLECTION);
    this.ready = Promise.all(
      indexedFields(store).map((field) => this.jobs.ensureIndex(field)),
    ).then(() => undefined);
    // Every operation awaits `ready` and so sees a failure; this only keeps it from being reported
    // as unhandled before the first one does.
    this.ready.catch(() => undefined);
  }

  queue<T>(name: string): JobQueue<T> {
    if (this.closed) throw new Error(`queue ${name}: the queue port is closed`);
    assertQueueName(name);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new LocalJobQueue<unknown>(name, this.jobs, this.store, this.ready, this.options);
      this.queues.set(name, queue);
    }
    return queue as JobQueue<T>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

class LocalJobQueue<T> implements JobQueue<T> {
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly closeTimeoutMs: number;
  private readonly onError: (error: unknown) => void;

  private handler: JobHandler<T> | undefined;
  private concurrency = 1;
  /** Each started job, from its claim to the write of its outcome. */
  private readonly running = new Set<Promise<void>>();
  /** Ids of the jobs started and not yet finished, which a read may still see as delayed. */
  private readonly claimed = new Set<string>();
  /** Due jobs read but not yet claimed: at most one batch. */
  private buffer: JobDoc<T>[] = [];
  private recovered = false;
  /**
   * No pending job is due before this (epoch ms), but those in the buffer: where the next read
   * starts, and, when it lies ahead, when the next job is due. Unknown at first; Infinity when
   * nothing is pending.
   */
  private cursor: number | undefined;
  /** The earliest due time made pending while a read ran, which the read must not skip. */
  private lowered = Infinity;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private poll: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly jobs: Collection<JobDoc<T>>,
    private readonly store: Store,
    private readonly ready: Promise<void>,
    options: LocalQueueOptions,
  ) {
    const clock = options.now ?? Date.now;
    // Whole milliseconds, so that due times can be listed (see dueFromCursor).
    this.now = () => Math.floor(clock());
    this.pollMs = options.pollMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.onError = options.onError ?? (() => undefined);
  }

  async add(data: T | JobJson<T>, options: JobOptions): Promise<AddResult> {
    this.assertOpen();
    const { jobId, delayMs, attempts, backoffMs } = resolveJobOptions(options);
    await this.ready;
    const now = this.now();
    const dueAt = now + delayMs;
    try {
      await this.jobs.insert({
        id: this.docId(jobId),
        queue: this.name,
        jobId,
        state: 'delayed',
        data: data instanceof JobJson ? (JSON.parse(data.text) as T) : data,
        attempts: 0,
        maxAttempts: attempts,
        backoffMs,
        dueAt,
        firstDueAt: dueAt,
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const existing = await this.jobs.findById(this.docId(jobId));
      return { added: false, dueAt: new Date(existing?.firstDueAt ?? dueAt) };
    }
    this.wake(dueAt);
    return { added: true, dueAt: new Date(dueAt) };
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.assertOpen();
    if (this.handler) throw new Error(`queue ${this.name}: process was called already`);
    const concurrency = options.concurrency ?? 1;
    assertConcurrency(concurrency);
    this.handler = handler;
    this.concurrency = concurrency;
    this.poll = setInterval(() => void this.pump(), this.pollMs);
    this.pruner = setInterval(() => void this.prune().catch(this.onError), PRUNE_EVERY_MS);
    void this.pump();
    void this.prune().catch(this.onError);
  }

  async known(jobIds: readonly string[]): Promise<Set<string>> {
    await this.ready;
    const byDocId = new Map(jobIds.map((jobId) => [this.docId(jobId), jobId]));
    const found = await this.jobs.findIds({ field: 'id', op: 'in', values: [...byDocId.keys()] });
    return new Set(found.map((docId) => byDocId.get(docId) ?? docId));
  }

  async get(jobId: string): Promise<JobInfo<T> | null> {
    await this.ready;
    const doc = await this.jobs.findById(this.docId(jobId));
    return doc ? jobInfo(doc) : null;
  }

  async counts(): Promise<JobCounts> {
    await this.ready;
    const [delayed, active, completed, failed] = await Promise.all(
      (['delayed', 'active', 'completed', 'failed'] as const).map((state) =>
        this.jobs.count(this.inState(state)),
      ),
    );
    // No separate waiting list here: a due job is claimed as soon as a slot is free, and until
    // then it counts (and reads, in `get`) as delayed.
    return {
      delayed: delayed ?? 0,
      waiting: 0,
      active: active ?? 0,
      completed: completed ?? 0,
      failed: failed ?? 0,
    };
  }

  async failed(limit = 50): Promise<JobInfo<T>[]> {
    await this.ready;
    const docs = await this.jobs.find(this.inState('failed'), {
      sort: [{ field: 'updatedAt', direction: 'desc' }],
      limit,
    });
    return docs.map(jobInfo);
  }

  async retry(jobId: string): Promise<boolean> {
    this.assertOpen();
    await this.ready;
    const doc = await this.jobs.findById(this.docId(jobId));
    if (doc?.state !== 'failed') return false;
    const now = this.now();
    await this.jobs.update(
      doc.id,
      { state: 'delayed', attempts: 0, dueAt: now, updatedAt: now },
      { unset: ['lastError'] },
    );
    this.wake(now);
    return true;
  }

  async ping(): Promise<QueueHealth> {
    await within(this.store.ping(), PING_TIMEOUT_MS, 'the store did not answer within 5 s');
    return {};
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
    clearInterval(this.pruner);
    this.buffer = [];
    // A handler that outlives the bound keeps its job `active` in the store; the next start
    // re-arms it, like after a crash.
    await settleWithin(Promise.all([...this.running, this.pumping]), this.closeTimeoutMs);
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling
  // -------------------------------------------------------------------------------------------

  /** A job became pending, due at `dueAt`: run now or arm the timer for it, if working. */
  private wake(dueAt: number): void {
    this.notePending(dueAt);
    if (!this.handler || this.closed) return;
    if (dueAt <= this.now()) void this.pump();
    else this.arm(dueAt);
  }

  /** Keeps the read cursor from passing over a job that is pending again (or still). */
  private notePending(dueAt: number): void {
    if (this.cursor !== undefined) this.cursor = Math.min(this.cursor, dueAt);
    this.lowered = Math.min(this.lowered, dueAt);
  }

  private arm(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timerAt = Infinity;
      void this.pump();
    }, delay);
  }

  /** Starts due jobs while slots are free. Single-flight: a call during a run makes it go again. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.pumpAgain = false;
          await this.fill();
        } while (this.pumpAgain && !this.closed);
      } catch (error) {
        // The safety poll tries again.
        if (!this.closed) this.onError(error);
      } finally {
        this.pumping = null;
      }
    };
    this.pumping = run();
    return this.pumping;
  }

  private async fill(): Promise<void> {
    if (!this.handler || this.closed) return;
    await this.ready;
    if (!this.recovered) {
      await this.recover();
      this.recovered = true;
    }
    while (!this.closed && this.running.size < this.concurrency) {
      const doc = this.buffer.shift();
      if (doc) {
        this.start(doc);
        continue;
      }
      if (!(await this.readDue())) return;
    }
  }

  /** Reads the next batch of due jobs into the buffer; arms the timer when none is due. */
  private async readDue(): Promise<boolean> {
    const now = this.now();
    this.lowered = Infinity;
    const due = await this.dueFromCursor(now);
    // A job made pending while the read ran may lie behind where the cursor moved.
    this.notePending(this.lowered);
    if (this.closed) return false;
    this.buffer = due.filter((doc) => !this.claimed.has(doc.id));
    return this.buffer.length > 0;
  }

  /**
   * The earliest due jobs from the cursor on, a window of due times at a time. The store port has
   * no range condition, so a window is listed millisecond by millisecond: an `in` the store
   * answers from its dueAt index. A sorted read of every pending job instead would sort them all
   * each time (100,000 take a third of a second on the embedded store); it is used only to find
   * the earliest pending job: at start, across a gap in the due times, or when none is due soon.
   */
  private async dueFromCursor(now: number): Promise<JobDoc<T>[]> {
    this.cursor ??= await this.earliestDueAt();
    for (let windows = 0; windows < MAX_WINDOWS_PER_READ; windows += 1) {
      const from = this.cursor;
      if (from > now) {
        // Nothing due yet: the cursor is the earliest due time there may be.
        this.arm(from);
        return [];
      }
      const to = Math.min(now, from + WINDOW_MS - 1);
      const docs = await this.inWindow(from, to, CLAIM_BATCH);
      const last = docs[docs.length - 1];
      if (last && docs.length === CLAIM_BATCH) {
        this.cursor = last.dueAt; // more may share the last due time
        return docs;
      }
      if (docs.length > 0) {
        this.cursor = to + 1;
        return docs;
      }
      // An empty window: skip the gap after it, or find what comes after now.
      this.cursor = to < now ? await this.earliestDueAt() : await this.nextDueAfter(now);
    }
    return [];
  }

  /** The due time of the first job after now: looks a little ahead, then everywhere. */
  private async nextDueAfter(now: number): Promise<number> {
    const [soon] = await this.inWindow(now + 1, now + LOOKAHEAD_MS, 1);
    return soon ? soon.dueAt : this.earliestDueAt();
  }

  /** The earliest due time of any pending job (Infinity if none): a read of them all. */
  private async earliestDueAt(): Promise<number> {
    const first = await this.jobs.findOne(this.inState('delayed'), { sort: BY_DUE_TIME });
    return first ? first.dueAt : Infinity;
  }

  private inWindow(from: number, to: number, limit: number): Promise<JobDoc<T>[]> {
    const dueTimes = Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
    const filter: Filter = {
      and: [this.inState('delayed'), { field: 'dueAt', op: 'in', values: dueTimes }],
    };
    return this.jobs.find(filter, { sort: BY_DUE_TIME, limit });
  }

  /** Jobs left active belong to a run that died (this is the only process): due again now. */
  private async recover(): Promise<void> {
    const orphans = await this.jobs.find(this.inState('active'));
    const now = this.now();
    for (const doc of orphans) {
      const lastError = `interrupted: the process stopped during attempt ${doc.attempts}`;
      await this.jobs.update(doc.id, {
        state: doc.attempts >= doc.maxAttempts ? 'failed' : 'delayed',
        dueAt: now,
        lastError,
        updatedAt: now,
      });
    }
  }

  private start(doc: JobDoc<T>): void {
    this.claimed.add(doc.id);
    const run: Promise<void> = this.run(doc)
      .catch((error: unknown) => {
        if (!this.closed) this.onError(error);
      })
      .finally(() => {
        this.running.delete(run);
        this.claimed.delete(doc.id);
        if (!this.closed) void this.pump();
      });
    this.running.add(run);
  }

  private async run(doc: JobDoc<T>): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    const attempt = doc.attempts + 1;
    let claimed: JobDoc<T> | null;
    try {
      // Recorded before the handler runs, so a crash during it still uses up the attempt.
      claimed = await this.jobs.update(doc.id, {
        state: 'active',
        attempts: attempt,
        updatedAt: this.now(),
      });
    } catch (error) {
      this.notePending(doc.dueAt);
      throw error;
    }
    if (!claimed) return;
    let failure: { error: unknown } | undefined;
    try {
      await handler({ id: doc.jobId, data: doc.data, attempt, dueAt: new Date(doc.firstDueAt) });
    } catch (error) {
      failure = { error };
    }
    const now = this.now();
    if (!failure) {
      await this.jobs.update(doc.id, { state: 'completed', updatedAt: now });
      return;
    }
    const lastError = errorMessage(failure.error);
    if (failure.error instanceof PermanentJobError || attempt >= doc.maxAttempts) {
      await this.jobs.update(doc.id, { state: 'failed', lastError, updatedAt: now });
      return;
    }
    const dueAt = now + retryDelayMs(doc.backoffMs, attempt);
    await this.jobs.update(doc.id, { state: 'delayed', dueAt, lastError, updatedAt: now });
    this.wake(dueAt);
  }

  /** Drops completed jobs past the duplicate horizon (KEEP_COMPLETED), oldest first. */
  private async prune(): Promise<void> {
    await this.ready;
    const completed = this.inState('completed');
    let excess = (await this.jobs.count(completed)) - KEEP_COMPLETED.count;
    const cutoff = this.now() - KEEP_COMPLETED.ageMs;
    while (!this.closed) {
      const oldest = await this.jobs.find(completed, {
        sort: [{ field: 'updatedAt', direction: 'asc' }],
        limit: PRUNE_BATCH,
      });
      const expired = oldest.filter((doc, index) => index < excess || doc.updatedAt < cutoff);
      if (expired.length === 0) return;
      await this.jobs.deleteMany({ field: 'id', op: 'in', values: expired.map((doc) => doc.id) });
      excess -= expired.length;
      if (expired.length < oldest.length) return;
    }
  }

  // -------------------------------------------------------------------------------------------

  private docId(jobId: string): string {
    return `${this.name}:${jobId}`;
  }

  private inState(state: StoredState): Filter {
    return {
      and: [
        { field: 'state', op: 'eq', value: state },
        { field: 'queue', op: 'eq', value: this.name },
      ],
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`queue ${this.name} is closed`);
  }
}

function jobInfo<T>(doc: JobDoc<T>): JobInfo<T> {
  return {
    id: doc.jobId,
    state: doc.state,
    data: doc.data,
    attempts: doc.attempts,
    dueAt: new Date(doc.state === 'delayed' ? doc.dueAt : doc.firstDueAt),
    ...(doc.lastError !== undefined && { error: doc.lastError }),
  };
}

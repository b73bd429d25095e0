/**
 * The queue port on bull (Redis): for production, with any number of worker processes.
 *
 * - A job's bull id is its `jobId`, so a second add with the same id adds nothing for as long as
 *   the first job is kept: while delayed, waiting or active, when failed (kept until retried), and
 *   once completed for the duplicate horizon KEEP_COMPLETED (7 days, last 50,000 per queue). The
 *   horizon is the worker's, not written into every job (which keeps ~50 bytes out of each job's
 *   hash): it prunes the completed set as it completes jobs, as bull does with removeOnComplete.
 * - The worker is bull's, for batches (BullWorker): bull's layout, locks, stalled check, retries
 *   and failed set, with one script call to take many jobs and one to complete many.
 * - Retries use bull's exponential backoff; PermanentJobError discards the job's remaining
 *   attempts, so it fails at once. Failed jobs are kept and visible.
 * - Delivery is at least once: a worker that dies mid-job leaves it locked; when the lock expires
 *   bull's stalled-job check puts it back to wait, and it runs again (up to MAX_STALLED times, then
 *   it is failed, kept and visible). The outcome-email job is idempotent per session for this.
 * - Redis must keep `maxmemory-policy noeviction` (an evicted key is a lost or broken job); `ping`
 *   warns when it does not.
 */
import Bull from 'bull';
import type Redis from 'ioredis';
import { BullAddBatcher, MAX_BATCH } from './bull-add-batch';
import { BullConnections } from './bull-connections';
import { EXISTS_EACH, runScript } from './bull-internals';
import { BullWorker, type TakenJob } from './bull-worker';
import {
  assertConcurrency,
  assertQueueName,
  KEEP_COMPLETED,
  resolveJobOptions,
} from './job-options';
import type {
  AddResult,
  JobContext,
  JobCounts,
  JobHandler,
  JobInfo,
  JobJson,
  JobOptions,
  JobQueue,
  JobState,
  QueueHealth,
  QueuePort,
} from './queue-port';
import { evictionPolicy, nearlyFull } from './redis-memory';
import { settleWithin, within } from './settle-within';

/** Timings of bull's worker; tests shorten them. */
export interface BullTimings {
  /** How long a worker's lock on a job lasts without renewal: how soon a dead worker's job is freed. */
  lockDurationMs: number;
  /** How often workers look for jobs whose lock expired. */
  stalledIntervalMs: number;
  /** How long a worker waits after a Redis error before it fetches again. */
  retryProcessDelayMs: number;
}

export interface BullQueueOptions {
  redisUrl: string;
  /** Prefix of every Redis key. Default 'bull'. */
  prefix?: string;
  /** How long `close` waits for jobs in flight before it lets go of them. Default 10 s. */
  closeTimeoutMs?: number;
  timings?: Partial<BullTimings>;
  /** How long completed jobs are kept (the duplicate horizon); tests shorten it. */
  keepCompleted?: { ageMs: number; count: number };
  /** Told about errors bull recovers from by itself (a lost Redis connection, a failed fetch). */
  onError?: (error: unknown) => void;
}

export interface BullQueuePort extends QueuePort {
  readonly kind: 'bull';
  /** The bull queues opened so far, for a dashboard such as @bull-board. */
  bullQueues(): Bull.Queue[];
}

const DEFAULT_TIMINGS: BullTimings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  retryProcessDelayMs: 2_000,
};
/**
 * A job whose worker dies more often than this is failed rather than run again: it is probably
 * what kills the worker. It stays visible and can be retried.
 */
const MAX_STALLED = 3;
const PING_TIMEOUT_MS = 2_000;

export function isBullQueuePort(port: QueuePort): port is BullQueuePort {
  return port.kind === 'bull' && 'bullQueues' in port;
}

export function createBullQueuePort(options: BullQueueOptions): BullQueuePort {
  const connections = new BullConnections(options.redisUrl);
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const onError = options.onError ?? (() => undefined);
  const queues = new Map<string, BullJobQueue<unknown>>();
  let closing: Promise<void> | undefined;

  const open = (name: string): BullJobQueue<unknown> => {
    const queue = new Bull<unknown>(name, {
      prefix: options.prefix ?? 'bull',
      createClient: connections.create,
      settings: {
        lockDuration: timings.lockDurationMs,
        stalledInterval: timings.stalledIntervalMs,
        retryProcessDelay: timings.retryProcessDelayMs,
        maxStalledCount: MAX_STALLED,
      },
    });
    queue.on('error', onError);
    return new BullJobQueue(name, queue, connections, {
      closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
      keepCompleted: options.keepCompleted ?? KEEP_COMPLETED,
      lockDurationMs: timings.lockDurationMs,
      retryDelayMs: timings.retryProcessDelayMs,
      onError,
    });
  };

  return {
    kind: 'bull',
    queue<T>(name: string): JobQueue<T> {
      if (closing) throw new Error(`queue ${name}: the queue port is closed`);
      assertQueueName(name);
      let queue = queues.get(name);
      if (!queue) {
        queue = open(name);
        queues.set(name, queue);
      }
      return queue as JobQueue<T>;
    },
    bullQueues: () => [...queues.values()].map((queue) => queue.bull),
    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.all([...queues.values()].map((queue) => queue.close()));
        await connections.close();
      })();
      return closing;
    },
  };
}

class BullJobQueue<T> implements JobQueue<T> {
  private readonly adder: BullAddBatcher<T>;
  private worker: BullWorker<T> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly bull: Bull.Queue<T>,
    private readonly connections: BullConnections,
    private readonly settings: {
      closeTimeoutMs: number;
      /** bull's retention of completed jobs (removeOnComplete), applied by the worker. */
      keepCompleted: { ageMs: number; count: number };
      lockDurationMs: number;
      retryDelayMs: number;
      onError: (error: unknown) => void;
    },
  ) {
    // bull's default, removeOnFail: false, keeps failed jobs; removeOnComplete is the worker's.
    this.adder = new BullAddBatcher(bull, (options) => ({
      delay: options.delayMs,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
    }));
  }

  async add(data: T | JobJson<T>, options: JobOptions): Promise<AddResult> {
    if (this.closing) throw new Error(`queue ${this.name} is closed`);
    return this.adder.add(data, resolveJobOptions(options));
  }

  process(handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    if (this.closing) throw new Error(`queue ${this.name} is closed`);
    if (this.worker) throw new Error(`queue ${this.name}: process was called already`);
    const concurrency = options.concurrency ?? 1;
    assertConcurrency(concurrency);
    const { keepCompleted, lockDurationMs, retryDelayMs, onError } = this.settings;
    this.worker = new BullWorker(this.bull, (job) => handler(jobContext(job)), {
      concurrency,
      lockDurationMs,
      retryDelayMs,
      keepCompleted,
      onError,
    });
    // A rejection is a worker that could not start (Redis gone before it did).
    this.worker.start().catch(onError);
  }

  async known(jobIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let start = 0; start < jobIds.length; start += MAX_BATCH) {
      const ids = jobIds.slice(start, start + MAX_BATCH);
      const keys = ids.map((jobId) => this.bull.toKey(jobId));
      const found = await runScript(this.bull.client, EXISTS_EACH, keys, []);
      if (!Array.isArray(found)) throw new Error('unexpected reply to the existence check');
      ids.forEach((jobId, index) => {
        if (found[index] === 1) known.add(jobId);
      });
    }
    return known;
  }

  async get(jobId: string): Promise<JobInfo<T> | null> {
    const job = await this.bull.getJob(jobId);
    if (!job) return null;
    const state = toJobState(await job.getState());
    // bull counts failed attempts; the port counts attempts started, the running one included.
    const running = state === 'active' || state === 'completed' ? 1 : 0;
    return {
      id: jobId,
      state,
      data: job.data,
      attempts: job.attemptsMade + running,
      dueAt: new Date(state === 'delayed' ? await this.retryDueAt(job) : firstDueAt(job)),
      ...(job.failedReason && { error: job.failedReason }),
    };
  }

  async counts(): Promise<JobCounts> {
    const counts = (await this.bull.getJobCounts()) as Bull.JobCounts & { paused?: number };
    return {
      delayed: counts.delayed,
      waiting: counts.waiting + (counts.paused ?? 0),
      active: counts.active,
      completed: counts.completed,
      failed: counts.failed,
    };
  }

  async failed(limit = 50): Promise<JobInfo<T>[]> {
    const jobs = await this.bull.getFailed(0, Math.max(0, limit - 1));
    return jobs
      .filter((job): job is Bull.Job<T> => job !== null && job !== undefined)
      .map((job) => ({
        id: String(job.id),
        state: 'failed' as const,
        data: job.data,
        attempts: job.attemptsMade,
        dueAt: new Date(firstDueAt(job)),
        ...(job.failedReason && { error: job.failedReason }),
      }));
  }

  async retry(jobId: string): Promise<boolean> {
    const job = await this.bull.getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    // bull's retry keeps the attempts already made, so a retried job would fail at its first error;
    // the port promises fresh attempts.
    await this.bull.client.hset(this.bull.toKey(jobId), 'attemptsMade', 0);
    try {
      await job.retry();
      return true;
    } catch {
      return false; // retried (or removed) by someone else in the meantime
    }
  }

  async ping(): Promise<QueueHealth> {
    const redis = this.connections.commands();
    await within(redis.ping(), PING_TIMEOUT_MS, 'Redis did not answer PING within 2 s');
    const warnings = (await Promise.all([policyWarning(redis), memoryWarning(redis)])).filter(
      (warning): warning is string => warning !== undefined,
    );
    return warnings.length > 0 ? { warning: warnings.join('; ') } : {};
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const { worker } = this;
    if (worker) {
      // Stop taking jobs (the local pause interrupts the worker's blocking call), then give the
      // jobs in flight their bounded time to finish and be recorded.
      worker.stop();
      await this.bull.pause(true, true).catch(this.settings.onError);
      await settleWithin(worker.whenIdle(), this.settings.closeTimeoutMs);
      worker.close();
    }
    // Waits for nothing now: what still runs is let go. Its lock lapses, and a worker (here after
    // a restart, or another process) runs it again.
    await this.bull.close(true).catch(this.settings.onError);
  }

  /** A job waiting for a retry is due at its score in the delayed set (ms × 4096 + a counter). */
  private async retryDueAt(job: Bull.Job<T>): Promise<number> {
    const score = await this.bull.client.zscore(this.bull.toKey('delayed'), String(job.id));
    return score === null ? firstDueAt(job) : Math.floor(Number(score) / 0x1000);
  }
}

function jobContext<T>(job: TakenJob<T>): JobContext<T> {
  return {
    id: job.id,
    data: job.data,
    attempt: job.attemptsMade + 1,
    dueAt: new Date(job.timestamp + job.delayMs),
  };
}

function firstDueAt(job: Bull.Job<unknown>): number {
  return job.timestamp + (job.opts.delay ?? 0);
}

function toJobState(state: Bull.JobStatus | 'stuck'): JobState {
  // 'stuck' is a job between lists (being moved); 'paused' waits for a paused queue.
  return state === 'paused' || state === 'stuck' ? 'waiting' : state;
}

/** A warning when Redis may evict keys (each an evicted job); none when CONFIG is not allowed. */
async function policyWarning(redis: Redis): Promise<string | undefined> {
  let policy: string | undefined;
  try {
    policy = await within(evictionPolicy(redis), PING_TIMEOUT_MS, 'no reply');
  } catch {
    // Managed Redis services often disable CONFIG; nothing to check then.
    return undefined;
  }
  if (policy === undefined || policy === 'noeviction') return undefined;
  return `Redis maxmemory-policy is ${policy}: set it to noeviction, or Redis may evict queued jobs`;
}

/** A warning when Redis is nearly at its maxmemory, where it refuses new jobs. */
async function memoryWarning(redis: Redis): Promise<string | undefined> {
  let full: string | undefined;
  try {
    full = nearlyFull(await within(redis.info('memory'), PING_TIMEOUT_MS, 'no reply'));
  } catch {
    return undefined;
  }
  return (
    full &&
    `${full}: once full it refuses new jobs, and outcome emails wait to be queued until it has room`
  );
}

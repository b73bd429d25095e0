import type Bull from 'bull';
import type Redis from 'ioredis';
import { PermanentJobError } from '../errors/permanent-job-error';
import { errorMessage } from '../errors/system-error';
import {
  COMPLETE_JOBS,
  COMPLETE_JOBS_KEYS,
  EXTEND_LOCKS,
  EXTEND_LOCKS_KEYS,
  runScript,
  scriptHead,
  TAKE_JOBS,
  TAKE_JOBS_KEYS,
} from './bull-internals';

/** A job as the worker takes it: what a handler is told of it. */
export interface TakenJob<T> {
  id: string;
  data: T;
  /** Failed attempts so far. */
  attemptsMade: number;
  /** When it was added (ms), and the delay it was added with: it was first due at their sum. */
  timestamp: number;
  delayMs: number;
}

export interface BullWorkerSettings {
  concurrency: number;
  /** How long a lock lasts without renewal; the worker renews its jobs' locks at half of it. */
  lockDurationMs: number;
  /** How long the worker waits after Redis failed it before it takes jobs again. */
  retryDelayMs: number;
  /** bull's removeOnComplete: how long (and how many) completed jobs are kept. */
  keepCompleted: { ageMs: number; count: number };
  /** Told about what the worker recovers from: Redis errors, lost locks, unusable jobs. */
  onError: (error: unknown) => void;
}

/** How long an idle worker's BRPOPLPUSH blocks (bull's drainDelay, seconds). */
const DRAIN_DELAY_SECONDS = 5;
/** Jobs per completion or lock-renewal call. */
const MAX_BATCH = 1_000;
/**
 * The longest the worker sleeps towards a delayed job before it looks again (a timer cannot be
 * set beyond ~24.8 days, and a job may be delayed longer).
 */
const MAX_SLEEP_MS = 60_000;

/** What of a bull queue the worker uses that bull's typings leave out. */
interface BullWorkerInternals {
  /** The blocking connection (created on first use). */
  bclient: Redis;
  /** The subscriber connection (created on first use). */
  eclient: Redis;
  /** Set while the queue is paused locally (`pause(true)`); resolves when it resumes. */
  paused?: Promise<void> | null;
  /** bull's check for jobs whose worker died (moveStalledJobsToWait), and its interval. */
  moveUnlockedJobsToWait(): Promise<void>;
  startMoveUnlockedJobsToWait(): void;
}

interface Completion {
  id: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** bull's messages for the codes its finishing scripts answer. */
function finishError(code: number, jobId: string): Error {
  const why: Record<number, string> = {
    [-1]: 'does not exist',
    [-2]: 'has lost its lock (it may run twice)',
    [-3]: 'is not active',
    [-6]: 'is locked by another worker (it may run twice)',
  };
  return new Error(`job ${jobId} could not be completed: it ${why[code] ?? `answered ${code}`}`);
}

/**
 * A worker for one bull queue that does what bull's `process` does with bull's own Redis layout,
 * keys and locks — so bull's stalled-job check, its retries, bull-board and other bull workers
 * all see its jobs as bull's — but a batch of jobs at a time: one script call takes every due job
 * a free slot can run (moving due delayed jobs to the wait list first), one completes every job
 * finished in the same turn, and one timer renews every lock. bull's worker makes two script
 * calls and sets a timer per job, and calls updateDelaySet once per round trip while delayed jobs
 * come due back to back, which is most of its CPU when they come due faster than it runs them.
 *
 * When nothing is waiting it blocks on the wait list (BRPOPLPUSH, as bull does, for jobs added
 * with no delay) and sets a timer for the next delayed job, moved earlier when an add announces
 * an earlier one. Beyond the jobs its slots can run, it takes (locks) and holds as many again,
 * which start as slots free up, so a take's round trip overlaps running jobs; a job a BRPOPLPUSH
 * hands over while every slot is busy is held the same way. Failures go through bull's own Job#moveToFailed (retry with backoff, or
 * failed), which keeps the attempt, the reason and the stack as bull keeps them.
 */
export class BullWorker<T> {
  private readonly internals: BullWorkerInternals;
  private readonly keys: Record<string, unknown>;
  /** Each script's keys and leading arguments: fixed for the queue. */
  private readonly heads: Record<'take' | 'complete' | 'extend', ReturnType<typeof scriptHead>>;
  /** Handlers running now. */
  private running = 0;
  /** Taken and locked, waiting for a free slot: at most a slot's worth (`concurrency`) ahead. */
  private readonly held: TakenJob<T>[] = [];
  /** Moved to active by a BRPOPLPUSH, to be locked by the next take. */
  private readonly claimed: string[] = [];
  /** Every job taken, until its outcome is written: the locks the worker renews. */
  private readonly locks = new Set<string>();
  /** Each running job's outcome, settled once it is written (or could not be). */
  private readonly outcomes = new Set<Promise<void>>();
  private taking: Promise<void> | undefined;
  private takeAgain = false;
  private blocked = false;
  private awaitingResume = false;
  private stopped = false;
  private due: { at: number; timer: NodeJS.Timeout } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly lockTimer: NodeJS.Timeout;
  private completions: Completion[] = [];
  /** The subscriber connection, once the worker listens on it. */
  private subscriber: Redis | undefined;

  constructor(
    private readonly bull: Bull.Queue<T>,
    private readonly handler: (job: TakenJob<T>) => Promise<void>,
    private readonly settings: BullWorkerSettings,
  ) {
    this.internals = bull as unknown as BullWorkerInternals;
    this.keys = (bull as unknown as { keys: Record<string, unknown> }).keys;
    this.heads = {
      take: scriptHead(bull, TAKE_JOBS_KEYS),
      complete: scriptHead(bull, COMPLETE_JOBS_KEYS),
      extend: scriptHead(bull, EXTEND_LOCKS_KEYS),
    };
    this.lockTimer = setInterval(() => void this.renewLocks(), settings.lockDurationMs / 2);
    this.lockTimer.unref();
  }

  /** Starts taking jobs: after bull's check for jobs a dead worker left, as bull's `process`. */
  async start(): Promise<void> {
    await this.bull.isReady();
    if (this.stopped) return;
    this.subscriber = this.internals.eclient;
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(String(this.keys.delayed));
    await this.internals.moveUnlockedJobsToWait();
    if (this.stopped) return;
    this.internals.startMoveUnlockedJobsToWait();
    this.pump();
  }

  /**
   * Stops taking jobs; those running (and any held) finish. The blocking call is interrupted by
   * bull (its local pause, or its close).
   */
  stop(): void {
    this.stopped = true;
    if (this.due) clearTimeout(this.due.timer);
    this.due = undefined;
    clearTimeout(this.retryTimer);
    this.subscriber?.removeListener('message', this.onMessage);
  }

  /** Resolves once every job taken has run and its outcome is written. */
  async whenIdle(): Promise<void> {
    // Held jobs start as running ones finish, before those outcomes settle: they are waited for
    // in the next round.
    while (this.taking || this.outcomes.size > 0) {
      await this.taking;
      await Promise.all(this.outcomes);
    }
  }

  /** Ends lock renewal, once idle (or given up on). */
  close(): void {
    this.stop();
    clearInterval(this.lockTimer);
  }

  /** A message on the delayed channel: a job was added (or moved back) due at this time. */
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.keys.delayed || this.stopped) return;
    const dueAt = Math.ceil(Number(message));
    if (Number.isFinite(dueAt) && dueAt < (this.due?.at ?? Infinity)) this.wakeAt(dueAt);
  };

  private wakeAt(dueAt: number): void {
    if (this.due) clearTimeout(this.due.timer);
    const timer = setTimeout(
      () => {
        this.due = undefined;
        this.pump();
      },
      Math.min(MAX_SLEEP_MS, Math.max(0, dueAt - Date.now())),
    );
    this.due = { at: dueAt, timer };
  }

  /**
   * Takes as many jobs as there are free slots, and as many again to hold (and any claimed),
   * unless a take is running. Holding a slot's worth ahead lets the jobs the slots free up for
   * start at once, rather than after a take's round trip: when many come due together, handlers
   * tend to finish together (their store writes are batched), and without jobs in hand every
   * slot would wait for the next take.
   */
  private pump(): void {
    if (this.stopped) return;
    if (this.taking) {
      this.takeAgain = true;
      return;
    }
    if (this.pausedLocally()) return;
    const free = 2 * this.settings.concurrency - this.running - this.held.length;
    if (free <= 0 && this.claimed.length === 0) return;
    const claimed = this.claimed.splice(0);
    this.taking = this.take(Math.max(0, free), claimed).then(
      () => this.afterTake(),
      (error: unknown) => {
        // The claimed jobs are still active and unlocked: the next take locks them.
        this.claimed.unshift(...claimed);
        this.settings.onError(error);
        this.afterTake(true);
      },
    );
  }

  private afterTake(failed = false): void {
    this.taking = undefined;
    if (failed) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.pump(), this.settings.retryDelayMs);
      return;
    }
    if (this.takeAgain) {
      this.takeAgain = false;
      this.pump();
    }
  }

  /** Under bull's local pause (a shutdown's first step): waits for it to lift. */
  private pausedLocally(): boolean {
    const { paused } = this.internals;
    if (!paused) return false;
    if (!this.awaitingResume) {
      this.awaitingResume = true;
      void paused.then(() => {
        this.awaitingResume = false;
        this.pump();
      });
    }
    return true;
  }

  private async take(limit: number, claimed: string[]): Promise<void> {
    const { keys, args } = this.heads.take;
    const reply = await runScript(this.bull.client, TAKE_JOBS, keys, [
      ...args,
      String(this.settings.lockDurationMs),
      String(Date.now()),
      String(limit),
      ...claimed,
    ]);
    if (!Array.isArray(reply) || !Array.isArray(reply[0])) {
      throw new Error('unexpected reply from the take script');
    }
    const [taken, next] = reply as [unknown[], unknown];
    const count = taken.length / 5;
    for (let i = 0; i < taken.length; i += 5) {
      const job = this.takenJob(taken.slice(i, i + 5).map(String));
      if (job) {
        this.locks.add(job.id);
        this.held.push(job);
      }
    }
    this.startHeld();
    if (typeof next === 'string') this.wakeAt(Math.floor(Number(next) / 0x1000));
    // Fewer than asked for: the wait list is empty, so wait on it for jobs added with no delay.
    if (count - claimed.length < limit) this.block();
  }

  /**
   * A taken job, or undefined when its data cannot be read (written by something other than bull):
   * that is reported and the job left locked but not run, so bull's stalled check fails it once
   * its lock lapses often enough.
   */
  private takenJob([id = '', data, opts, timestamp, attemptsMade]: string[]):
    TakenJob<T> | undefined {
    try {
      const { delay } = JSON.parse(opts || '{}') as { delay?: unknown };
      return {
        id,
        data: JSON.parse(data || '{}') as T,
        attemptsMade: Number(attemptsMade) || 0,
        timestamp: Number(timestamp),
        delayMs: typeof delay === 'number' ? delay : 0,
      };
    } catch (error) {
      this.settings.onError(new Error(`job ${id} cannot be run: ${errorMessage(error)}`));
      return undefined;
    }
  }

  private startHeld(): void {
    while (this.running < this.settings.concurrency) {
      const job = this.held.shift();
      if (!job) return;
      this.run(job);
    }
  }

  private run(job: TakenJob<T>): void {
    this.running += 1;
    const release = (): void => {
      this.running -= 1;
      this.startHeld();
      this.pump();
    };
    const outcome = Promise.resolve()
      .then(() => this.handler(job))
      .then(
        () => {
          release();
          return this.complete(job.id);
        },
        (error: unknown) => {
          release();
          return this.fail(job.id, error);
        },
      );
    const settled = outcome
      .catch((error: unknown) => this.settings.onError(error))
      .finally(() => {
        this.locks.delete(job.id);
        this.outcomes.delete(settled);
      });
    this.outcomes.add(settled);
  }

  /** Waits on the wait list for a job added with no delay; one such call at a time. */
  private block(): void {
    if (this.blocked || this.stopped || this.internals.paused) return;
    this.blocked = true;
    const { wait, active } = this.keys;
    this.internals.bclient.brpoplpush(String(wait), String(active), DRAIN_DELAY_SECONDS).then(
      (jobId) => {
        this.blocked = false;
        if (jobId) this.claimed.push(jobId);
        this.pump();
      },
      (error: unknown) => {
        this.blocked = false;
        // Interrupted by a pause or a close: nothing is lost (a job it had moved is not locked,
        // and bull's stalled check gives it back).
        if (this.stopped || this.internals.paused) return;
        this.settings.onError(error);
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.pump(), this.settings.retryDelayMs);
      },
    );
  }

  /** Completes the job with the others finished in the same turn: one script call for them all. */
  private complete(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.completions.length === 0) setImmediate(() => void this.flushCompletions());
      this.completions.push({ id, resolve, reject });
    });
  }

  private async flushCompletions(): Promise<void> {
    const pending = this.completions;
    this.completions = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      const batch = pending.slice(start, start + MAX_BATCH);
      await this.writeCompletions(batch).catch((error: unknown) =>
        batch.forEach((completion) => completion.reject(error)),
      );
    }
  }

  private async writeCompletions(batch: Completion[]): Promise<void> {
    const { keys, args } = this.heads.complete;
    const { ageMs, count } = this.settings.keepCompleted;
    const reply = await runScript(this.bull.client, COMPLETE_JOBS, keys, [
      ...args,
      String(Date.now()),
      String(ageMs / 1000),
      String(count),
      ...batch.map((completion) => completion.id),
    ]);
    if (!Array.isArray(reply) || reply.length !== batch.length) {
      throw new Error('unexpected reply from the completion script');
    }
    batch.forEach((completion, index) => {
      const code = Number(reply[index]);
      if (code === 0) completion.resolve();
      else completion.reject(finishError(code, completion.id));
    });
  }

  /** bull's own failure path: another attempt after the backoff, or failed and kept. */
  private async fail(id: string, error: unknown): Promise<void> {
    const job = await this.bull.getJob(id);
    if (!job) return;
    if (error instanceof PermanentJobError) job.discard();
    // bull records `error.message`; anything thrown that is not an Error would leave it blank.
    await job.moveToFailed(error instanceof Error ? error : new Error(errorMessage(error)));
  }

  /** Renews the locks of every job taken and not finished (bull's extendLock, for all at once). */
  private async renewLocks(): Promise<void> {
    const ids = [...this.locks];
    if (ids.length === 0) return;
    const { keys, args } = this.heads.extend;
    for (let start = 0; start < ids.length; start += MAX_BATCH) {
      const batch = ids.slice(start, start + MAX_BATCH);
      try {
        const reply = await runScript(this.bull.client, EXTEND_LOCKS, keys, [
          ...args,
          String(this.settings.lockDurationMs),
          ...batch,
        ]);
        if (!Array.isArray(reply)) throw new Error('unexpected reply from the lock script');
        batch.forEach((id, index) => {
          if (Number(reply[index]) !== 1 && this.locks.has(id)) {
            this.settings.onError(new Error(`job ${id} lost its lock: it may run twice`));
          }
        });
      } catch (error) {
        this.settings.onError(error);
      }
    }
  }
}

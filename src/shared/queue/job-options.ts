import { PermanentJobError } from '../errors/permanent-job-error';
import type { JobOptions } from './queue-port';

/** Applied by both adapters, so a job behaves the same whichever one runs it. */
export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_MS = 30_000;

/**
 * How long finished jobs are kept, by both adapters. A kept job is what makes a second add with
 * its id add nothing, so this is the duplicate horizon: within 7 days of completing (and while it
 * is among the queue's last 50,000 completed jobs) a job id is still known. Failed jobs are kept
 * until retried or removed by hand.
 */
export const KEEP_COMPLETED = { ageMs: 7 * 24 * 60 * 60_000, count: 50_000 } as const;

/** Queue names become parts of Redis keys and store ids, so they stay plain. */
export function assertQueueName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(name)) {
    throw new TypeError(`invalid queue name ${JSON.stringify(name)}: use 1-100 of [A-Za-z0-9_-]`);
  }
}

export function assertConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be an integer of at least 1, got ${concurrency}`);
  }
}

export interface ResolvedJobOptions {
  jobId: string;
  delayMs: number;
  attempts: number;
  backoffMs: number;
}

/**
 * Job ids that bull would store under one of its own keys (`<prefix>:<queue>:<id>` is a job; the
 * same place holds the queue's lists and each job's lock and logs): refused by both adapters, so
 * a job can never overwrite a queue's bookkeeping and both behave alike.
 */
const BULL_KEY_NAMES = new Set([
  'active',
  'wait',
  'waiting',
  'paused',
  'resumed',
  'meta',
  'meta-paused',
  'id',
  'delayed',
  'priority',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'drained',
  'duplicated',
  'progress',
  'de',
]);
const BULL_KEY_SHAPES = /:(lock|logs)$/;

/** Checks a job's options and fills in the defaults; a caller's mistake throws at add time. */
export function resolveJobOptions(options: JobOptions): ResolvedJobOptions {
  const { jobId, delayMs, attempts = DEFAULT_ATTEMPTS, backoffMs = DEFAULT_BACKOFF_MS } = options;
  if (typeof jobId !== 'string' || jobId === '') {
    throw new TypeError(`job options: jobId must be a non-empty string, got ${String(jobId)}`);
  }
  if (BULL_KEY_NAMES.has(jobId) || BULL_KEY_SHAPES.test(jobId)) {
    throw new TypeError(
      `job options: jobId "${jobId}" is reserved: it names one of the queue's own keys in Redis`,
    );
  }
  if (!Number.isFinite(delayMs)) {
    throw new TypeError(`job ${jobId}: delayMs must be a finite number, got ${String(delayMs)}`);
  }
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError(`job ${jobId}: attempts must be an integer of at least 1`);
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new TypeError(`job ${jobId}: backoffMs must be a number of at least 0`);
  }
  // A due time in the past simply means "now"; bull treats a negative delay the same way.
  return { jobId, delayMs: Math.max(0, Math.round(delayMs)), attempts, backoffMs };
}

/**
 * bull's 'exponential' backoff, which the local scheduler copies so both adapters retry on the
 * same schedule: after the n-th failure the job waits (2^n − 1) × backoffMs.
 */
export const retryDelayMs = (backoffMs: number, failures: number): number =>
  Math.round((2 ** failures - 1) * backoffMs);

/** Whether the queue gives a job up after this failure: PermanentJobError, or its last attempt. */
export const isFinalFailure = (error: unknown, attempt: number, attempts: number): boolean =>
  error instanceof PermanentJobError || attempt >= attempts;

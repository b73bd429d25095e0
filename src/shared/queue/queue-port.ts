/**
 * The queue port: durable delayed jobs with retries. Two adapters implement it identically —
 * bull on Redis (REDIS_URL) and a local scheduler whose jobs live in the store — and one
 * contract suite holds them to it.
 */

export interface JobOptions {
  /** Unique per job: adding a job whose id is already known adds nothing (duplicates collapse). */
  jobId: string;
  /** When the job becomes due, from now. */
  delayMs: number;
  /** Attempts in all, the first included. Default 8. */
  attempts?: number;
  /**
   * The exponential-backoff base: the n-th failure waits (2^n − 1) × backoffMs before the next
   * attempt (1×, 3×, 7×, … — bull's 'exponential'). Default 30 s.
   */
  backoffMs?: number;
}

export interface AddResult {
  /** False when a job with this id already existed (in any state): nothing new was scheduled. */
  added: boolean;
  /** When the new job is due, or when the existing one was first due. */
  dueAt: Date;
}

export interface JobContext<T> {
  id: string;
  data: T;
  /** 1 for the first attempt. */
  attempt: number;
  /** When the job was first due (a retry keeps it). */
  dueAt: Date;
}

export type JobState = 'delayed' | 'waiting' | 'active' | 'completed' | 'failed';

export interface JobCounts {
  delayed: number;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
}

export interface JobInfo<T> {
  id: string;
  state: JobState;
  data: T;
  /** Attempts started so far. */
  attempts: number;
  /** While delayed, when it is next due (a retry's time after a failure); else when first due. */
  dueAt: Date;
  /** The last failure's message, when it failed. */
  error?: string;
}

/** What `ping` found that does not stop the queue working but an operator should fix. */
export interface QueueHealth {
  /** E.g. Redis may evict jobs (its maxmemory-policy is not noeviction). */
  warning?: string;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<void>;

/**
 * A job's data given as JSON text, whose JSON.parse is the T the handler gets: for data built
 * around JSON already at hand (a stored session's payload), which is then embedded as it is
 * instead of being escaped into a string and serialized a second time.
 */
export class JobJson<T> {
  /** Never set: ties the text to the data it stands for. */
  declare readonly data?: T;

  constructor(readonly text: string) {}
}

export interface JobQueue<T> {
  readonly name: string;
  add(data: T | JobJson<T>, options: JobOptions): Promise<AddResult>;
  /**
   * Starts working: each due job is handed to `handler` once at a time (at most `concurrency`
   * at once). A handler that throws is retried with backoff until attempts run out, then the job
   * is kept as failed; one that throws PermanentJobError fails at once.
   */
  process(handler: JobHandler<T>, options?: { concurrency?: number }): void;
  get(jobId: string): Promise<JobInfo<T> | null>;
  /** Which of `jobIds` the queue holds a job for, in any state: cheaper than a `get` each. */
  known(jobIds: readonly string[]): Promise<Set<string>>;
  counts(): Promise<JobCounts>;
  /** Failed jobs, newest first. */
  failed(limit?: number): Promise<JobInfo<T>[]>;
  /** Makes a failed job due again now, with fresh attempts. */
  retry(jobId: string): Promise<boolean>;
  /** Resolves when the backing store answers (bounded); rejects with the reason otherwise. */
  ping(): Promise<QueueHealth>;
  /** Stops taking jobs and waits (bounded) for those in flight; jobs not done stay scheduled. */
  close(): Promise<void>;
}

export interface QueuePort {
  readonly kind: 'bull' | 'local';
  queue<T>(name: string): JobQueue<T>;
  close(): Promise<void>;
}

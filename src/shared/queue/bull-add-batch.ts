import type Bull from 'bull';
import type { ResolvedJobOptions } from './job-options';
import { queueAddJob } from './bull-internals';
import type { AddResult } from './queue-port';

/** Adds per MULTI: bull's addBulk rate without one reply so large it stalls the event loop. */
const MAX_BATCH = 1_000;

interface PendingAdd<T> {
  data: T;
  options: ResolvedJobOptions;
  jobOptions: Bull.JobOptions;
  dueAt: number;
  resolve: (result: AddResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Adds jobs to one bull queue, telling new jobs from duplicates. Each add is an EXISTS on the job
 * key followed by bull's own add script in the same MULTI, so the answer is exact even when several
 * processes add the same id at once. Adds made in the same turn of the event loop share a MULTI.
 */
export class BullAddBatcher<T> {
  private batch: PendingAdd<T>[] = [];

  constructor(
    private readonly queue: Bull.Queue<T>,
    private readonly jobOptions: (options: ResolvedJobOptions) => Bull.JobOptions,
    private readonly now: () => number = Date.now,
  ) {}

  add(data: T, options: ResolvedJobOptions): Promise<AddResult> {
    return new Promise((resolve, reject) => {
      // The timestamp is taken now, so a job's due time does not depend on when its batch runs.
      const jobOptions = { ...this.jobOptions(options), timestamp: this.now() };
      const dueAt = jobOptions.timestamp + options.delayMs;
      if (this.batch.length === 0) setImmediate(() => void this.flush());
      this.batch.push({ data, options, jobOptions, dueAt, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const pending = this.batch;
    this.batch = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      const slice = pending.slice(start, start + MAX_BATCH);
      await this.write(slice).catch((error: unknown) => slice.forEach((add) => add.reject(error)));
    }
  }

  private async write(adds: PendingAdd<T>[]): Promise<void> {
    await this.queue.isReady();
    const multi = this.queue.client.multi();
    for (const add of adds) {
      multi.exists(this.queue.toKey(add.options.jobId));
      queueAddJob(multi, this.queue, add.options.jobId, add.data, add.jobOptions);
    }
    const replies = (await multi.exec()) ?? [];
    const duplicates: PendingAdd<T>[] = [];
    adds.forEach((add, index) => {
      const [existsError, existed] = replies[index * 2] ?? [new Error('no reply to EXISTS')];
      const [addError] = replies[index * 2 + 1] ?? [new Error('no reply to the add script')];
      if (existsError || addError) add.reject(existsError ?? addError);
      else if (existed === 1) duplicates.push(add);
      else add.resolve({ added: true, dueAt: new Date(add.dueAt) });
    });
    if (duplicates.length > 0) await this.resolveDuplicates(duplicates);
  }

  /** A duplicate reports the existing job's due time (rare, so a second round trip is fine). */
  private async resolveDuplicates(duplicates: PendingAdd<T>[]): Promise<void> {
    const pipeline = this.queue.client.pipeline();
    for (const add of duplicates) {
      pipeline.hmget(this.queue.toKey(add.options.jobId), 'timestamp', 'delay');
    }
    const replies = (await pipeline.exec()) ?? [];
    duplicates.forEach((add, index) => {
      const fields = replies[index]?.[1];
      const [timestamp, delay] = Array.isArray(fields) ? fields.map(Number) : [];
      // The job may have expired in between: then its due time is unknown, and ours is as good.
      const dueAt =
        timestamp !== undefined && Number.isFinite(timestamp)
          ? timestamp + (Number.isFinite(delay) ? Number(delay) : 0)
          : add.dueAt;
      add.resolve({ added: false, dueAt: new Date(dueAt) });
    });
  }
}

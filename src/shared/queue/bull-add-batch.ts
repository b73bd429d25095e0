import type Bull from 'bull';
import type { ResolvedJobOptions } from './job-options';
import { EXISTS_EACH, queueAddJob } from './bull-internals';
import { type AddResult, JobJson } from './queue-port';

/** Adds per MULTI: bull's addBulk rate without one reply so large it stalls the event loop. */
export const MAX_BATCH = 1_000;

interface PendingAdd {
  /** The job's data as the JSON text bull keeps. */
  dataText: string;
  options: ResolvedJobOptions;
  jobOptions: Bull.JobOptions;
  dueAt: number;
  resolve: (result: AddResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Adds jobs to one bull queue, telling new jobs from duplicates. Adds made in the same turn of the
 * event loop share a MULTI: first a check of which job keys exist, then bull's own add script for
 * each job. A MULTI runs as one, so the check is exact even when several processes add the same
 * id at once, and an add whose key existed added nothing.
 */
export class BullAddBatcher<T> {
  private batch: PendingAdd[] = [];

  constructor(
    private readonly queue: Bull.Queue<T>,
    private readonly jobOptions: (options: ResolvedJobOptions) => Bull.JobOptions,
  ) {}

  add(data: T | JobJson<T>, options: ResolvedJobOptions): Promise<AddResult> {
    const dataText = data instanceof JobJson ? data.text : JSON.stringify(data);
    return new Promise((resolve, reject) => {
      // The timestamp is taken now, so a job's due time does not depend on when its batch runs.
      const jobOptions = { ...this.jobOptions(options), timestamp: Date.now() };
      const dueAt = jobOptions.timestamp + options.delayMs;
      if (this.batch.length === 0) setImmediate(() => void this.flush());
      this.batch.push({ dataText, options, jobOptions, dueAt, resolve, reject });
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

  private async write(adds: PendingAdd[]): Promise<void> {
    // The existence check runs before every add of the MULTI, so it cannot see one add of an id
    // collide with an earlier add of it in the same batch: only the first is sent, the rest are
    // duplicates of it.
    const firsts = new Map<string, PendingAdd>();
    const repeats: PendingAdd[] = [];
    for (const add of adds) {
      if (firsts.has(add.options.jobId)) repeats.push(add);
      else firsts.set(add.options.jobId, add);
    }
    const sent = [...firsts.values()];
    await this.queue.isReady();
    const multi = this.queue.client.multi();
    const keys = sent.map((add) => this.queue.toKey(add.options.jobId));
    multi.eval(EXISTS_EACH, keys.length, ...keys);
    for (const add of sent) {
      queueAddJob(multi, this.queue, add.options.jobId, add.dataText, add.jobOptions);
    }
    const replies = (await multi.exec()) ?? [];
    const [existsError, reply] = replies[0] ?? [new Error('no reply to the existence check')];
    if (existsError || !Array.isArray(reply)) {
      throw existsError ?? new Error('unexpected reply to the existence check');
    }
    const existed: unknown[] = reply;
    const duplicates: PendingAdd[] = [];
    const failed = new Map<string, unknown>();
    sent.forEach((add, index) => {
      const [addError] = replies[index + 1] ?? [new Error('no reply to the add script')];
      if (addError) {
        failed.set(add.options.jobId, addError);
        add.reject(addError);
      } else if (existed[index] === 1) {
        duplicates.push(add);
      } else {
        add.resolve({ added: true, dueAt: new Date(add.dueAt) });
      }
    });
    for (const add of repeats) {
      if (failed.has(add.options.jobId)) add.reject(failed.get(add.options.jobId));
      else duplicates.push(add);
    }
    if (duplicates.length > 0) await this.resolveDuplicates(duplicates);
  }

  /** A duplicate reports the existing job's due time (rare, so a second round trip is fine). */
  private async resolveDuplicates(duplicates: PendingAdd[]): Promise<void> {
    const pipeline = this.queue.client.pipeline();
    for (const add of duplicates) {
      pipeline.hmget(this.queue.toKey(add.options.jobId), 'timestamp', 'delay');
    }
    const replies = (await pipeline.exec()) ?? [];
    duplicates.forEach((add, index) => {
      const fields: unknown = replies[index]?.[1];
      const [timestamp, delay] = Array.isArray(fields) ? (fields as unknown[]).map(Number) : [];
      // The job may have expired in between: then its due time is unknown, and ours is as good.
      const dueAt =
        timestamp !== undefined && Number.isFinite(timestamp)
          ? timestamp + (Number.isFinite(delay) ? Number(delay) : 0)
          : add.dueAt;
      add.resolve({ added: false, dueAt: new Date(dueAt) });
    });
  }
}

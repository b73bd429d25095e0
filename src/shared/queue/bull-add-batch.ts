import type Bull from 'bull';
import type { ResolvedJobOptions } from './job-options';
import { ADD_JOBS, ADD_JOBS_KEYS, runScript, scriptHead } from './bull-internals';
import { type AddResult, JobJson } from './queue-port';

/**
 * Jobs per script call: enough to share one round trip, few enough that neither the script (a few
 * ms in Redis) nor its reply stalls Redis or the event loop.
 */
export const MAX_BATCH = 1_000;

interface PendingAdd {
  jobId: string;
  /** ADD_JOBS' arguments for the job after its id: data, opts, timestamp, delay, due time. */
  args: [string, string, string, string, string];
  dueAt: number;
  resolve: (result: AddResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Adds jobs to one bull queue, telling new jobs from duplicates. Adds made in the same turn of the
 * event loop share one call of ADD_JOBS (bull's add script, for a batch). A script runs as one,
 * so the check is exact even when several processes add the same id at once, or one batch holds
 * an id twice: the first add of an id adds it, every other one is told the job's due time. A call
 * Redis refuses (out of memory, say: it checks before the script writes) rejects every add of the
 * batch; one that failed part-way would keep the jobs it added, and adding them again reports
 * those as already there and adds the rest.
 */
export class BullAddBatcher<T> {
  private batch: PendingAdd[] = [];
  private readonly head: { keys: string[]; args: string[] };

  constructor(
    private readonly queue: Bull.Queue<T>,
    /** bull's job options for `options`, without the timestamp (added per job). */
    private readonly jobOptions: (options: ResolvedJobOptions) => Bull.JobOptions,
  ) {
    this.head = scriptHead(queue, ADD_JOBS_KEYS);
  }

  add(data: T | JobJson<T>, options: ResolvedJobOptions): Promise<AddResult> {
    const dataText = data instanceof JobJson ? data.text : JSON.stringify(data);
    return new Promise((resolve, reject) => {
      // The timestamp is taken now, so a job's due time does not depend on when its batch runs.
      // The opts are what bull's Job would write for these: its defaults are all given here.
      const timestamp = Date.now();
      const { delayMs } = options;
      const opts = JSON.stringify({ ...this.jobOptions(options), timestamp });
      const dueAt = timestamp + delayMs;
      const args: PendingAdd['args'] = [
        dataText,
        opts,
        String(timestamp),
        String(delayMs),
        delayMs > 0 ? String(dueAt) : '0',
      ];
      if (this.batch.length === 0) setImmediate(() => void this.flush());
      this.batch.push({ jobId: options.jobId, args, dueAt, resolve, reject });
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
    const { keys, args } = this.head;
    const jobArgs = adds.flatMap((add) => [add.jobId, ...add.args]);
    await this.queue.isReady();
    const reply = await runScript(this.queue.client, ADD_JOBS, keys, [...args, ...jobArgs]);
    if (!Array.isArray(reply) || reply.length !== adds.length) {
      throw new Error('unexpected reply from the add script');
    }
    adds.forEach((add, index) => {
      const answer = Number(reply[index]);
      if (answer === 0) add.resolve({ added: true, dueAt: new Date(add.dueAt) });
      // A job without a due time (expired in between, say) reports ours, which is as good.
      else add.resolve({ added: false, dueAt: new Date(answer > 0 ? answer : add.dueAt) });
    });
  }
}

import { randomBytes } from 'node:crypto';
import { PermanentJobError } from '../../src/shared/errors/permanent-job-error';
import {
  type JobContext,
  JobJson,
  type JobOptions,
  type JobQueue,
  type JobState,
  type QueuePort,
} from '../../src/shared/queue/queue-port';

/** A queue port on a backing (a store directory, a Redis key prefix) that outlives the port. */
export interface QueueBacking {
  port: QueuePort;
  /**
   * Closes the current port — with the adapter's short close bound, as a test port has — and
   * whatever it runs on, as a process exit would, then opens a new port on the same backing.
   */
  restart: () => Promise<QueuePort>;
  /** Closes whatever is open and removes everything the backing holds. */
  cleanup: () => Promise<void>;
}

interface Run<T> {
  job: JobContext<T>;
  at: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * The behaviour every queue adapter owes its callers, written once and run against each one.
 * Timing is asserted only as order and "not before due", never as tight bounds. Every test opens
 * its own backing and uses its own queue name, so runs never see each other's jobs.
 */
export function describeQueueContract(name: string, open: () => Promise<QueueBacking>): void {
  describe(`${name} queue contract`, () => {
    const runId = randomBytes(3).toString('hex');
    let queues = 0;
    let backing: QueueBacking | undefined;
    let port: QueuePort;

    const freshName = (): string => `contract-${runId}-${++queues}`;
    const quick = (jobId: string, extra: Partial<JobOptions> = {}): JobOptions => ({
      jobId,
      delayMs: 0,
      attempts: 3,
      backoffMs: 50,
      ...extra,
    });

    /** A queue on the current port whose handler records each run, then does what `behave` says. */
    function recorded<T>(
      queue: JobQueue<T>,
      behave: (job: JobContext<T>) => Promise<void> | void = () => undefined,
      concurrency?: number,
    ): Run<T>[] {
      const runs: Run<T>[] = [];
      queue.process(
        async (job) => {
          runs.push({ job, at: Date.now() });
          await behave(job);
        },
        concurrency === undefined ? {} : { concurrency },
      );
      return runs;
    }

    async function stateOf(queue: JobQueue<unknown>, jobId: string): Promise<JobState | undefined> {
      return (await queue.get(jobId))?.state;
    }

    beforeEach(async () => {
      backing = await open();
      port = backing.port;
    });

    afterEach(async () => {
      await backing?.cleanup();
      backing = undefined;
    });

    async function restart(): Promise<QueuePort> {
      if (!backing) throw new Error('no backing open');
      port = await backing.restart();
      return port;
    }

    it('When a job is added with a delay, then it runs once at its due time and not before', async () => {
      const queue = port.queue<{ n: number }>(freshName());
      const runs = recorded(queue);
      const before = Date.now();

      const result = await queue.add({ n: 1 }, quick('j1', { delayMs: 500 }));

      expect(result.added).toBe(true);
      expect(result.dueAt.getTime()).toBeGreaterThanOrEqual(before + 500);
      expect(result.dueAt.getTime()).toBeLessThanOrEqual(Date.now() + 500);
      await sleep(200);
      expect(runs).toHaveLength(0);
      await waitFor('the job to run', () => runs.length === 1);
      const [run] = runs;
      expect(run?.at).toBeGreaterThanOrEqual(result.dueAt.getTime());
      expect(run?.job).toEqual({ id: 'j1', data: { n: 1 }, attempt: 1, dueAt: result.dueAt });
      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'j1')) === 'completed',
      );
      await sleep(300);
      expect(runs).toHaveLength(1);
    });

    it('When a job id is added again while the job is delayed, then nothing is added and the first due time stands', async () => {
      const queue = port.queue<{ n: number }>(freshName());

      const first = await queue.add({ n: 1 }, quick('same', { delayMs: 300 }));
      const second = await queue.add({ n: 2 }, quick('same', { delayMs: 5_000 }));
      const runs = recorded(queue);

      expect(first.added).toBe(true);
      expect(second).toEqual({ added: false, dueAt: first.dueAt });
      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'same')) === 'completed',
      );
      await sleep(200);
      expect(runs.map((run) => run.job.data)).toEqual([{ n: 1 }]);
    });

    it('When many adds of one id race each other, then exactly one is added', async () => {
      const queue = port.queue<{ n: number }>(freshName());

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => queue.add({ n }, quick('raced', { delayMs: 60_000 }))),
      );

      expect(results.filter((result) => result.added)).toHaveLength(1);
      expect((await queue.counts()).delayed + (await queue.counts()).waiting).toBe(1);
    });

    it('When a job id is added again after the job completed, then nothing is added and it does not run again', async () => {
      const queue = port.queue<{ n: number }>(freshName());
      const runs = recorded(queue);
      await queue.add({ n: 1 }, quick('done'));
      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'done')) === 'completed',
      );

      const again = await queue.add({ n: 2 }, quick('done'));

      expect(again.added).toBe(false);
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect((await queue.get('done'))?.data).toEqual({ n: 1 });
    });

    it('When a job id is added again after the job failed, then nothing is added and it stays failed', async () => {
      const queue = port.queue<{ n: number }>(freshName());
      const runs = recorded(queue, () => {
        throw new Error('always');
      });
      await queue.add({ n: 1 }, quick('broken', { attempts: 1 }));
      await waitFor('the job to fail', async () => (await stateOf(queue, 'broken')) === 'failed');

      const again = await queue.add({ n: 2 }, quick('broken'));

      expect(again.added).toBe(false);
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect(await stateOf(queue, 'broken')).toBe('failed');
    });

    it('When a job carries a ~1 KB JSON object, then the handler and get see it unchanged', async () => {
      interface Payload {
        id: string;
        tags: (string | number | boolean | null)[];
        nested: { text: string; n: number; ok: boolean; none: null; deeper: { list: object[] } };
      }
      const payload: Payload = {
        id: 'chat-73522',
        tags: ['vip', 3, false, null, 'ünïcödé ✓ 日本'],
        nested: {
          text: 'line one\nline "two"\t'.repeat(30),
          n: -12.5,
          ok: true,
          none: null,
          deeper: { list: Array.from({ length: 10 }, (_, i) => ({ i, at: `2024-05-0${i % 9}` })) },
        },
      };
      expect(JSON.stringify(payload).length).toBeGreaterThan(900);
      const queue = port.queue<Payload>(freshName());
      const runs = recorded(queue);

      await queue.add(payload, quick('payload', { delayMs: 100 }));

      expect((await queue.get('payload'))?.data).toEqual(payload);
      await waitFor('the job to run', () => runs.length === 1);
      expect(runs[0]?.job.data).toEqual(payload);
    });

    it('When asked which job ids it knows, then it names those it holds in any state, and no others', async () => {
      const queue = port.queue<{ n: number }>(freshName());
      recorded(queue, (job) => {
        if (job.data.n === 2) throw new PermanentJobError('unusable');
      });
      await queue.add({ n: 1 }, quick('job-done'));
      await queue.add({ n: 2 }, quick('job-failed'));
      await queue.add({ n: 3 }, quick('job-delayed', { delayMs: 60_000 }));
      await waitFor('the due jobs to finish', async () => {
        const [done, failed] = await Promise.all([
          stateOf(queue, 'job-done'),
          stateOf(queue, 'job-failed'),
        ]);
        return done === 'completed' && failed === 'failed';
      });

      const known = await queue.known(['job-done', 'never-added', 'job-failed', 'job-delayed']);
      expect([...known].sort()).toEqual(['job-delayed', 'job-done', 'job-failed']);
      expect(await queue.known([])).toEqual(new Set());
    });

    it('When a job is added as JSON text, then the handler and get see the data it writes', async () => {
      const posted = { id: 6868, name: 'Zoë "Q" Müller', tags: ['vip', null] };
      const queue = port.queue<{ key: string; posted: unknown }>(freshName());
      const runs = recorded(queue);

      await queue.add(
        new JobJson(`{"key":"call-6868","posted":${JSON.stringify(posted)}}`),
        quick('json-text', { delayMs: 100 }),
      );

      const expected = { key: 'call-6868', posted };
      expect((await queue.get('json-text'))?.data).toEqual(expected);
      await waitFor('the job to run', () => runs.length === 1);
      expect(runs[0]?.job.data).toEqual(expected);
    });

    it('When a handler fails twice, then it is retried with growing backoff and succeeds on attempt 3', async () => {
      const queue = port.queue<object>(freshName());
      const runs = recorded(queue, (job) => {
        if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
      });

      await queue.add({}, quick('flaky', { attempts: 5, backoffMs: 100 }));

      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'flaky')) === 'completed',
      );
      expect(runs.map((run) => run.job.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = runs.map((run) => run.at);
      // The n-th failure waits (2^n − 1) × backoffMs: 100 ms, then 300 ms.
      expect(second! - first!).toBeGreaterThanOrEqual(100);
      expect(third! - second!).toBeGreaterThanOrEqual(300);
      // Each attempt sees when the job was first due.
      expect(new Set(runs.map((run) => run.job.dueAt.getTime())).size).toBe(1);
      expect(await queue.get('flaky')).toMatchObject({ state: 'completed', attempts: 3 });
    });

    it('When every attempt fails, then the job is kept as failed with its error, in failed() and counts()', async () => {
      const queue = port.queue<{ to: string }>(freshName());
      const runs = recorded(queue, () => {
        throw new Error('SMTP refused: 421 try later');
      });

      await queue.add({ to: 'crm@example.com' }, quick('doomed', { attempts: 2, backoffMs: 50 }));

      await waitFor('the job to fail', async () => (await stateOf(queue, 'doomed')) === 'failed');
      await sleep(200);
      expect(runs).toHaveLength(2);
      const info = await queue.get('doomed');
      expect(info).toMatchObject({
        id: 'doomed',
        state: 'failed',
        attempts: 2,
        data: { to: 'crm@example.com' },
        error: 'SMTP refused: 421 try later',
      });
      const failed = await queue.failed();
      expect(failed.map((job) => [job.id, job.error])).toEqual([
        ['doomed', 'SMTP refused: 421 try later'],
      ]);
      expect(await queue.counts()).toEqual({
        delayed: 0,
        waiting: 0,
        active: 0,
        completed: 0,
        failed: 1,
      });
    });

    it('When several jobs fail, then failed() lists the newest first and honours its limit', async () => {
      const queue = port.queue<object>(freshName());
      recorded(queue, (job) => {
        throw new Error(`failed ${job.id}`);
      });

      for (const jobId of ['f1', 'f2', 'f3']) {
        await queue.add({}, quick(jobId, { attempts: 1 }));
        await waitFor(`${jobId} to fail`, async () => (await stateOf(queue, jobId)) === 'failed');
        await sleep(5);
      }

      expect((await queue.failed()).map((job) => job.id)).toEqual(['f3', 'f2', 'f1']);
      expect((await queue.failed(2)).map((job) => job.id)).toEqual(['f3', 'f2']);
    });

    it('When a handler throws PermanentJobError, then the job fails after one attempt', async () => {
      const queue = port.queue<object>(freshName());
      const runs = recorded(queue, () => {
        throw new PermanentJobError('the session has no usable address');
      });

      await queue.add({}, quick('hopeless', { attempts: 5 }));

      await waitFor('the job to fail', async () => (await stateOf(queue, 'hopeless')) === 'failed');
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect(await queue.get('hopeless')).toMatchObject({
        attempts: 1,
        error: 'the session has no usable address',
      });
    });

    it('When a failed job is retried, then it runs again with fresh attempts', async () => {
      const queue = port.queue<object>(freshName());
      let smtpUp = false;
      const runs = recorded(queue, (job) => {
        // Once retried, the first attempt still fails: only fresh attempts let the second one run.
        if (!smtpUp || job.attempt === 1) throw new Error('SMTP down');
      });
      await queue.add({}, quick('parked', { attempts: 2, backoffMs: 50 }));
      await waitFor('the job to fail', async () => (await stateOf(queue, 'parked')) === 'failed');
      smtpUp = true;

      expect(await queue.retry('parked')).toBe(true);

      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'parked')) === 'completed',
      );
      expect(runs.map((run) => run.job.attempt)).toEqual([1, 2, 1, 2]);
      expect(await queue.failed()).toEqual([]);
      expect(await queue.retry('parked')).toBe(false);
      expect(await queue.retry('unknown')).toBe(false);
    });

    it('When the port restarts with a job still delayed, then the new port runs it exactly once', async () => {
      const name = freshName();
      const oldRuns = recorded(port.queue<{ n: number }>(name));
      const { dueAt } = await port
        .queue<{ n: number }>(name)
        .add({ n: 7 }, quick('later', { delayMs: 800 }));

      const next = await restart();
      const queue = next.queue<{ n: number }>(name);
      const runs = recorded(queue);

      await waitFor('the job to run', () => runs.length === 1);
      expect(runs[0]?.at).toBeGreaterThanOrEqual(dueAt.getTime());
      expect(runs[0]?.job.data).toEqual({ n: 7 });
      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'later')) === 'completed',
      );
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect(oldRuns).toHaveLength(0);
    });

    it('When the process dies while a job runs, then the job runs again after the restart and is not lost', async () => {
      const name = freshName();
      const started = deferred();
      recorded(port.queue<object>(name), () => {
        started.resolve();
        return new Promise<void>(() => undefined); // hangs: the process "dies" mid-job
      });
      await port.queue<object>(name).add({}, quick('interrupted', { attempts: 3 }));
      await started.promise;

      const next = await restart();
      const queue = next.queue<object>(name);
      const runs = recorded(queue);

      await waitFor('the job to run again', () => runs.length === 1, 15_000);
      await waitFor(
        'the job to complete',
        async () => (await stateOf(queue, 'interrupted')) === 'completed',
      );
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.job.attempt).toBeGreaterThanOrEqual(1);
    }, 25_000);

    it('When jobs outnumber the concurrency, then no more than that many run at once', async () => {
      const queue = port.queue<object>(freshName());
      let running = 0;
      let most = 0;
      const runs = recorded(
        queue,
        async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(100);
          running -= 1;
        },
        3,
      );

      await Promise.all(Array.from({ length: 9 }, (_, n) => queue.add({}, quick(`c${n}`))));

      await waitFor('all jobs to complete', async () => (await queue.counts()).completed === 9);
      expect(runs).toHaveLength(9);
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThanOrEqual(2);
    });

    it('When the port closes while a handler runs, then close waits for it and its outcome is kept', async () => {
      const name = freshName();
      const started = deferred();
      let finished = false;
      recorded(port.queue<object>(name), async () => {
        started.resolve();
        await sleep(300);
        finished = true;
      });
      await port.queue<object>(name).add({}, quick('slow'));
      await started.promise;

      await port.close();

      expect(finished).toBe(true);
      const next = await restart();
      const queue = next.queue<object>(name);
      const runs = recorded(queue);
      expect(await stateOf(queue, 'slow')).toBe('completed');
      await sleep(300);
      expect(runs).toHaveLength(0);
    });

    it('When jobs are waiting for their time, then counts() and get() show them and an unknown id is null', async () => {
      const queue = port.queue<object>(freshName());

      await queue.add({}, quick('a', { delayMs: 60_000 }));
      await queue.add({}, quick('b', { delayMs: 60_000 }));

      expect(await queue.counts()).toMatchObject({
        delayed: 2,
        active: 0,
        completed: 0,
        failed: 0,
      });
      expect(await queue.get('a')).toMatchObject({ id: 'a', state: 'delayed', attempts: 0 });
      expect(await queue.get('nope')).toBeNull();
      await expect(queue.ping()).resolves.toEqual({});
    });

    it('When options are unusable, then add throws naming the problem', async () => {
      const queue = port.queue<object>(freshName());

      await expect(queue.add({}, { jobId: '', delayMs: 0 })).rejects.toThrow(/jobId/);
      await expect(queue.add({}, quick('x', { attempts: 0 }))).rejects.toThrow(/attempts/);
      // Ids bull would keep where it keeps its own lists, locks and logs.
      for (const reserved of ['failed', 'delayed', 'id', 'chat-1:lock', 'chat-1:logs']) {
        await expect(queue.add({}, quick(reserved))).rejects.toThrow(
          `jobId "${reserved}" is reserved`,
        );
      }
      expect((await queue.add({}, quick('failed:chat-1'))).added).toBe(true);
      expect(() => port.queue('bad name:with colon')).toThrow(/queue name/);
    });
  });
}

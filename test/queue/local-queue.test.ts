import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalQueuePort, type LocalQueueOptions } from '../../src/shared/queue/local-queue';
import type { JobContext, QueuePort } from '../../src/shared/queue/queue-port';
import { EmbeddedStore } from '../../src/shared/store/embedded-store';
import type { Collection, Store, StoredDocument } from '../../src/shared/store/store-port';
import { describeQueueContract, type QueueBacking } from '../contract/queue-contract';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-local-queue-'));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A port on an embedded store in its own directory; a restart reopens store and port on it. */
async function openBacking(options: LocalQueueOptions = {}): Promise<QueueBacking> {
  const dir = tempDir();
  const portOptions = { closeTimeoutMs: 1_000, ...options };
  let store = await EmbeddedStore.open(dir);
  let port = createLocalQueuePort(store, portOptions);
  const shut = async (): Promise<void> => {
    await port.close();
    await store.close();
  };
  return {
    port,
    restart: async () => {
      await shut();
      store = await EmbeddedStore.open(dir);
      port = createLocalQueuePort(store, portOptions);
      return port;
    },
    cleanup: async () => {
      await shut();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeQueueContract('local', () => openBacking());

/** The store, with each `find` on any collection counted. */
function countingFinds(store: Store): { store: Store; finds: () => number } {
  let finds = 0;
  const counted: Store = {
    kind: store.kind,
    blobs: store.blobs,
    ping: () => store.ping(),
    close: () => store.close(),
    collection<T extends StoredDocument>(name: string): Collection<T> {
      const inner = store.collection<T>(name);
      return Object.assign(Object.create(inner) as Collection<T>, {
        find: (...args: Parameters<Collection<T>['find']>) => {
          finds += 1;
          return inner.find(...args);
        },
      });
    },
  };
  return { store: counted, finds: () => finds };
}

describe('local queue', () => {
  let dir: string;
  let store: EmbeddedStore;
  let port: QueuePort | undefined;

  beforeEach(async () => {
    dir = tempDir();
    store = await EmbeddedStore.open(dir);
  });

  afterEach(async () => {
    await port?.close();
    port = undefined;
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('When 3,000 jobs fall due together, then each runs once and due jobs are read in batches', async () => {
    const counting = countingFinds(store);
    port = createLocalQueuePort(counting.store);
    const queue = port.queue<{ n: number }>('burst');
    const seen = new Map<number, number>();
    const total = 3_000;
    await Promise.all(
      Array.from({ length: total }, (_, n) =>
        queue.add({ n }, { jobId: `b${n}`, delayMs: 200 + (n % 300) }),
      ),
    );

    queue.process(
      async (job) => {
        seen.set(job.data.n, (seen.get(job.data.n) ?? 0) + 1);
      },
      { concurrency: 20 },
    );

    const deadline = Date.now() + 20_000;
    while (seen.size < total && Date.now() < deadline) await sleep(50);
    while ((await queue.counts()).completed < total && Date.now() < deadline) await sleep(50);
    expect((await queue.counts()).completed).toBe(total);
    expect(seen.size).toBe(total);
    expect([...seen.values()].every((runs) => runs === 1)).toBe(true);
    // One read per batch of due jobs (and per timer), not one per job.
    expect(counting.finds()).toBeLessThan(total / 10);
  }, 30_000);

  it('When the next job is far off, then the scheduler waits on a timer instead of polling', async () => {
    const counting = countingFinds(store);
    port = createLocalQueuePort(counting.store, { pollMs: 60_000 });
    const queue = port.queue<object>('idle');
    await queue.add({}, { jobId: 'far', delayMs: 60_000 });
    // Past setTimeout's 2^31-1 ms limit, where a naive timer fires at once.
    await queue.add({}, { jobId: 'very-far', delayMs: 40 * 24 * 60 * 60_000 });
    const runs: JobContext<object>[] = [];

    queue.process(async (job) => {
      runs.push(job);
    });
    await sleep(100);
    const afterStart = counting.finds();
    await sleep(500);

    expect(counting.finds()).toBe(afterStart);
    expect(runs).toHaveLength(0);
  });

  it('When a crash interrupts a job on its last attempt, then the restart fails it with the reason', async () => {
    port = createLocalQueuePort(store, { closeTimeoutMs: 100 });
    const first = port.queue<object>('last-chance');
    await first.add({}, { jobId: 'j', delayMs: 0, attempts: 1 });
    let started = false;
    first.process(() => {
      started = true;
      return new Promise<void>(() => undefined);
    });
    while (!started) await sleep(10);
    await port.close();
    await store.close();

    store = await EmbeddedStore.open(dir);
    port = createLocalQueuePort(store);
    const queue = port.queue<object>('last-chance');
    const runs: number[] = [];
    queue.process(async (job) => {
      runs.push(job.attempt);
    });
    await sleep(300);

    expect(runs).toEqual([]);
    expect(await queue.get('j')).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: expect.stringMatching(/^interrupted/),
    });
  });

  it('When a completed job is older than the duplicate horizon, then it is pruned and its id can be added again', async () => {
    port = createLocalQueuePort(store);
    const queue = port.queue<object>('horizon');
    queue.process(async () => undefined);
    await queue.add({}, { jobId: 'old', delayMs: 0 });
    while ((await queue.get('old'))?.state !== 'completed') await sleep(10);
    await port.close();

    const eightDays = 8 * 24 * 60 * 60_000;
    port = createLocalQueuePort(store, { now: () => Date.now() + eightDays });
    const later = port.queue<object>('horizon');
    later.process(async () => undefined);
    let info = await later.get('old');
    for (let tries = 0; info && tries < 100; tries += 1) {
      await sleep(10);
      info = await later.get('old');
    }

    expect(info).toBeNull();
    expect((await later.add({}, { jobId: 'old', delayMs: 60_000 })).added).toBe(true);
  });

  it('When the store is closed, then ping rejects', async () => {
    port = createLocalQueuePort(store);
    const queue = port.queue<object>('ping');
    await expect(queue.ping()).resolves.toEqual({});

    await store.close();

    await expect(queue.ping()).rejects.toThrow();
    store = await EmbeddedStore.open(dir);
  });
});

import { createMetrics } from '../../src/shared/metrics/metrics';
import { watchQueues } from '../../src/shared/metrics/queue-metrics';
import type { JobCounts, JobQueue } from '../../src/shared/queue/queue-port';
import { parseExposition, select } from './exposition';

/** A queue that only counts: what the gauge reads of the port. */
const countingQueue = (name: string, counts: () => Promise<JobCounts>) =>
  ({ name, counts }) as Pick<JobQueue<unknown>, 'name' | 'counts'> as JobQueue<unknown>;

describe('queue_jobs', () => {
  test('When one queue answers, another fails and a third never answers, then the scrape completes with the first one only', async () => {
    const metrics = createMetrics();
    watchQueues(
      metrics,
      [
        countingQueue('answers', async () => ({
          waiting: 1,
          delayed: 2,
          active: 3,
          failed: 4,
          completed: 5,
        })),
        countingQueue('fails', () => Promise.reject(new Error('Redis is down'))),
        countingQueue('hangs', () => new Promise<JobCounts>(() => undefined)),
      ],
      50,
    );
    const samples = select(parseExposition(await metrics.registry.metrics()), 'queue_jobs');
    expect(samples.map((s) => [s.labels.queue, s.labels.state, s.value])).toEqual([
      ['answers', 'waiting', 1],
      ['answers', 'delayed', 2],
      ['answers', 'active', 3],
      ['answers', 'failed', 4],
      ['answers', 'completed', 5],
    ]);
  });
});

import { Gauge } from 'prom-client';
import type { JobCounts, JobQueue } from '../queue/queue-port';
import type { Metrics } from './metrics';

const STATES: readonly (keyof JobCounts)[] = [
  'waiting',
  'delayed',
  'active',
  'failed',
  'completed',
];

/**
 * `queue_jobs{queue,state}`, read from each queue's counts() when scraped (nothing runs between
 * scrapes). A queue whose backend does not answer is left out of that scrape rather than
 * failing it or showing stale figures; /readyz says why.
 */
export function watchQueues(metrics: Metrics, queues: readonly JobQueue<unknown>[]): void {
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const counted = await Promise.all(
        queues.map((queue) =>
          queue.counts().then(
            (counts) => ({ queue, counts }),
            () => null,
          ),
        ),
      );
      for (const entry of counted) {
        if (entry === null) continue;
        for (const state of STATES) {
          this.set({ queue: entry.queue.name, state }, entry.counts[state]);
        }
      }
    },
  });
}

import { Gauge } from 'prom-client';
import type { JobCounts, JobQueue } from '../queue/queue-port';
import { within } from '../queue/settle-within';
import type { Metrics } from './metrics';

const STATES: readonly (keyof JobCounts)[] = [
  'waiting',
  'delayed',
  'active',
  'failed',
  'completed',
];

/** How long a scrape waits for a queue's counts (Redis down: bull would wait for ever). */
const COUNTS_TIMEOUT_MS = 2000;

/**
 * `queue_jobs{queue,state}`, read from each queue's counts() when scraped (nothing runs between
 * scrapes). A queue whose backend does not answer in time is left out of that scrape rather than
 * failing or holding it, or showing stale figures; /readyz says why.
 */
export function watchQueues(
  metrics: Metrics,
  queues: readonly JobQueue<unknown>[],
  timeoutMs = COUNTS_TIMEOUT_MS,
): void {
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const counted = await Promise.all(
        queues.map((queue) =>
          within(queue.counts(), timeoutMs, 'no answer').then(
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

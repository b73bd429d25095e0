import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { type RequestHandler, Router } from 'express';
import { isBullQueuePort } from '../shared/queue/bull-queue';
import type { JobQueue, QueuePort } from '../shared/queue/queue-port';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The queue dashboard: bull-board over the bull queues on Redis; with the local scheduler, the
 * same facts (counts and failed jobs) as JSON. Only behind `auth` (a signed-in staff member).
 */
export function queueDashboard(
  port: QueuePort,
  queues: JobQueue<unknown>[],
  auth: RequestHandler[],
): Router {
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, ...auth);
  if (isBullQueuePort(port)) {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: port.bullQueues().map((q) => new BullAdapter(q)), serverAdapter });
    router.use(QUEUE_DASHBOARD_PATH, serverAdapter.getRouter() as RequestHandler);
    return router;
  }
  router.get(QUEUE_DASHBOARD_PATH, async (_req, res) => {
    const described = await Promise.all(
      queues.map(async (q) => ({
        name: q.name,
        counts: await q.counts(),
        failed: await q.failed(50),
      })),
    );
    res.json({ kind: port.kind, queues: described });
  });
  return router;
}

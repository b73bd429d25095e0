import { Router } from 'express';
import { stringify } from 'yaml';
import { QUEUE_DASHBOARD_PATH } from '../admin/queue-dashboard';
import { type AppConfig, configFiles } from '../shared/config/app-config';
import type { JobQueue } from '../shared/queue/queue-port';
import { maskConfig, secretReferencePaths } from './config-mask';
import type { ShowPage } from './page';
import { requireStaff } from './staff-auth';

const FAILED_SHOWN = 50;

export interface AdminPageOptions {
  config: AppConfig;
  queues: readonly JobQueue<unknown>[];
  /** Which adapters run: store, queue and mail kinds. */
  adapters: { store: string; queue: string; mail: string };
}

/** `/admin`: the effective configuration with every secret masked, and the queues' state. */
export function adminRoutes(options: AdminPageOptions, show: ShowPage): Router {
  const router = Router();
  // The config is frozen at start, so its masked text is computed once, a section per file.
  const masked = maskConfig(options.config, secretReferencePaths(options.config.dir)) as Record<
    string,
    unknown
  >;
  const shownFiles = Object.entries(configFiles)
    .filter(([section]) => masked[section] !== undefined)
    .map(([section, spec]) => ({ file: spec.file, text: stringify(masked[section]) }));

  router.get('/admin', requireStaff, async (req, res) => {
    const queues = await Promise.all(
      options.queues.map(async (queue) => ({
        name: queue.name,
        counts: await queue.counts(),
        failed: (await queue.failed(FAILED_SHOWN)).map((job) => ({
          id: job.id,
          attempts: job.attempts,
          error: job.error ?? '',
          dueAt: job.dueAt.toISOString(),
        })),
      })),
    );
    show(req, res, 'admin', {
      title: 'Administration',
      adapters: options.adapters,
      queues,
      dashboardHref: QUEUE_DASHBOARD_PATH,
      configDir: options.config.dir,
      configFiles: shownFiles,
    });
  });
  return router;
}

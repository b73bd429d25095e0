import type { Server } from 'node:http';
import { errorMessage } from './errors/system-error';
import type { Logger } from './log/logger';

export interface ShutdownOptions {
  server: Server;
  /**
   * Stops this process taking new jobs, while HTTP drains; the jobs in flight run on. Requests
   * still in flight may schedule jobs: only taking them stops.
   */
  pauseWorkers?: () => Promise<void>;
  /**
   * Closed in order after HTTP has drained: the queue first (it waits, bounded, for the emails in
   * flight), then mail, the store last.
   */
  closers: { name: string; close(): Promise<void> }[];
  logger: Logger;
  /** How long in-flight requests may take before their connections are cut. */
  drainMs?: number;
}

/**
 * Stops taking connections and jobs, lets in-flight requests finish (bounded), then closes the
 * rest in order. Resolves when everything is closed; never rejects.
 */
export async function shutdown(options: ShutdownOptions): Promise<void> {
  const { server, closers, logger, drainMs = 10_000 } = options;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const paused = options
    .pauseWorkers?.()
    .catch((err: unknown) =>
      logger.error('pausing the workers failed', { error: errorMessage(err) }),
    );
  const timer = setTimeout(() => {
    logger.warn('in-flight requests did not finish in time; closing their connections', {
      drainMs,
    });
    server.closeAllConnections();
  }, drainMs);
  await closed;
  clearTimeout(timer);
  await paused;
  for (const closer of closers) {
    try {
      await closer.close();
    } catch (err) {
      logger.error(`closing ${closer.name} failed`, { error: errorMessage(err) });
    }
  }
  logger.info('shut down');
}

/** First SIGTERM/SIGINT shuts down gracefully; a second one exits at once (exit code 1). */
export function onTerminate(graceful: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    void graceful().then(() => process.exit(0));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

import type { Server } from 'node:http';
import type { Logger } from './log/logger';

export interface ShutdownOptions {
  server: Server;
  /** Closed in order after HTTP has drained (queue workers, then the store). */
  closers: { name: string; close(): Promise<void> }[];
  logger: Logger;
  /** How long in-flight requests may take before their connections are cut. */
  drainMs?: number;
}

/**
 * Stops taking connections, lets in-flight requests finish (bounded), then closes the rest.
 * Resolves when everything is closed; never rejects.
 */
export async function shutdown(options: ShutdownOptions): Promise<void> {
  const { server, closers, logger, drainMs = 10_000 } = options;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn('in-flight requests did not finish in time; closing their connections', {
      drainMs,
    });
    server.closeAllConnections();
  }, drainMs);
  await closed;
  clearTimeout(timer);
  for (const closer of closers) {
    try {
      await closer.close();
    } catch (err) {
      logger.error(`closing ${closer.name} failed`, {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

/** First SIGTERM/SIGINT shuts down gracefully; a second one exits at once. */
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

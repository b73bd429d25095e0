import { type App, type AppDeps, createApp } from './app';
import { startInboundSmtp } from './sessions/inbound-smtp';
import type { AppConfig } from './shared/config/app-config';
import type { Logger } from './shared/log/logger';
import { createMailer } from './shared/mail/create-mailer';
import type { Mailer } from './shared/mail/mail-port';
import { isBullQueuePort } from './shared/queue/bull-queue';
import { createMetrics, type Metrics } from './shared/metrics/metrics';
import { startMetricsListener } from './shared/metrics/metrics-listener';
import { timedStore } from './shared/metrics/store-metrics';
import { createQueuePort } from './shared/queue/create-queue';
import type { QueuePort } from './shared/queue/queue-port';
import { createStore } from './shared/store/create-store';
import type { Store } from './shared/store/store-port';

/** Which adapters to use: each service switches on from the environment. */
export interface ServicesEnv {
  dataDir: string;
  mongodbUri?: string;
  redisUrl?: string;
  smtpUrl?: string;
  outcomeEmailDelayMs?: number;
  inboundSmtpPort?: number;
  host?: string;
  /** Redis key prefix of the queues (tests give each run its own). */
  queuePrefix?: string;
}

export interface Composed {
  app: App;
  store: Store;
  queue: QueuePort;
  mailer: Mailer;
  /** The port the inbound SMTP listener took, when INBOUND_SMTP_PORT started one. */
  inboundSmtpPort?: number;
  /**
   * Stops this process taking new outcome-email jobs; those in flight run on (shutdown's first
   * step, beside the HTTP drain). On bull a local pause; the local scheduler stops taking jobs when
   * its queue closes, after the drain.
   */
  pauseWorkers(): Promise<void>;
  /** What the app records into, when `metrics.enabled`; e.g. for outboundObserver(metrics). */
  metrics?: Metrics;
  /** The port the separate metrics listener took, when `metrics.listen` is set. */
  metricsPort?: number;
  /** In shutdown order: intake first, then workers, then mail, the store last. */
  closers: { name: string; close(): Promise<void> }[];
}

/** The application on the adapters the environment names: what `npm start` and tests run. */
export async function composeApp(
  config: AppConfig,
  env: ServicesEnv,
  logger: Logger,
  hooks: Pick<AppDeps, 'onOutboundExchange'> = {},
): Promise<Composed> {
  const metrics = config.server.metrics.enabled ? createMetrics() : undefined;
  const adapter = await createStore({
    dataDir: env.dataDir,
    ...(env.mongodbUri && { mongodbUri: env.mongodbUri }),
  });
  const store = metrics ? timedStore(adapter, metrics) : adapter;
  const queue = createQueuePort({
    store,
    ...(env.redisUrl && { redisUrl: env.redisUrl }),
    ...(env.queuePrefix !== undefined && { prefix: env.queuePrefix }),
    onError: (error) =>
      logger.error('queue error', {
        error: error instanceof Error ? error.message : String(error),
      }),
  });
  const mailer = createMailer({
    dataDir: env.dataDir,
    ...(env.smtpUrl && { smtpUrl: env.smtpUrl }),
  });
  const app = await createApp({
    config,
    store,
    queue,
    mailer,
    logger,
    ...(env.outcomeEmailDelayMs !== undefined && { outcomeEmailDelayMs: env.outcomeEmailDelayMs }),
    ...hooks,
    ...(metrics && { metrics }),
  });
  const closers: Composed['closers'] = [];
  let inboundSmtpPort: number | undefined;
  if (env.inboundSmtpPort !== undefined) {
    const smtp = await startInboundSmtp({
      port: env.inboundSmtpPort,
      ...(env.host && { host: env.host }),
      settings: config.server.inboundEmail,
      ingest: (raw) => app.inbound.ingest(raw),
      logger,
    });
    inboundSmtpPort = smtp.port;
    closers.push({ name: 'inbound SMTP', close: () => smtp.close() });
  }
  const { listen } = config.server.metrics;
  let metricsPort: number | undefined;
  if (listen && app.metricsHandlers) {
    const listener = await startMetricsListener({
      ...listen,
      handlers: app.metricsHandlers,
      logger,
    });
    metricsPort = listener.port;
    closers.push({ name: 'metrics listener', close: () => listener.close() });
  }
  closers.push(
    // No more re-arms once the queue and the store start closing.
    { name: 'outcome re-arm', close: async () => app.sessions.stop() },
    { name: 'queue', close: () => queue.close() },
    { name: 'mail', close: () => mailer.close() },
    // Writes the journal entries still buffered, while the store is open.
    { name: 'journal', close: () => app.journal.close() },
    { name: 'store', close: () => store.close() },
  );
  return {
    app,
    store,
    queue,
    mailer,
    pauseWorkers: () => pauseWorkers(queue),
    closers,
    ...(inboundSmtpPort !== undefined && { inboundSmtpPort }),
    ...(metrics && { metrics }),
    ...(metricsPort !== undefined && { metricsPort }),
  };
}

async function pauseWorkers(queue: QueuePort): Promise<void> {
  if (!isBullQueuePort(queue)) return;
  // Local (this process only), not waiting for the active jobs: the queue's close waits for them.
  await Promise.all(queue.bullQueues().map((bull) => bull.pause(true, true)));
}

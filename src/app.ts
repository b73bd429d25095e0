import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import { withEvents } from './actions/backend-events';
import { createActions } from './actions/create-actions';
import { queueDashboard } from './admin/queue-dashboard';
import { apiDocsRoutes } from './api/openapi/docs-routes';
import { apiAuth } from './api/api-auth';
import { apiRouter } from './api/api-router';
import { healthRoutes, type ReadinessCheck } from './api/health-routes';
import { createCrmBackend } from './crm/create-backend';
import { CrmService } from './crm/crm-service';
import { crmRoutes } from './crm/crm-routes';
import type { Exchange } from './generic-api/sender/mask-exchange';
import { journalCapture } from './journal/inbound-capture';
import { Journal } from './journal/journal';
import { journalObserver } from './journal/outbound-observer';
import { journalPage } from './journal/journal-page';
import { journalApiRoutes } from './journal/journal-routes';
import { createOAuth } from './oauth/oauth-routes';
import { InboundEmailService } from './sessions/inbound-email';
import { inboundRoutes } from './sessions/inbound-routes';
import { loadOutcomeTemplates } from './sessions/outcome-email';
import {
  carriesSessions,
  DELIVERY_CONCURRENCY,
  OUTCOME_QUEUE,
  type OutcomeJob,
  SessionsService,
} from './sessions/sessions-service';
import { sessionsRoutes } from './sessions/sessions-routes';
import type { AppConfig } from './shared/config/app-config';
import { accessLog } from './shared/http/access-log';
import { errorHandler, notFoundHandler } from './shared/http/error-handler';
import { requestId } from './shared/http/request-id';
import { errorMessage } from './shared/errors/system-error';
import type { Logger } from './shared/log/logger';
import type { Mailer } from './shared/mail/mail-port';
import { countingJobHandler, countingMailer } from './shared/metrics/email-metrics';
import { httpMetrics } from './shared/metrics/http-metrics';
import type { Metrics } from './shared/metrics/metrics';
import { metricsGuard, metricsHandlers } from './shared/metrics/metrics-endpoint';
import { outboundObserver } from './shared/metrics/outbound-metrics';
import { watchQueues } from './shared/metrics/queue-metrics';
import type { JobQueue, QueuePort } from './shared/queue/queue-port';
import { requireStaff } from './web/staff-auth';
import type { Store } from './shared/store/store-port';
import { createWeb } from './web/web-app';

/** `templates/` beside `src/` and `dist/`, so the same path works from sources and the build. */
export const TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

export interface AppDeps {
  config: AppConfig;
  store: Store;
  queue: QueuePort;
  mailer: Mailer;
  logger: Logger;
  /** OUTCOME_EMAIL_DELAY_MS: overrides outcomeEmail.delayMinutes. */
  outcomeEmailDelayMs?: number;
  templatesDir?: string;
  /**
   * Sees each outbound request, secrets masked: middleware mode's (crm.yaml backend: remote) and
   * event actions' (actions.yaml; `request.endpoint` is the action's name).
   */
  onOutboundExchange?: (exchange: Exchange) => void;
  /** Set when metrics are on (config `metrics.enabled`): the app records into it. */
  metrics?: Metrics;
}

export interface App {
  express: Express;
  crm: CrmService;
  sessions: SessionsService;
  inbound: InboundEmailService;
  /** The request journal: `journalObserver(journal)` records a sender's calls; `close()` before the store. */
  journal: Journal;
  /**
   * Starts the outcome-email and event-action workers, and schedules again any outcome email whose
   * job is missing (`SessionsService.rearm`): separate from building, so tests choose when.
   */
  startWorkers(): void;
  /** GET /metrics, guard first, when metrics are on: mounted here unless `metrics.listen`. */
  metricsHandlers?: RequestHandler[];
}

function readinessChecks(
  { store, queue, mailer }: AppDeps,
  outcome: ReturnType<QueuePort['queue']>,
): ReadinessCheck[] {
  return [
    {
      name: 'store',
      check: async () => {
        await store.ping();
        return { kind: store.kind };
      },
    },
    {
      name: 'queue',
      check: async () => {
        const health = await outcome.ping();
        return { kind: queue.kind, ...health, [OUTCOME_QUEUE]: await outcome.counts() };
      },
    },
    {
      name: 'mail',
      check: async () => {
        await mailer.ping();
        return { kind: mailer.kind };
      },
    },
  ];
}

/** One observer calling each given one in turn; undefined when none is given. */
function fanOut<T>(
  observers: (((value: T) => void) | undefined)[],
): ((value: T) => void) | undefined {
  const present = observers.filter((o) => o !== undefined);
  if (present.length <= 1) return present[0];
  return (value) => {
    for (const observe of present) observe(value);
  };
}

/** Builds the whole HTTP application from its dependencies; it listens nowhere by itself. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, logger, metrics } = deps;
  const crm = await CrmService.open(store, config.crm);
  // The request journal (src/journal): /api/v1 calls and the outbound calls they cause.
  const journal = await Journal.open(
    store,
    config.server.journal,
    logger,
    config.server.api.auth.headers.map((h) => h.name),
  );
  const observe = fanOut([
    deps.onOutboundExchange,
    metrics && outboundObserver(metrics),
    // Off, the journal keeps nothing: senders then skip building the exchanges it would drop.
    journal.settings.enabled ? journalObserver(journal) : undefined,
  ]);
  const onExchange = observe && { onExchange: observe };
  const actions = await createActions({
    config: config.actions,
    queue: deps.queue,
    store,
    logger,
    ...onExchange,
  });
  // /api/v1 runs on crm.yaml's backend; pages, sessions and inbound email keep the built-in CRM.
  const backend = withEvents(
    await createCrmBackend({ config, crm, store, ...onExchange }),
    actions.events,
  );
  const outcomeQueue = deps.queue.queue<OutcomeJob>(OUTCOME_QUEUE);
  const sessions = new SessionsService({
    store,
    queue: outcomeQueue,
    mailer: metrics ? countingMailer(deps.mailer, metrics) : deps.mailer,
    crm,
    settings: config.server.outcomeEmail,
    templates: await loadOutcomeTemplates(deps.templatesDir ?? TEMPLATES_DIR),
    ...(deps.outcomeEmailDelayMs !== undefined && { delayMs: deps.outcomeEmailDelayMs }),
    carrySessions: carriesSessions(deps.queue.kind, store.kind),
    logger,
    events: actions.events,
  });
  const inbound = new InboundEmailService(store, crm, logger);
  const queues = [outcomeQueue, ...(actions.queue ? [actions.queue] : [])] as JobQueue<unknown>[];
  const uploadLimitBytes = Math.round(config.server.api.uploadLimitMb * 1024 * 1024);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (metrics) app.use(httpMetrics(app, metrics));
  app.use(requestId);
  app.use(accessLog(logger));
  app.use(healthRoutes(readinessChecks(deps, outcomeQueue)));
  // --- OAuth 2.0 (src/oauth): the platform's authorization server, staff SSO ---
  const oauth = await createOAuth({
    server: config.server,
    store,
    logger,
    templatesDir: deps.templatesDir ?? TEMPLATES_DIR,
  });
  // --- end of OAuth (its routes are mounted after the web pages' session, below) ---
  // OpenAPI document and Swagger UI (src/api/openapi): before /api/v1, they need no credentials.
  app.use(apiDocsRoutes({ config, templatesDir: deps.templatesDir ?? TEMPLATES_DIR }));
  const scrape =
    metrics &&
    metricsHandlers(
      metrics,
      metricsGuard(config.server.metrics, apiAuth(config.server.api.auth, oauth.verifyBearer)),
    );
  if (metrics) watchQueues(metrics, queues);
  if (scrape && !config.server.metrics.listen) app.get('/metrics', ...scrape);
  app.use('/api/v1', journalCapture(journal));
  app.use(
    '/api/v1',
    apiRouter({
      server: config.server,
      verifyBearer: oauth.verifyBearer,
      routers: [
        crmRoutes({
          backend,
          config: config.crm,
          uploadLimitBytes,
          publicUrl: config.server.publicUrl,
        }),
        sessionsRoutes(sessions, outcomeQueue),
        inboundRoutes(inbound, Math.round(config.server.inboundEmail.maxMessageMb * 1024 * 1024)),
        journalApiRoutes(journal),
      ],
    }),
  );
  // --- Web pages (src/web): staff login, lookup, accounts, records, outbox, admin ---
  const web = await createWeb({
    config,
    crm,
    store,
    mailer: deps.mailer,
    queuePort: deps.queue,
    queues,
    templatesDir: deps.templatesDir ?? TEMPLATES_DIR,
    logger,
    events: actions.events,
  });
  app.use(web.router);
  // --- end of web pages ---
  app.use(
    journalPage({
      journal,
      templatesDir: deps.templatesDir ?? TEMPLATES_DIR,
      logger,
      before: [web.securityHeaders, web.session],
    }),
  );
  app.use(queueDashboard(deps.queue, queues, [web.session, requireStaff]));
  // OAuth: /oauth/* and /login/sso*, with the staff session of the web pages.
  app.use(oauth.routes(web.session));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  const deliver = metrics
    ? countingJobHandler(sessions.deliver, config.server.outcomeEmail.retry.attempts, metrics)
    : sessions.deliver;
  return {
    express: app,
    crm,
    sessions,
    inbound,
    journal,
    startWorkers: () => {
      outcomeQueue.process(deliver, { concurrency: DELIVERY_CONCURRENCY });
      sessions.rearm().catch((err: unknown) => {
        logger.error('outcome emails could not be checked for missing jobs: trying again', {
          error: errorMessage(err),
        });
        sessions.rearmLater();
      });
      actions.startWorker();
    },
    ...(scrape && { metricsHandlers: scrape }),
  };
}

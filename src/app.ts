import path from 'node:path';
import express, { type Express } from 'express';
import { queueDashboard } from './admin/queue-dashboard';
import { apiRouter } from './api/api-router';
import { healthRoutes, type ReadinessCheck } from './api/health-routes';
import { CrmService } from './crm/crm-service';
import { crmRoutes } from './crm/crm-routes';
import { journalCapture } from './journal/inbound-capture';
import { Journal } from './journal/journal';
import { journalPage } from './journal/journal-page';
import { journalApiRoutes } from './journal/journal-routes';
import { createOAuth } from './oauth/oauth-routes';
import { InboundEmailService } from './sessions/inbound-email';
import { inboundRoutes } from './sessions/inbound-routes';
import { loadOutcomeTemplates } from './sessions/outcome-email';
import { OUTCOME_QUEUE, type OutcomeJob, SessionsService } from './sessions/sessions-service';
import { sessionsRoutes } from './sessions/sessions-routes';
import type { AppConfig } from './shared/config/app-config';
import { accessLog } from './shared/http/access-log';
import { errorHandler, notFoundHandler } from './shared/http/error-handler';
import { requestId } from './shared/http/request-id';
import type { Logger } from './shared/log/logger';
import type { Mailer } from './shared/mail/mail-port';
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
}

export interface App {
  express: Express;
  crm: CrmService;
  sessions: SessionsService;
  inbound: InboundEmailService;
  /** The request journal: `journalObserver(journal)` records a sender's calls; `close()` before the store. */
  journal: Journal;
  /** Starts the outcome-email worker: separate from building, so tests choose when. */
  startWorkers(): void;
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

/** Builds the whole HTTP application from its dependencies; it listens nowhere by itself. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, logger } = deps;
  const crm = await CrmService.open(store, config.crm);
  const outcomeQueue = deps.queue.queue<OutcomeJob>(OUTCOME_QUEUE);
  const sessions = new SessionsService({
    store,
    queue: outcomeQueue,
    mailer: deps.mailer,
    crm,
    settings: config.server.outcomeEmail,
    templates: await loadOutcomeTemplates(deps.templatesDir ?? TEMPLATES_DIR),
    ...(deps.outcomeEmailDelayMs !== undefined && { delayMs: deps.outcomeEmailDelayMs }),
    logger,
  });
  const inbound = new InboundEmailService(store, crm, logger);
  const uploadLimitBytes = Math.round(config.server.api.uploadLimitMb * 1024 * 1024);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
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
  // --- Request journal (src/journal): records /api/v1 calls; its API and page are mounted below ---
  const journal = await Journal.open(
    store,
    config.server.journal,
    logger,
    config.server.api.auth.headers.map((h) => h.name),
  );
  app.use('/api/v1', journalCapture(journal));
  // --- end of request journal ---
  app.use(
    '/api/v1',
    apiRouter({
      server: config.server,
      verifyBearer: oauth.verifyBearer,
      routers: [
        crmRoutes({
          crm,
          config: config.crm,
          uploadLimitBytes,
          maxPageSize: config.server.api.maxPageSize,
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
    queues: [outcomeQueue as JobQueue<unknown>],
    templatesDir: deps.templatesDir ?? TEMPLATES_DIR,
    logger,
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
  app.use(
    queueDashboard(deps.queue, [outcomeQueue as JobQueue<unknown>], [web.session, requireStaff]),
  );
  // OAuth: /oauth/* and /login/sso*, with the staff session of the web pages.
  app.use(oauth.routes(web.session));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return {
    express: app,
    crm,
    sessions,
    inbound,
    journal,
    startWorkers: () => outcomeQueue.process(sessions.deliver, { concurrency: 4 }),
  };
}

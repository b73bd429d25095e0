import path from 'node:path';
import express, { type RequestHandler, Router } from 'express';
import type { EventSink } from '../actions/events';
import type { CrmService } from '../crm/crm-service';
import { platformCalls } from '../platform/platform-calls';
import type { AppConfig } from '../shared/config/app-config';
import type { Logger } from '../shared/log/logger';
import type { Mailer } from '../shared/mail/mail-port';
import type { JobQueue, QueuePort } from '../shared/queue/queue-port';
import type { Store } from '../shared/store/store-port';
import { accountRoutes } from './account-routes';
import { adminRoutes } from './admin-routes';
import { agentRoutes } from './agent-routes';
import { loginRoutes } from './login-routes';
import { LOOKUP_PATH, lookupRoutes } from './lookup-routes';
import { outboxRoutes } from './outbox-routes';
import { pageRenderer } from './page';
import { recordRoutes } from './record-routes';
import { securityHeaders } from './security-headers';
import { requireStaff } from './staff-auth';
import { staffDirectory } from './staff-users';
import { createViewEngine } from './view-engine';
import { webErrorHandler } from './web-errors';
import { cookiePolicy, staffSession } from './web-session';

export const STATIC_PATH = '/static';

export interface WebDeps {
  config: AppConfig;
  crm: CrmService;
  store: Store;
  mailer: Mailer;
  queuePort: QueuePort;
  /** Shown on /admin. */
  queues: readonly JobQueue<unknown>[];
  templatesDir: string;
  logger: Logger;
  /** Told of each adapter event /agent/events keeps (event actions). */
  events?: EventSink;
}

export interface Web {
  /** Every page, the login and the static files; mount it after /api/v1. */
  router: Router;
  /** The staff session, for routes outside `router` that need the signed-in user (SSO, OAuth). */
  session: RequestHandler;
  /** The pages' CSP and other headers, for other HTML routes (the OAuth consent page). */
  securityHeaders: RequestHandler;
}

/** Requests for the JSON API never pass through the pages' session or headers. */
const skipApi: RequestHandler = (req, _res, next) => {
  next(req.path.startsWith('/api/') ? 'router' : undefined);
};

/** The support team's pages: staff login, lookup, accounts, records, outbox and admin. */
export async function createWeb(deps: WebDeps): Promise<Web> {
  const { config, crm, logger } = deps;
  const server = config.server;
  const show = pageRenderer(createViewEngine(deps.templatesDir));
  const session = staffSession(server, deps.store, logger);
  const headers = securityHeaders({
    frameAncestors: server.web.frameAncestors,
    https: cookiePolicy(server).secure,
  });

  const router = Router();
  router.use(skipApi);
  router.use(headers);
  router.use(
    STATIC_PATH,
    express.static(path.join(deps.templatesDir, 'static'), { index: false, maxAge: '1h' }),
  );
  router.use(session);
  router.use(
    loginRoutes({ users: await staffDirectory(server.web.users), show, sso: !!server.web.sso }),
  );
  router.get('/', requireStaff, (_req, res) => res.redirect(303, LOOKUP_PATH));
  router.use(lookupRoutes(crm, show));
  const platform = platformCalls(server.platform, logger);
  router.use(accountRoutes(crm, show, platform));
  router.use(recordRoutes(crm, show, platform));
  router.use(outboxRoutes(deps.mailer, show));
  router.use(
    agentRoutes({
      adapterUrl: server.web.agentAdapter?.url,
      store: deps.store,
      show,
      ...(deps.events && { events: deps.events }),
    }),
  );
  router.use(
    adminRoutes(
      {
        config,
        queues: deps.queues,
        adapters: { store: deps.store.kind, queue: deps.queuePort.kind, mail: deps.mailer.kind },
      },
      show,
    ),
  );
  router.use(webErrorHandler(show, logger));
  return { router, session, securityHeaders: headers };
}

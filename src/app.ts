import express, { type Express } from 'express';
import { apiRouter } from './api/api-router';
import { healthRoutes } from './api/health-routes';
import { CrmService } from './crm/crm-service';
import { crmRoutes } from './crm/crm-routes';
import type { AppConfig } from './shared/config/app-config';
import { accessLog } from './shared/http/access-log';
import { errorHandler, notFoundHandler } from './shared/http/error-handler';
import { requestId } from './shared/http/request-id';
import type { Logger } from './shared/log/logger';
import type { Store } from './shared/store/store-port';

export interface AppDeps {
  config: AppConfig;
  store: Store;
  logger: Logger;
}

export interface App {
  express: Express;
  crm: CrmService;
}

/** Builds the whole HTTP application from its dependencies; it listens nowhere by itself. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, logger } = deps;
  const crm = await CrmService.open(store, config.crm);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId);
  app.use(accessLog(logger));
  app.use(
    healthRoutes([
      {
        name: 'store',
        check: async () => {
          await store.ping();
          return { kind: store.kind };
        },
      },
    ]),
  );
  app.use(
    '/api/v1',
    apiRouter({
      server: config.server,
      routers: [
        crmRoutes({
          crm,
          config: config.crm,
          uploadLimitBytes: Math.round(config.server.api.uploadLimitMb * 1024 * 1024),
          maxPageSize: config.server.api.maxPageSize,
          publicUrl: config.server.publicUrl,
        }),
      ],
    }),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return { express: app, crm };
}

import { type RequestHandler, Router } from 'express';
import type { BearerVerifier } from '../api/api-auth';
import type { ServerConfig } from '../shared/config/server-schema';
import { AppError } from '../shared/errors/app-error';
import type { Logger } from '../shared/log/logger';
import type { Store } from '../shared/store/store-port';
import { type AuthorizationServer, authorizationServer } from './authorization-server';
import { authorizeRoutes } from './authorize-routes';
import { bearerVerifier } from './bearer';
import { oauthViews } from './oauth-views';
import { SSO_START_PATH, ssoRoutes } from './sso/sso-routes';
import { tokenRoute } from './token-route';
import { userinfoRoute } from './userinfo-route';

export interface OAuthOptions {
  server: ServerConfig;
  store: Store;
  logger: Logger;
  templatesDir: string;
  /** The clock codes and tokens expire by; default Date.now. */
  now?: () => number;
}

export interface OAuth {
  /** For `apiRouter({ verifyBearer })`; absent when no OAuth client is configured. */
  verifyBearer?: BearerVerifier;
  /**
   * `/oauth/*` (when clients are configured) and `/login/sso*` (when web.sso is). The consent
   * page and SSO keep state in the staff session: `session` is the web pages' middleware.
   */
  routes(session: RequestHandler): Router;
}

/** Without a session there is no staff member and no CSRF token: say so rather than crash. */
const requireSessions: RequestHandler = (req, _res, next) => {
  if (req.session) return next();
  next(new AppError(503, 'sessions_unavailable', 'staff sessions are not set up on this server'));
};

/**
 * crm-bridge as an OAuth 2.0 authorization server for the platform (`api.auth.oauth2`) and as an
 * OAuth client of an identity provider for staff sign-in (`web.sso`). Built in two steps because
 * `/api/v1` needs the bearer check before the web pages (and their session) exist.
 */
export async function createOAuth(options: OAuthOptions): Promise<OAuth> {
  const { server: config, logger } = options;
  const settings = config.api.auth.oauth2;
  const sso = config.web.sso;
  const authorization: AuthorizationServer | undefined =
    settings !== undefined && settings.clients.length > 0
      ? await authorizationServer({
          settings,
          store: options.store,
          logger,
          ...(options.now && { now: options.now }),
        })
      : undefined;

  const routes = (session: RequestHandler): Router => {
    const router = Router();
    if (!authorization && !sso) return router;
    const views = oauthViews(options.templatesDir);
    router.use(['/oauth/authorize', SSO_START_PATH], session, requireSessions);
    if (authorization) {
      const { clients, grants, lookup } = authorization;
      const now = options.now ?? Date.now;
      router.use(authorizeRoutes({ clients, grants, views, now }));
      router.use(tokenRoute(authorization.server, logger));
      router.use(userinfoRoute(lookup));
    }
    if (sso) {
      const publicUrl = config.publicUrl;
      router.use(ssoRoutes({ sso, views, logger, ...(publicUrl && { publicUrl }) }));
    }
    return router;
  };

  return {
    routes,
    ...(authorization && { verifyBearer: bearerVerifier(authorization.lookup) }),
  };
}

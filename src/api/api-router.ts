import express, { type RequestHandler, Router } from 'express';
import { AppError } from '../shared/errors/app-error';
import type { ServerConfig } from '../shared/config/server-schema';
import { apiAuth, type BearerVerifier } from './api-auth';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Uploads (large JSON, multipart) and raw MIME messages bring their own parsers. */
const hasOwnParser = (path: string): boolean => /\/attachments\/?$|^\/inbound-email\/?$/.test(path);

/** JSON bodies only (uploads aside): anything else is a 415 that says what to send. */
const jsonBodies = (limit: string): RequestHandler => {
  const parse = express.json({ limit });
  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method) || hasOwnParser(req.path)) return next();
    if (req.headers['content-length'] === '0' || !req.headers['content-type']) {
      req.body = {};
      return next();
    }
    if (!req.is('application/json') && !req.is('+json')) {
      return next(new AppError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    parse(req, res, next);
  };
};

export interface ApiRouterOptions {
  server: ServerConfig;
  verifyBearer?: BearerVerifier;
  /** Capability routers mounted under /api/v1, in order. */
  routers: Router[];
}

export function apiRouter(options: ApiRouterOptions): Router {
  const router = Router();
  router.use(apiAuth(options.server.api.auth, options.verifyBearer));
  router.use(jsonBodies('1mb'));
  for (const r of options.routers) router.use(r);
  return router;
}

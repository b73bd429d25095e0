import type { RequestHandler } from 'express';
import type { ServerConfig } from '../config/server-schema';
import { AppError } from '../errors/app-error';
import { secretMatcher } from '../security/constant-time';
import { type Metrics, scrape } from './metrics';

export type MetricsSettings = ServerConfig['metrics'];

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Only `Authorization: Bearer <token>`, compared in constant time. */
function bearerGuard(token: string): RequestHandler {
  const matches = secretMatcher(token);
  return (req, _res, next) => {
    const given = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (given !== undefined && matches(given)) return next();
    const message =
      given === undefined ? 'authentication required' : 'the credentials given are not valid';
    next(
      new AppError(401, 'unauthorized', message, [], {
        'WWW-Authenticate': 'Bearer realm="crm-bridge metrics"',
      }),
    );
  };
}

/**
 * Who may scrape, per `metrics.auth`: `api` — whoever the CRM API accepts (`apiGuard`);
 * `bearer` — `metrics.token` only; `none` — anyone who reaches the listener (the schema allows
 * it only on a separate `metrics.listen` listener).
 */
export function metricsGuard(
  settings: MetricsSettings,
  apiGuard: RequestHandler,
): RequestHandler[] {
  switch (settings.auth) {
    case 'api':
      return [apiGuard];
    case 'bearer':
      if (settings.token === undefined) throw new TypeError('metrics.auth bearer needs a token');
      return [bearerGuard(settings.token)];
    case 'none':
      return [];
  }
}

/** The handlers of `GET /metrics`: `guards`, then the Prometheus exposition text. */
export function metricsHandlers(metrics: Metrics, guards: RequestHandler[]): RequestHandler[] {
  const scrapeHandler: RequestHandler = async (_req, res) => {
    const { contentType, text } = await scrape(metrics);
    res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' }).send(text);
  };
  return [...guards, scrapeHandler];
}

import type { Express, RequestHandler } from 'express';
import type { Metrics } from './metrics';
import { routePatterns } from './route-patterns';

/** The route label of requests no route matched (404s, static files, mounted apps). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `http_request_duration_seconds{method,route,status}`: the route pattern, never the raw path
 * (ids in it would make a series per id). Per request: a clock read at each end, one map lookup
 * for the label and one observe.
 */
export function httpMetrics(app: Express, metrics: Metrics): RequestHandler {
  const histogram = metrics.httpDuration;
  const patternOf = routePatterns(app);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route as { path: unknown } | undefined;
      histogram.observe(
        {
          method: req.method,
          route: route ? patternOf(route, req.baseUrl) : UNMATCHED_ROUTE,
          status: String(res.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}

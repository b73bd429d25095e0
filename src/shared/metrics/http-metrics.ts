import type { Express, Request, RequestHandler } from 'express';
import type { Metrics } from './metrics';

/** The route label of requests no route matched (404s, static files, mounted apps). */
export const UNMATCHED_ROUTE = 'unmatched';

const ROUTE = Symbol('route');
const ROUTE_LABEL = Symbol('routeLabel');

interface TrackedRequest extends Request {
  [ROUTE]?: unknown;
  [ROUTE_LABEL]?: string;
}

/**
 * Records each request's route pattern (`/api/v1/accounts/:id`) when Express matches it. Read
 * later it would be wrong: a router restores `req.baseUrl` when an error leaves it, so an error
 * response would lose the mount path. `req.route` is therefore made an accessor on this app's
 * request prototype (`app.request`, meant for such extensions): the router's own assignment
 * stores the pattern with the base URL of that moment. Nothing runs for requests no route takes.
 */
function trackRoutes(app: Express): void {
  Object.defineProperty(app.request, 'route', {
    configurable: true,
    get(this: TrackedRequest) {
      return this[ROUTE];
    },
    set(this: TrackedRequest, route: { path: unknown }) {
      this[ROUTE] = route;
      this[ROUTE_LABEL] = this.baseUrl + String(route.path);
    },
  });
}

/**
 * `http_request_duration_seconds{method,route,status}`: the route pattern, never the raw path
 * (ids in it would make a series per id). One clock read at each end and one observe per request.
 */
export function httpMetrics(app: Express, metrics: Metrics): RequestHandler {
  trackRoutes(app);
  const histogram = metrics.httpDuration;
  return (req: TrackedRequest, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe(
        {
          method: req.method,
          route: req[ROUTE_LABEL] ?? UNMATCHED_ROUTE,
          status: String(res.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}

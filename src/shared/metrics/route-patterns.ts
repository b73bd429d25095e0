import type { Express } from 'express';

/** What is read of Express's routing tables: a router's stack of layers (router 2.x). */
interface RoutingLayer {
  route?: { path: unknown };
  handle?: unknown;
  rawPath?: unknown;
}

interface Routing {
  stack: RoutingLayer[];
}

const isRouter = (handle: unknown): handle is Routing =>
  typeof handle === 'function' && Array.isArray((handle as Partial<Routing>).stack);

function collect(router: Routing, prefix: string, patterns: Map<object, string>): void {
  for (const layer of router.stack) {
    if (layer.route) {
      if (!patterns.has(layer.route)) patterns.set(layer.route, prefix + String(layer.route.path));
    } else if (isRouter(layer.handle)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      collect(layer.handle, prefix + mount, patterns);
    }
  }
}

/**
 * Each route's full pattern (`/api/v1/accounts/:id`), mount paths included, read once from the
 * app's routing tables. At the end of a request `req.baseUrl` cannot be trusted for this: a
 * router restores it when an error leaves it, so an error answer would lose its mount path.
 * Routes the tables do not show (added later, inside mounted sub-apps) fall back to
 * `req.baseUrl + route.path`.
 */
export function routePatterns(app: Express): (route: { path: unknown }, baseUrl: string) => string {
  let patterns: Map<object, string> | undefined;
  return (route, baseUrl) => {
    patterns ??= readPatterns(app);
    return patterns.get(route) ?? baseUrl + String(route.path);
  };
}

function readPatterns(app: Express): Map<object, string> {
  const patterns = new Map<object, string>();
  const root: unknown = (app as unknown as { router?: unknown }).router;
  if (isRouter(root)) collect(root, '', patterns);
  return patterns;
}

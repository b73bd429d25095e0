import { Router } from 'express';

/** A named dependency whose reachability /readyz reports. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
}

/** Unauthenticated: /healthz says the process answers, /readyz that its dependencies do. */
export function healthRoutes(checks: ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          return [name, { ok: true, ...(await check()) }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, error: err instanceof Error ? err.message : String(err) },
          ] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.ok);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  return router;
}

import express, { Router } from 'express';
import supertest from 'supertest';
import { httpMetrics, UNMATCHED_ROUTE } from '../../src/shared/metrics/http-metrics';
import { createMetrics } from '../../src/shared/metrics/metrics';
import { parseExposition, select } from './exposition';

/** An app shaped like ours: routers in routers under a mount path, a param mount, a sub-app. */
function app() {
  const metrics = createMetrics();
  const server = express();
  server.use(httpMetrics(server, metrics));
  const records = Router();
  records.get('/', (_req, res) => {
    res.json([]);
  });
  const inner = Router();
  inner.get('/accounts/:id', (req, res) => {
    if (req.params.id === 'missing') throw Object.assign(new Error('no'), { status: 404 });
    res.json({ id: req.params.id });
  });
  inner.use('/accounts/:id/records', records);
  const api = Router();
  api.use(inner);
  server.use('/api/v1', api);
  const sub = express();
  sub.get('/stats', (_req, res) => {
    res.json({});
  });
  server.use('/admin', sub);
  server.use((_req, res) => {
    res.status(404).end();
  });
  server.use(((err, _req, res, _next) => {
    res.status((err as { status?: number }).status ?? 500).end();
  }) as express.ErrorRequestHandler);
  return { request: supertest(server), metrics };
}

async function routes(metrics: ReturnType<typeof createMetrics>) {
  const samples = parseExposition(await metrics.registry.metrics());
  return select(samples, 'http_request_duration_seconds_count').map(
    (s) => `${s.labels.method} ${s.labels.route} ${s.labels.status} ×${s.value}`,
  );
}

describe('http_request_duration_seconds route labels', () => {
  test('When routes answer, fail, sit under mount paths or match nothing, then each is labelled with its full pattern', async () => {
    const { request, metrics } = app();
    await request.get('/api/v1/accounts/a-1');
    await request.get('/api/v1/accounts/a-2');
    await request.get('/api/v1/accounts/missing');
    await request.get('/api/v1/accounts/a-1/records');
    await request.post('/api/v1/accounts/a-1');
    await request.get('/admin/stats');
    expect((await routes(metrics)).sort()).toEqual([
      'GET /admin/stats 200 ×1',
      'GET /api/v1/accounts/:id 200 ×2',
      'GET /api/v1/accounts/:id 404 ×1',
      'GET /api/v1/accounts/:id/records/ 200 ×1',
      `POST ${UNMATCHED_ROUTE} 404 ×1`,
    ]);
  });
});

import { UNMATCHED_ROUTE } from '../../src/shared/metrics/http-metrics';
import type { AppConfig } from '../../src/shared/config/app-config';
import { createLogger } from '../../src/shared/log/logger';
import { emailing, eventually, outboxMails } from '../sessions/mail-helpers';
import { finishedCall } from '../sessions/session-fixtures';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp, TEST_CREDENTIALS } from '../support/test-app';
import { histogramProblems, parseExposition, type Sample, select, valueOf } from './exposition';

type MetricsConfig = AppConfig['server']['metrics'];

/** Outcome emails on (global address, quick retries) and these metrics settings. */
const configured =
  (metrics: Partial<MetricsConfig> = {}, attempts = 3) =>
  (config: AppConfig): AppConfig => {
    const withEmail = emailing({ retry: { attempts, backoffSeconds: 0.05 } })(config);
    return {
      ...withEmail,
      server: { ...withEmail.server, metrics: { ...withEmail.server.metrics, ...metrics } },
    };
  };

const TOKEN = 'a-metrics-token-of-some-length';

describe('Metrics at /metrics', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function scrape(): Promise<Sample[]> {
    const res = await t.api.get('/metrics');
    expect(res.status).toBe(200);
    return parseExposition(res.text);
  }

  test('When the API, the store and an outcome email have been used, then /metrics shows their series with sane values', async () => {
    t = await startTestApp({
      configure: configured(),
      services: { outcomeEmailDelayMs: 20 },
    });
    const created = await t.api
      .post('/api/v1/accounts')
      .send({ account: { name: 'James Bond', phone: '+1 222 333 4444' } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    for (let i = 0; i < 3; i++)
      expect((await t.api.get(`/api/v1/accounts/${id}`)).status).toBe(200);
    expect((await t.api.get('/api/v1/accounts/no-such-account')).status).toBe(404);
    expect((await t.api.get('/no/such/page')).status).toBe(404);
    expect((await t.api.post('/api/v1/sessions').send(finishedCall())).status).toBe(202);
    await eventually(
      async () => ((await outboxMails(t.mailer)).length > 0 ? true : undefined),
      'the outcome email',
    );

    const res = await t.api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(res.text);

    // Requests, by route pattern: an error answer keeps its full pattern, unmatched ones share one label.
    const http = 'http_request_duration_seconds_count';
    const byId = { method: 'GET', route: '/api/v1/accounts/:id' };
    expect(valueOf(samples, http, { ...byId, status: '200' })).toBeGreaterThanOrEqual(3);
    expect(valueOf(samples, http, { ...byId, status: '404' })).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(samples, http, { method: 'POST', route: '/api/v1/accounts', status: '201' }),
    ).toBe(1);
    expect(
      valueOf(samples, http, { method: 'POST', route: '/api/v1/sessions', status: '202' }),
    ).toBe(1);
    expect(valueOf(samples, http, { method: 'GET', route: UNMATCHED_ROUTE, status: '404' })).toBe(
      1,
    );
    const routes = select(samples, http).map((s) => s.labels.route ?? '');
    expect(routes.filter((r) => r.includes(id) || r.includes('no-such'))).toEqual([]);
    expect(histogramProblems(samples, 'http_request_duration_seconds')).toEqual([]);
    expect(
      valueOf(samples, 'http_request_duration_seconds_sum', { ...byId, status: '200' }),
    ).toBeGreaterThan(0);

    // Store operations, timed through the port.
    const store = 'store_operation_duration_seconds_count';
    expect(
      valueOf(samples, store, { operation: 'insert', kind: 'embedded' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(samples, store, { operation: 'findById', kind: 'embedded' }),
    ).toBeGreaterThanOrEqual(4);
    expect(histogramProblems(samples, 'store_operation_duration_seconds')).toEqual([]);

    // The queue's jobs by state, read at scrape time; the email, sent once.
    const queue = { queue: 'outcome-email' };
    expect(
      select(samples, 'queue_jobs', queue)
        .map((s) => s.labels.state)
        .sort(),
    ).toEqual(['active', 'completed', 'delayed', 'failed', 'waiting']);
    expect(valueOf(samples, 'queue_jobs', { ...queue, state: 'completed' })).toBe(1);
    expect(valueOf(samples, 'queue_jobs', { ...queue, state: 'failed' })).toBe(0);
    expect(valueOf(samples, 'emails_sent_total')).toBe(1);
    expect(valueOf(samples, 'emails_retried_total')).toBe(0);
    expect(valueOf(samples, 'emails_failed_total')).toBe(0);

    // Process metrics.
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(select(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  test('When scraped without credentials or with wrong ones, then 401 with a challenge; API credentials of any kind are accepted', async () => {
    t = await startTestApp(configured());
    const anonymous = await t.anonymous.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    expect(anonymous.text).not.toContain('http_request_duration_seconds');
    const wrong = await t.anonymous.get('/metrics').auth(TEST_CREDENTIALS.username, 'not-it');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('the credentials given are not valid');
    const byKey = await t.anonymous.get('/metrics').set('X-Api-Key', TEST_CREDENTIALS.apiKey);
    expect(byKey.status).toBe(200);
  });

  test('When sends fail, then each failed attempt the queue will repeat counts as retried and the last as failed, and each is logged', async () => {
    const logger = createLogger('silent');
    const [warned, failed] = [jest.spyOn(logger, 'warn'), jest.spyOn(logger, 'error')];
    t = await startTestApp({
      logger,
      configure: configured({}, 2),
      // Nothing listens there: every send is refused.
      services: { outcomeEmailDelayMs: 0, smtpUrl: `smtp://127.0.0.1:${await freePort()}` },
    });
    expect((await t.api.post('/api/v1/sessions').send(finishedCall())).status).toBe(202);
    const samples = await eventually(async () => {
      const s = await scrape();
      return valueOf(s, 'queue_jobs', { queue: 'outcome-email', state: 'failed' }) === 1
        ? s
        : undefined;
    }, 'the job to fail');
    expect(valueOf(samples, 'emails_retried_total')).toBe(1);
    expect(valueOf(samples, 'emails_failed_total')).toBe(1);
    expect(valueOf(samples, 'emails_sent_total')).toBe(0);
    expect(warned).toHaveBeenCalledWith(
      'outcome email attempt failed: it will be retried',
      expect.objectContaining({ session: 'call-6868', attempt: 1, attempts: 2 }),
    );
    expect(failed).toHaveBeenCalledWith(
      'outcome email failed: no attempts left, the job is kept as failed',
      expect.objectContaining({ session: 'call-6868', attempt: 2, attempts: 2 }),
    );
  });

  test('When metrics.auth is bearer, then only that token scrapes', async () => {
    t = await startTestApp(configured({ auth: 'bearer', token: TOKEN }));
    expect((await t.anonymous.get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(
      200,
    );
    const wrong = await t.anonymous.get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="crm-bridge metrics"');
    expect((await t.api.get('/metrics')).status).toBe(401); // API credentials are not the token
  });

  test('When metrics.listen is set, then /metrics is served there (here without auth) and not on the main port', async () => {
    t = await startTestApp(configured({ auth: 'none', listen: { host: '127.0.0.1', port: 0 } }));
    expect(t.metricsPort).toBeGreaterThan(0);
    expect((await t.api.get('/api/v1/accounts?phone=1')).status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${t.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());
    expect(
      valueOf(samples, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/accounts',
        status: '200',
      }),
    ).toBe(1);
    expect((await t.api.get('/metrics')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${t.metricsPort}/other`)).status).toBe(404);
  });

  const redisTest = process.env.REDIS_URL ? test : test.skip;
  if (!process.env.REDIS_URL)
    console.warn('queue metrics on bull SKIPPED: set REDIS_URL to run them');

  redisTest(
    'When the queue is bull on Redis, then queue_jobs shows its scheduled email as delayed',
    async () => {
      t = await startTestApp({
        configure: configured(),
        services: { outcomeEmailDelayMs: 60_000, redisUrl: process.env.REDIS_URL ?? '' },
      });
      expect((await t.api.post('/api/v1/sessions').send(finishedCall())).status).toBe(202);
      const samples = await scrape();
      expect(valueOf(samples, 'queue_jobs', { queue: 'outcome-email', state: 'delayed' })).toBe(1);
      expect(valueOf(samples, 'queue_jobs', { queue: 'outcome-email', state: 'completed' })).toBe(
        0,
      );
    },
  );

  test('When metrics.enabled is false, then there is no /metrics', async () => {
    t = await startTestApp(configured({ enabled: false }));
    expect(t.metrics).toBeUndefined();
    expect((await t.api.get('/metrics')).status).toBe(404);
  });
});

import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { apiAuth } from '../../src/api/api-auth';
import { startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('API authentication', () => {
  test('When no credentials are sent, then 401 carries a Basic challenge', async () => {
    const res = await t.anonymous.get('/api/v1/accounts');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="crm-bridge"/);
    expect(res.body.error).toEqual({
      code: 'unauthorized',
      message: 'authentication required',
      details: [],
    });
  });

  test('When the Basic password is wrong, then 401 says the credentials are not valid', async () => {
    const res = await t.anonymous.get('/api/v1/accounts').auth(TEST_CREDENTIALS.username, 'wrong');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('the credentials given are not valid');
  });

  test('When the Basic credentials are right, then the request passes', async () => {
    const res = await t.anonymous
      .get('/api/v1/accounts')
      .auth(TEST_CREDENTIALS.username, TEST_CREDENTIALS.password);
    expect(res.status).toBe(200);
  });

  test('When the configured header key is sent, then the request passes; a wrong one does not', async () => {
    expect(
      (await t.anonymous.get('/api/v1/accounts').set('X-Api-Key', TEST_CREDENTIALS.apiKey)).status,
    ).toBe(200);
    expect((await t.anonymous.get('/api/v1/accounts').set('x-api-key', 'nope')).status).toBe(401);
  });

  test('When the Authorization header is garbage, then 401, never 500', async () => {
    for (const header of ['Basic', 'Basic !!!', 'Basic Zm9v', 'Bearer x', 'Digest a=b']) {
      expect((await t.anonymous.get('/api/v1/accounts').set('Authorization', header)).status).toBe(
        401,
      );
    }
  });

  test('When health is asked without credentials, then /healthz and /readyz answer', async () => {
    expect((await t.anonymous.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.anonymous.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: {
        store: { ok: true, kind: t.store.kind },
        queue: {
          ok: true,
          kind: t.queue.kind,
          'outcome-email': { active: 0, completed: 0, delayed: 0, failed: 0, waiting: 0 },
        },
        mail: { ok: true, kind: t.mailer.kind },
      },
    });
  });
});

describe('API authentication with several Basic credentials', () => {
  const app = express();
  app.use(
    apiAuth({
      basic: [
        { username: 'platform', password: 'one:two' },
        { username: 'support', password: 'three' },
      ],
      headers: [],
    }),
  );
  app.get('/who', (_req, res) => {
    res.json(res.locals.principal);
  });

  test('When any configured pair is sent, then it passes as that credential', async () => {
    const platform = await request(app).get('/who').auth('platform', 'one:two');
    expect(platform.body).toEqual({ method: 'basic', name: 'platform' });
    const support = await request(app).get('/who').auth('support', 'three');
    expect(support.body).toEqual({ method: 'basic', name: 'support' });
  });

  test('When halves of two credentials are mixed, or a password cut short, then 401', async () => {
    for (const [user, password] of [
      ['platform', 'three'],
      ['support', 'one:two'],
      ['platform', 'one'],
    ] as const) {
      expect((await request(app).get('/who').auth(user, password)).status).toBe(401);
    }
  });
});

describe('Request ids and errors', () => {
  test('When a request id is sent, then it is echoed; otherwise one is made', async () => {
    expect(
      (await t.api.get('/api/v1/accounts').set('X-Request-Id', 'abc-123')).headers['x-request-id'],
    ).toBe('abc-123');
    expect((await t.api.get('/api/v1/accounts')).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    const unsafe = await t.api.get('/api/v1/accounts').set('X-Request-Id', '<script>');
    expect(unsafe.headers['x-request-id']).not.toBe('<script>');
  });

  test('When a route does not exist, then 404 in the error model', async () => {
    const res = await t.api.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  test('When any JSON at all is posted, then the answer is never a 500', async () => {
    const endpoints = ['/api/v1/accounts', '/api/v1/records'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), fc.jsonValue(), async (url, body) => {
        const res = await t.api
          .post(url)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        expect(res.body.error === undefined || typeof res.body.error.message === 'string').toBe(
          true,
        );
      }),
      { numRuns: 150 },
    );
  });

  test('When any query string at all is sent, then the answer is never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })),
        async (query) => {
          const res = await t.api.get('/api/v1/accounts').query(query);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * Middleware mode when the downstream CRM fails: what the platform gets back, and that crm-bridge
 * never repeats a request on its own (a repeated POST could create a second account).
 */
import { closedPort, json, type Loopback, startLoopback } from '../generic-api/loopback';
import type { TestApp } from '../support/test-app';
import { startAcmeCrm } from './acme-crm';
import { startRemoteApp } from './remote-app';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function remoteApp(...args: Parameters<typeof startRemoteApp>): Promise<TestApp> {
  const app = await startRemoteApp(...args);
  opened.push(app);
  return app;
}

async function downstream(handler: Parameters<typeof startLoopback>[0]): Promise<Loopback> {
  const loopback = await startLoopback(handler);
  opened.push(loopback);
  return loopback;
}

const BOND = { name: 'James Bond', email: 'james@mi6.co.uk' };

test('When generic-api.yaml lacks the endpoint, then 501 names it and nothing is sent', async () => {
  const acme = await downstream((_req, res) => json(res, 500, {}));
  const t = await remoteApp(acme.origin, (api) => ({
    ...api,
    endpoints: { ...api.endpoints, createRecord: undefined },
  }));
  const res = await t.api.post('/api/v1/records').send({ contactId: 'C1', subject: 'x' });
  expect(res.status).toBe(501);
  expect(res.body.error).toEqual({
    code: 'not_implemented',
    message:
      'POST /records is not available with backend remote: generic-api.yaml has no endpoints.createRecord',
    details: [],
  });
  expect(acme.received).toEqual([]);
});

test('When the CRM never answers, then 504 after the configured timeout and the POST is sent once', async () => {
  const silent = await downstream(() => undefined); // reads the request, never answers
  const t = await remoteApp(silent.origin, (api) => ({ ...api, timeoutSeconds: 1 }));
  const res = await t.api.post('/api/v1/accounts').send(BOND);
  expect(res.status).toBe(504);
  expect(res.body.error.code).toBe('downstream_timeout');
  expect(res.body.error.message).toBe(
    `createAccount: no complete response from ${silent.origin}/api/contacts within 1 s`,
  );
  expect(silent.received).toHaveLength(1);
});

test('When the CRM refuses the data with a 4xx, then its status and message are passed on', async () => {
  const acme = await startAcmeCrm();
  opened.push(acme);
  const t = await remoteApp(acme.origin);
  expect((await t.api.post('/api/v1/accounts').send(BOND)).status).toBe(201);
  const res = await t.api.post('/api/v1/accounts').send(BOND);
  expect(res.status).toBe(409);
  expect(res.body.error).toEqual({
    code: 'downstream_rejected',
    message: 'createAccount: the CRM answered 409: email_address is already registered',
    details: [],
  });
  expect(acme.received).toHaveLength(2);
});

test.each([
  ['POST', '/api/v1/accounts', BOND],
  ['GET', '/api/v1/accounts?email=james@mi6.co.uk', undefined],
])(
  'When the CRM fails with a 5xx, then %s answers 502 with its message and is not retried',
  async (method, path, body) => {
    const failing = await downstream((_req, res) =>
      json(res, 503, { message: 'database is down' }),
    );
    const t = await remoteApp(failing.origin);
    const res = method === 'POST' ? await t.api.post(path).send(body) : await t.api.get(path);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('downstream_error');
    expect(res.body.error.message).toMatch(/the CRM answered 503: database is down$/);
    expect(failing.received).toHaveLength(1);
  },
);

test("When the CRM refuses crm-bridge's credentials, then 502 (not the platform's 401) says to check them", async () => {
  const acme = await startAcmeCrm();
  opened.push(acme);
  const t = await remoteApp(acme.origin, (api) => api, 'wrong-key');
  const res = await t.api.post('/api/v1/accounts').send(BOND);
  expect(res.status).toBe(502);
  expect(res.body.error.code).toBe('downstream_auth_failed');
  expect(res.body.error.message).toMatch(/answered 401: invalid API key \(check the credentials/);
  expect(JSON.stringify(res.body)).not.toContain('wrong-key');
  expect(acme.received[0]?.headers['x-api-key']).toBe('wrong-key');
});

test('When nothing listens at the CRM, then 502 says it cannot be reached', async () => {
  const t = await remoteApp(`http://127.0.0.1:${await closedPort()}`);
  const res = await t.api.get('/api/v1/accounts/C1');
  expect(res.status).toBe(502);
  expect(res.body.error.code).toBe('downstream_unreachable');
});

test('When the answer lacks the object at responseDataLocation, then 502 names the location', async () => {
  const odd = await downstream((_req, res) => json(res, 201, { ok: true }));
  const t = await remoteApp(odd.origin);
  const res = await t.api.post('/api/v1/accounts').send(BOND);
  expect(res.status).toBe(502);
  expect(res.body.error).toMatchObject({
    code: 'downstream_unexpected_response',
    message: expect.stringMatching(
      /^createAccount: expected .*"contact_id".* at \$\.result, found nothing/,
    ),
  });
});

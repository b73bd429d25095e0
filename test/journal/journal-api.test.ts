import { outboundAuthSchema } from '../../src/generic-api/config/auth-schema';
import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import type { InboundEntry } from '../../src/journal/journal-entry';
import { journalObserver } from '../../src/journal/outbound-observer';
import { requestContext } from '../../src/shared/log/request-context';
import { json, startLoopback } from '../generic-api/loopback';
import { journalOn, startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';
import { apiAccount, apiRecord } from '../web/web-helpers';

const JAMES = { name: 'James Bond', phone: '+1 222 333 4444', email: 'james.bond@mi6.co.uk' };

describe('GET /api/v1/_journal', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(journalOn);
  });
  afterAll(async () => {
    await t.close();
  });

  const journal = async (
    query = '',
  ): Promise<{ data: InboundEntry[]; meta: Record<string, unknown> }> => {
    const res = await t.api.get(`/api/v1/_journal${query}`);
    expect(res.status).toBe(200);
    return res.body as { data: InboundEntry[]; meta: Record<string, unknown> };
  };

  test('When an account is created, then the call is journaled with its bodies masked', async () => {
    const created = await t.api
      .post('/api/v1/accounts')
      .set('X-Request-Id', 'create-james')
      .send({ account: JAMES });
    expect(created.status).toBe(201);

    const { data } = await journal('?requestId=create-james');

    expect(data).toHaveLength(1);
    const [entry] = data;
    expect(entry).toMatchObject({
      requestId: 'create-james',
      method: 'POST',
      path: '/api/v1/accounts',
      status: 201,
      outbound: [],
    });
    expect(JSON.parse(entry?.request.body?.text ?? '')).toEqual({
      account: { name: 'James Bond', phone: '***44', email: 'j***@mi6.co.uk' },
    });
    expect(entry?.response.body?.text).toContain(`"id":"${created.body.data.id as string}"`);
    expect(entry?.request.headers?.authorization).toBe('[secret]');
    const text = JSON.stringify(data);
    expect(text).not.toContain('333 4444');
    expect(text).not.toContain('james.bond@');
    expect(text).not.toContain(TEST_CREDENTIALS.password);
  });

  test('When calls fail, then status and status-class filters find them and reading the journal is not journaled', async () => {
    await t.api.get('/api/v1/accounts/does-not-exist').set('X-Request-Id', 'missing-1');
    await t.anonymous.get('/api/v1/accounts').set('X-Request-Id', 'no-credentials');
    await t.anonymous
      .get('/api/v1/accounts')
      .set('X-Api-Key', TEST_CREDENTIALS.apiKey)
      .set('X-Request-Id', 'by-key');

    const notFound = await journal('?status=404');
    const clientErrors = await journal('?status=4xx');
    const everything = await journal('?limit=200');

    expect(notFound.data.map((e) => e.requestId)).toEqual(['missing-1']);
    expect(clientErrors.data.map((e) => e.requestId)).toEqual(['no-credentials', 'missing-1']);
    const byKey = everything.data.find((e) => e.requestId === 'by-key');
    expect(byKey?.request.headers?.['x-api-key']).toBe('[secret]');
    expect(everything.data.some((e) => e.path.startsWith('/api/v1/_journal'))).toBe(false);
  });

  test('When filtered by path prefix and time, then only matching calls come back', async () => {
    await t.api.get(`/api/v1/accounts?phone=${encodeURIComponent(JAMES.phone)}`);
    await t.api.post('/api/v1/records').send({ subject: 'No account' });

    const accounts = await journal('?path=/api/v1/accounts');
    const records = await journal('?path=/api/v1/records');
    const newest = accounts.data[0];
    const fromNewest = await journal(`?path=/api/v1/accounts&from=${newest?.at ?? ''}`);
    const future = await journal('?from=2999-01-01T00:00:00Z');
    const past = await journal('?to=2000-01-01');

    expect(accounts.data.every((e) => e.path.startsWith('/api/v1/accounts'))).toBe(true);
    expect(newest?.query).toEqual({ phone: '***44' });
    expect(records.data.map((e) => e.path)).toEqual(['/api/v1/records']);
    expect(fromNewest.data.map((e) => e.requestId)).toContain(newest?.requestId);
    expect(future.data).toEqual([]);
    expect(past.data).toEqual([]);
  });

  test('When a page is full, then meta.nextCursor leads to the older calls', async () => {
    const first = await journal('?limit=2');
    const second = await journal(`?limit=2&cursor=${String(first.meta.nextCursor)}`);
    const all = await journal('?limit=4');

    expect(first.data).toHaveLength(2);
    expect([...first.data, ...second.data].map((e) => e.requestId)).toEqual(
      all.data.map((e) => e.requestId),
    );
  });

  test('When a file is uploaded, then its size is journaled but not its bytes', async () => {
    const account = await apiAccount(t, { name: 'Vesper Lynd', phone: '+13105550123' });
    const record = await apiRecord(t, { accountId: account.id, subject: 'Upload' });
    const file = Buffer.from('Agent: hello\nCustomer: call me on +1 222 333 4444\n');
    await t.api
      .post(`/api/v1/records/${record.id}/attachments`)
      .set('X-Request-Id', 'upload-1')
      .send({ file: file.toString('base64'), filename: 'chat.txt', contentType: 'text/plain' });

    const [entry] = (await journal('?requestId=upload-1')).data;

    expect(entry?.status).toBe(201);
    expect(entry?.request.body?.text).toBeUndefined();
    expect(entry?.request.body?.bytes).toBeGreaterThan(file.toString('base64').length);
  });

  test.each([
    ['?status=abc', 'status'],
    ['?status=600', 'status'],
    ['?from=yesterday', 'from'],
    ['?to=2026-13-45T99:00:00Z', 'to'],
    ['?from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z', 'to'],
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?cursor=-3', 'cursor'],
    ['?path=accounts', 'path'],
    ['?path=', 'path'],
    ['?status=404&status=500', 'status'],
    ['?method=GET', 'method'],
  ])('When the query is %s, then the answer is 400 naming %s', async (query, field) => {
    const res = await t.api.get(`/api/v1/_journal${query}`);

    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe(field);
    expect(res.body.error.message).toContain(`"${field}"`);
  });

  test('When the journal is read without API credentials, then the answer is 401', async () => {
    const res = await t.anonymous.get('/api/v1/_journal');

    expect(res.status).toBe(401);
  });

  test('When a sender with the journal observer calls a CRM during a request, then the outbound call is journaled under that request', async () => {
    const crm = await startLoopback((_req, res) =>
      json(res, 200, { contact: { id: 'c-7', phone: '+1 222 333 4444', token: 'crm-token-x' } }),
    );
    try {
      const sender = createHttpSender({
        auth: outboundAuthSchema.parse({
          method: 'basic',
          username: 'ada',
          password: 'crm-pass-1',
        }),
        timeoutSeconds: 2,
        onExchange: journalObserver(t.app.journal),
      });
      await requestContext.run({ requestId: 'with-outbound' }, () =>
        sender.send({
          endpoint: 'findAccountByQuery',
          method: 'POST',
          url: `${crm.origin}/contacts/search?phone=%2B12223334444`,
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(JSON.stringify({ phone: '+1 222 333 4444', password: 'crm-pass-1' })),
        }),
      );
      await t.api.get('/api/v1/accounts').set('X-Request-Id', 'with-outbound');

      const [entry] = (await journal('?requestId=with-outbound')).data;

      expect(entry?.outbound).toHaveLength(1);
      const [call] = entry?.outbound ?? [];
      expect(call).toMatchObject({
        endpoint: 'findAccountByQuery',
        method: 'POST',
        url: `${crm.origin}/contacts/search?phone=***44`,
        status: 200,
      });
      expect(call?.request.headers?.Authorization).toBe('[secret]');
      expect(JSON.parse(call?.request.body?.text ?? '')).toEqual({
        phone: '***44',
        password: '[secret]',
      });
      expect(JSON.parse(call?.response.body?.text ?? '')).toEqual({
        contact: { id: 'c-7', phone: '***44', token: '[secret]' },
      });
      expect(JSON.stringify(entry)).not.toContain('crm-pass-1');
    } finally {
      await crm.close();
    }
  });
});

describe('GET /api/v1/_journal with the journal off', () => {
  test('When journal.enabled is false, then calls are not recorded and the answer says so', async () => {
    const t = await startTestApp((config) => ({
      ...config,
      server: { ...config.server, journal: { ...config.server.journal, enabled: false } },
    }));
    try {
      await t.api.get('/api/v1/accounts');

      const res = await t.api.get('/api/v1/_journal');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], meta: { limit: 50, enabled: false } });
    } finally {
      await t.close();
    }
  });
});

// The built-in CRM only; what every backend must do is in backend-contract.test.ts.
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let accountId: string;
beforeAll(async () => {
  t = await startTestApp((config) => ({
    ...config,
    crm: { ...config.crm, customFields: { device: 'deviceType' } },
  }));
  const res = await t.api
    .post('/api/v1/accounts')
    .send({ name: 'Record Owner', phone: '+12223334444' });
  accountId = res.body.data.id;
});
afterAll(() => t.close());

const createRecord = async (body: object) => {
  const res = await t.api.post('/api/v1/records').send(body);
  expect(res.status).toBe(201);
  return res.body.data as Record<string, unknown> & { id: string };
};

describe('POST /api/v1/records', () => {
  test("When the platform's example body is sent, then every key is understood", async () => {
    const record = await createRecord({
      id: 123,
      subject: 'Record title',
      description: 'A longer description of the record, can be formatted in html',
      phone: 11234567890,
      contactId: accountId,
      sourceType: 'PHONE',
      menu: 'queue1',
      direction: 'outgoing',
      rating: 5,
      feedback: 'the agent was great!',
    });
    expect(record).toMatchObject({
      accountId,
      subject: 'Record title',
      phone: '11234567890',
      sourceType: 'PHONE',
      menu: 'queue1',
      direction: 'outgoing',
      rating: 5,
      feedback: 'the agent was great!',
      status: 'new',
    });
    expect(record.id).not.toBe(123);
    expect(record).not.toHaveProperty('contactId');
  });

  test('When the body is a Container array named ticket(s), then it is unwrapped', async () => {
    const record = await createRecord({
      tickets: [{ account_id: accountId, title: 'Via container' }],
    });
    expect(record).toMatchObject({ accountId, subject: 'Via container' });
  });

  test('When the account does not exist, then 422 names accountId', async () => {
    const res = await t.api.post('/api/v1/records').send({ contactId: 'missing', subject: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: 'accountId', message: 'no account has the id "missing"' },
    ]);
  });

  test('When the status is unknown, then 422 lists the accepted values', async () => {
    const res = await t.api
      .post('/api/v1/records')
      .send({ contactId: accountId, status: 'exploded' });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].message).toMatch(/new, open, pending, solved, closed/);
  });

  test('When the rating is out of range or not a number, then 422 names it', async () => {
    const high = await t.api.post('/api/v1/records').send({ contactId: accountId, rating: 6 });
    expect(high.body.error.details).toEqual([{ field: 'rating', message: 'must be at most 5' }]);
    const text = await t.api
      .post('/api/v1/records')
      .send({ contactId: accountId, rating: 'great' });
    expect(text.body.error.details).toEqual([
      { field: 'rating', message: 'expected a number, got string' },
    ]);
  });

  test('When custom data comes from the SDK, then mapped keys fill their record field', async () => {
    const record = await createRecord({
      contactId: accountId,
      custom_data: { device: { value: 'iOS', type: 'string', label: 'Device Type' } },
    });
    expect(record.deviceType).toBe('iOS');
    expect(record.custom_data).toEqual({
      device: { value: 'iOS', type: 'string', label: 'Device Type' },
    });
  });
});

describe('PUT and PATCH /api/v1/records/:id', () => {
  test.each(['put', 'patch'] as const)(
    'When %s sends some fields, then they merge and the rest stays',
    async (method) => {
      const record = await createRecord({
        contactId: accountId,
        subject: 'Before',
        description: 'Keep me',
        team: 'a',
      });
      const res = await t.api[method](`/api/v1/records/${record.id}`).send({
        title: 'After',
        status: 'connected',
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        subject: 'After',
        description: 'Keep me',
        team: 'a',
        status: 'open',
      });
      expect(res.body.data.updatedAt >= String(record.updatedAt)).toBe(true);
      expect((await t.api.get(`/api/v1/records/${record.id}`)).body.data).toEqual(res.body.data);
    },
  );

  test('When a field is sent as null, then it is removed; a required one cannot be', async () => {
    const record = await createRecord({
      contactId: accountId,
      subject: 'Drop description',
      description: 'x',
    });
    const res = await t.api.patch(`/api/v1/records/${record.id}`).send({ description: null });
    expect(res.body.data).not.toHaveProperty('description');
    const refused = await t.api.patch(`/api/v1/records/${record.id}`).send({ contactId: null });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      { field: 'accountId', message: 'is required and cannot be removed' },
    ]);
  });

  test('When the record does not exist, then 404', async () => {
    const res = await t.api.put('/api/v1/records/nope').send({ subject: 'x' });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/v1/records', () => {
  let other: string;
  beforeAll(async () => {
    other = (await t.api.post('/api/v1/accounts').send({ name: 'Other Owner' })).body.data.id;
    await createRecord({ contactId: other, subject: 'Other open' });
    await createRecord({ contactId: other, subject: 'Other closed', status: 'closed' });
  });

  test('When filtering by account_id, then only that account’s records come back, newest first', async () => {
    const res = await t.api.get('/api/v1/records').query({ account_id: other });
    expect(res.body.data.map((r: { subject: string }) => r.subject)).toEqual([
      'Other closed',
      'Other open',
    ]);
  });

  test('When filtering by account and status, then both apply', async () => {
    const res = await t.api.get('/api/v1/records').query({ account_id: other, status: 'new' });
    expect(res.body.data.map((r: { subject: string }) => r.subject)).toEqual(['Other open']);
  });

  test('When filtering by criteria, then the criteria language applies to records', async () => {
    const res = await t.api
      .get('/api/v1/records')
      .query({ criteria: `(contactId:equals:${other}) and (Subject:starts_with:other c)` });
    expect(res.body.data.map((r: { subject: string }) => r.subject)).toEqual(['Other closed']);
  });

  test('When the record id does not exist, then 404', async () => {
    expect((await t.api.get('/api/v1/records/nope')).status).toBe(404);
  });
});

describe('The latest open record (what the platform reuses)', () => {
  test('When an account has open and closed records, then the newest open one is chosen', async () => {
    const owner = (await t.api.post('/api/v1/accounts').send({ name: 'Reuse Owner' })).body.data.id;
    await createRecord({ contactId: owner, subject: 'older open', menu: 'Orders' });
    const newest = await createRecord({ contactId: owner, subject: 'newer open', menu: 'Orders' });
    await createRecord({
      contactId: owner,
      subject: 'newest closed',
      menu: 'Orders',
      status: 'closed',
    });
    await createRecord({
      contactId: owner,
      subject: 'other queue',
      menu: 'Billing',
      status: 'closed',
    });
    expect((await t.app.crm.latestOpenRecord(owner, 'Orders'))?.id).toBe(newest.id);
    expect(await t.app.crm.latestOpenRecord(owner, 'Billing')).toBeNull();
  });
});

// The built-in CRM only; what every backend must do is in backend-contract.test.ts.
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const createAccount = async (body: object) => {
  const res = await t.api.post('/api/v1/accounts').send(body);
  expect(res.status).toBe(201);
  return res.body.data as Record<string, unknown> & { id: string };
};

describe('POST /api/v1/accounts', () => {
  test('When the body is a Property map, then the account is created with an opaque id', async () => {
    const account = await createAccount({
      name: 'James Bond',
      phone: '+12223334444',
      email: 'james.bond@agents.co',
    });
    expect(account).toMatchObject({
      name: 'James Bond',
      phone: '+12223334444',
      email: 'james.bond@agents.co',
    });
    expect(typeof account.id).toBe('string');
    expect(account.createdAt).toEqual(account.updatedAt);
    expect(Object.keys(account).some((k) => k.startsWith('_'))).toBe(false);
  });

  test('When the body is a Container map, then the container is unwrapped', async () => {
    const account = await createAccount({
      account: { name: 'Map Container', phone: '2225550100' },
    });
    expect(account).toMatchObject({ name: 'Map Container', phone: '2225550100' });
  });

  test('When the body is a Container array with one object, then it is unwrapped', async () => {
    const account = await createAccount({
      contacts: [{ full_name: 'Array Container', email: 'a@b.co' }],
    });
    expect(account).toMatchObject({ name: 'Array Container', email: 'a@b.co' });
  });

  test('When a Container array holds two objects, then 422 names the container', async () => {
    const res = await t.api
      .post('/api/v1/accounts')
      .send({ accounts: [{ name: 'a' }, { name: 'b' }] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: 'accounts', message: expect.stringContaining('2 items') },
    ]);
  });

  test('When aliases and unknown fields are sent, then aliases map and unknown fields are kept', async () => {
    const account = await createAccount({
      fullName: 'Alias Person',
      phoneNumber: 12223334499,
      emailAddress: 'Alias@Example.com',
      industry: 'spying',
      tags: ['vip', 1],
      nested: { a: { b: true } },
    });
    expect(account).toMatchObject({
      name: 'Alias Person',
      phone: '12223334499',
      email: 'Alias@Example.com',
      industry: 'spying',
      tags: ['vip', 1],
      nested: { a: { b: true } },
    });
    const fetched = await t.api.get(`/api/v1/accounts/${account.id}`);
    expect(fetched.body.data).toEqual(account);
  });

  test('When a field name would be a query operator, then 422 refuses it', async () => {
    const res = await t.api.post('/api/v1/accounts').send({ name: 'x', $where: '1', 'a.b': 1 });
    expect(res.status).toBe(422);
    expect((res.body.error.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      '$where',
      'a.b',
    ]);
  });

  test('When the JSON is malformed, then 400 says so', async () => {
    const res = await t.api
      .post('/api/v1/accounts')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  test('When the body is not JSON, then 415 says what to send', async () => {
    const res = await t.api
      .post('/api/v1/accounts')
      .set('Content-Type', 'text/plain')
      .send('name=x');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/application\/json/);
  });

  test('When the body is a JSON array, then 422 explains the expected object', async () => {
    const res = await t.api.post('/api/v1/accounts').send([{ name: 'x' }]);
    expect(res.status).toBe(422);
  });
});

describe('GET /api/v1/accounts (search)', () => {
  let bond: { id: string };
  beforeAll(async () => {
    bond = await createAccount({
      name: 'Search Bond',
      phone: '(646) 555-0107',
      email: 'Search.Bond@MI6.co.uk',
    });
    await createAccount({
      name: 'Search Moneypenny',
      phone: '+44 20 7946 0958',
      email: 'mp@mi6.co.uk',
    });
  });

  test('When searching a non-US number in another format, then it is found too', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ phone: '+442079460958' });
    expect(res.body.data.map((a: { name: string }) => a.name)).toEqual(['Search Moneypenny']);
  });

  test('When searching by an alias of a field, then it filters that field', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ fullName: 'Search Bond' });
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([bond.id]);
  });

  test('When the phone is not a number at all, then nothing matches', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ phone: 'abc' });
    expect(res.body.data).toEqual([]);
  });

  test('When criteria come from CONCAT_OR, then any clause matches', async () => {
    const res = await t.api.get('/api/v1/accounts').query({
      criteria: '(Id:equals:) or (Phone:equals:*646*555*0107) or (Email:equals:nobody@x.co)',
    });
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([bond.id]);
  });

  test('When criteria come from CONCAT_AND, then every clause must match', async () => {
    const both = await t.api
      .get('/api/v1/accounts')
      .query({ criteria: '(Name:starts_with:search) and (Email:contains:MI6)' });
    expect(both.body.data).toHaveLength(2);
    const one = await t.api
      .get('/api/v1/accounts')
      .query({ criteria: `(Id:equals:${bond.id}) and (Email:equals:search.bond@mi6.co.uk)` });
    expect(one.body.data.map((a: { id: string }) => a.id)).toEqual([bond.id]);
  });

  test('When criteria use regex characters, then they are matched literally', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ criteria: '(Name:contains:.*)' });
    expect(res.body.data).toEqual([]);
  });

  test('When criteria have a syntax error, then 400 names the column', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ criteria: '(Name:like:x)' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('criteria');
    expect(res.body.error.message).toMatch(/column \d+/);
  });

  test('When a filter is empty, then 400 says it must not be empty', async () => {
    const res = await t.api.get('/api/v1/accounts?phone=');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toEqual({ field: 'phone', message: 'must not be empty' });
  });

  test('When a query tries an operator (phone[$ne]=), then it is refused', async () => {
    const res = await t.api.get('/api/v1/accounts?phone[$ne]=x');
    expect(res.status).toBe(400);
    const repeated = await t.api.get('/api/v1/accounts?phone=1&phone=2');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.details[0].message).toMatch(/once/);
  });

  test('When paging, then pages are stable, newest first, and do not overlap', async () => {
    const names = ['Page A', 'Page B', 'Page C', 'Page D', 'Page E'];
    for (const name of names) await createAccount({ name, industry: 'paging' });
    const first = await t.api.get('/api/v1/accounts').query({ industry: 'paging', limit: 2 });
    expect(first.status).toBe(400); // custom fields are not query parameters…
    const criteria = '(industry:equals:paging)'; // …but criteria reach them
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const res = await t.api.get('/api/v1/accounts').query({ criteria, limit: 2, offset });
      expect(res.body.meta).toEqual({ total: 5, limit: 2, offset });
      pages.push(...res.body.data.map((a: { name: string }) => a.name));
    }
    expect(pages).toEqual([...names].reverse());
  });

  test('When limit is over the maximum or not a number, then 400 names it', async () => {
    expect((await t.api.get('/api/v1/accounts?limit=100000')).status).toBe(400);
    const res = await t.api.get('/api/v1/accounts?limit=ten');
    expect(res.body.error.details[0].field).toBe('limit');
  });
});

/**
 * The /api/v1 contract the platform relies on, run against both backends with the same
 * assertions: the built-in CRM, and middleware mode in front of "Acme Contacts" (a downstream
 * CRM with another shape, configured by examples/remote). What only one backend can do is
 * tested in its own suite (test/api/*, test/remote/*).
 */
import { startTestApp, type TestApp } from '../support/test-app';
import { type AcmeCrm, startAcmeCrm } from '../remote/acme-crm';
import { startRemoteApp } from '../remote/remote-app';

interface Backend {
  app: TestApp;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'builtin',
    async () => {
      const app = await startTestApp();
      return { app, close: () => app.close() };
    },
  ],
  [
    'remote',
    async () => {
      const acme: AcmeCrm = await startAcmeCrm();
      const app = await startRemoteApp(acme.origin);
      return {
        app,
        close: async () => {
          await app.close();
          await acme.close();
        },
      };
    },
  ],
];

type Data = Record<string, unknown> & { id: string };

describe.each(backends)('With the %s backend', (_name, start) => {
  let backend: Backend;
  let t: TestApp;
  beforeAll(async () => {
    backend = await start();
    t = backend.app;
  });
  afterAll(() => backend.close());

  const create = async (path: string, body: object): Promise<Data> => {
    const res = await t.api.post(path).send(body);
    expect(res.status).toBe(201);
    return res.body.data as Data;
  };

  describe('accounts', () => {
    let bond: Data;
    beforeAll(async () => {
      bond = await create('/api/v1/accounts', {
        name: 'James Bond',
        phone: '+16465550107',
        email: 'James.Bond@MI6.co.uk',
      });
    });

    test('When a Property body is posted, then the account comes back in our shape', () => {
      expect(bond).toMatchObject({
        name: 'James Bond',
        phone: '+16465550107',
        email: 'James.Bond@MI6.co.uk',
      });
      expect(typeof bond.id).toBe('string');
    });

    test('When a Container map or array is posted, then it is unwrapped and aliases map', async () => {
      const map = await create('/api/v1/accounts', { account: { fullName: 'Map Person' } });
      expect(map).toMatchObject({ name: 'Map Person' });
      const array = await create('/api/v1/accounts', {
        contacts: [{ full_name: 'Array Person', emailAddress: 'array@example.com' }],
      });
      expect(array).toMatchObject({ name: 'Array Person', email: 'array@example.com' });
    });

    test('When fields have the wrong types, then 422 names every one of them', async () => {
      const res = await t.api
        .post('/api/v1/accounts')
        .send({ name: { first: 'x' }, email: 'not-an-email', phone: true });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
      expect(fields).toEqual(['email', 'name', 'phone']);
    });

    test('When no name, phone or email is given, then 422 says what an account needs', async () => {
      const res = await t.api.post('/api/v1/accounts').send({ industry: 'x' });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(/name, a phone or an email/);
    });

    test('When an account is read by id, then it is the one created', async () => {
      const res = await t.api.get(`/api/v1/accounts/${bond.id}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(bond);
    });

    test('When the id does not exist, then 404 names it', async () => {
      const res = await t.api.get('/api/v1/accounts/nope');
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({
        code: 'not_found',
        message: 'account "nope" does not exist',
        details: [],
      });
    });

    test.each([
      ['E.164', '+16465550107'],
      ['US local', '6465550107'],
      ['US local standard', '(646) 555-0107'],
      ['international', '+1 646 555 0107'],
      ['automatic search pattern', '*646*555*0107'],
      ['with a leading 1', '16465550107'],
      ['dotted', '646.555.0107'],
    ])('When searching by phone written %s, then the account is found', async (_l, phone) => {
      const res = await t.api.get('/api/v1/accounts').query({ phone });
      expect(res.status).toBe(200);
      expect(res.body.data.map((a: Data) => a.id)).toEqual([bond.id]);
      expect(res.body.meta).toEqual({ total: 1, limit: 50, offset: 0 });
    });

    test('When searching by email in another case, then the account is found', async () => {
      const res = await t.api.get('/api/v1/accounts').query({ email: 'james.bond@mi6.CO.UK' });
      expect(res.body.data.map((a: Data) => a.id)).toEqual([bond.id]);
    });

    test('When criteria come from CONCAT_OR with empty clauses, then the known one searches', async () => {
      const res = await t.api
        .get('/api/v1/accounts')
        .query({ criteria: '(Id:equals:) or (Phone:equals:*646*555*0107)' });
      expect(res.body.data.map((a: Data) => a.id)).toEqual([bond.id]);
    });

    test('When nothing matches, then the list is empty, not an error', async () => {
      const res = await t.api.get('/api/v1/accounts').query({ phone: '+19998887777' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], meta: { total: 0, limit: 50, offset: 0 } });
    });

    test('When an unknown query parameter is given, then 400 names it', async () => {
      const res = await t.api.get('/api/v1/accounts').query({ phonenumbr: '123' });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toMatchObject({ field: 'phonenumbr' });
    });
  });

  describe('records, comments and attachments', () => {
    let owner: Data;
    let record: Data;
    beforeAll(async () => {
      owner = await create('/api/v1/accounts', { name: 'Record Owner', phone: '+12223334444' });
      record = await create('/api/v1/records', {
        contactId: owner.id,
        subject: 'Record title',
        description: 'What the caller wanted',
      });
    });

    test("When the platform's keys are posted, then the record comes back in our shape", () => {
      expect(record).toMatchObject({
        accountId: owner.id,
        subject: 'Record title',
        description: 'What the caller wanted',
        status: 'new',
      });
    });

    test('When the status is a session status, then the configured map translates it', async () => {
      const solved = await create('/api/v1/records', { contactId: owner.id, status: 'finished' });
      expect(solved.status).toBe('solved');
    });

    test('When accountId is missing, then 422 says it is required', async () => {
      const res = await t.api.post('/api/v1/records').send({ subject: 'x' });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: 'accountId', message: 'is required' }]);
    });

    test('When the account does not exist, then 422 refuses the record', async () => {
      const res = await t.api.post('/api/v1/records').send({ contactId: 'missing', subject: 'x' });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(/missing/);
    });

    test("When records are listed by account, then the account's records come back", async () => {
      const res = await t.api.get('/api/v1/records').query({ account_id: owner.id });
      expect(res.status).toBe(200);
      expect(res.body.data.map((r: Data) => r.id)).toContain(record.id);
      expect(res.body.data.every((r: Data) => r.accountId === owner.id)).toBe(true);
    });

    test('When a record is read by id, then it is the one created', async () => {
      const res = await t.api.get(`/api/v1/records/${record.id}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id: record.id, subject: 'Record title' });
    });

    test('When a record is updated, then the answer holds the new values', async () => {
      const res = await t.api
        .patch(`/api/v1/records/${record.id}`)
        .send({ title: 'New title', status: 'finished' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        id: record.id,
        subject: 'New title',
        status: 'solved',
        description: 'What the caller wanted',
      });
    });

    test('When a comment is posted under an alias, then it is answered with its body', async () => {
      const comment = await create(`/api/v1/records/${record.id}/comments`, { comment: 'Hello' });
      expect(comment).toMatchObject({ body: 'Hello', recordId: record.id });
    });

    test('When a comment has no body, then 422 says it is required', async () => {
      const res = await t.api.post(`/api/v1/records/${record.id}/comments`).send({});
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([{ field: 'body', message: 'is required' }]);
    });

    test.each([
      [
        'multipart',
        (req: ReturnType<TestApp['api']['post']>) =>
          req.attach('file', Buffer.from('hello transcript'), 'chat-42.txt'),
      ],
      [
        'base64 JSON',
        (req: ReturnType<TestApp['api']['post']>) =>
          req.send({
            file: Buffer.from('hello transcript').toString('base64'),
            filename: 'chat-42.txt',
          }),
      ],
    ])(
      'When a file is uploaded as %s, then its id and download URL come back',
      async (_l, send) => {
        const res = await send(t.api.post(`/api/v1/records/${record.id}/attachments`));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          id: expect.any(String),
          url: expect.stringMatching(/^http/),
        });
        expect(res.body).toMatchObject({ recordId: record.id, filename: 'chat-42.txt', size: 16 });
      },
    );
  });
});

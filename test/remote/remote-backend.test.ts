/**
 * Middleware mode end to end: platform-style calls to crm-bridge, the exact requests "Acme
 * Contacts" (a real HTTP double with another shape) receives, and crm-bridge's answers in its
 * own shape. Configured by examples/remote, as the README's guide tells an admin to.
 */
import { parseMultipart } from '../support/multipart';
import type { TestApp } from '../support/test-app';
import type { Received } from '../generic-api/loopback';
import { ACME_KEY, type AcmeCrm, startAcmeCrm } from './acme-crm';
import { startRemoteApp } from './remote-app';

let acme: AcmeCrm;
let t: TestApp;
beforeAll(async () => {
  acme = await startAcmeCrm();
  t = await startRemoteApp(acme.origin);
});
afterAll(async () => {
  await t.close();
  await acme.close();
});

/** The requests Acme received while `act` ran. */
async function exchanged(act: () => Promise<unknown>): Promise<Received[]> {
  const before = acme.received.length;
  await act();
  return acme.received.slice(before);
}

const wire = (r: Received) => ({
  method: r.method,
  target: r.target,
  apiKey: r.headers['x-api-key'],
  authorization: r.headers.authorization,
  contentType: r.headers['content-type'],
  body: r.body.toString('utf8'),
});

describe('When the platform calls crm-bridge, then Acme receives its own API calls', () => {
  let accountId: string;
  let recordId: string;

  test('POST /accounts → POST /api/contacts with a contact container', async () => {
    let res: { status: number; body: { data: Record<string, unknown> } } | undefined;
    const sent = await exchanged(async () => {
      res = await t.api.post('/api/v1/accounts').send({
        account: { name: 'James Bond', phone: '(222) 333-4444', email: 'james@mi6.co.uk' },
      });
    });
    expect(sent.map(wire)).toEqual([
      {
        method: 'POST',
        target: '/api/contacts',
        apiKey: ACME_KEY,
        authorization: undefined, // the platform's credentials to crm-bridge never go downstream
        contentType: 'application/json',
        body: '{"contact":{"full_name":"James Bond","mobile":"+12223334444","email_address":"james@mi6.co.uk"}}',
      },
    ]);
    expect(res?.status).toBe(201);
    expect(res?.body.data).toEqual({
      id: 'C1',
      name: 'James Bond',
      phone: '+12223334444',
      email: 'james@mi6.co.uk',
      created_on: expect.any(String), // an Acme field the map does not name: kept as it is
    });
    accountId = String(res?.body.data.id);
  });

  test('GET /accounts?phone= → GET /api/contacts?mobile= in the configured format', async () => {
    const sent = await exchanged(() =>
      t.api.get('/api/v1/accounts').query({ phone: '*222*333*4444' }),
    );
    expect(sent.map(wire)).toEqual([
      expect.objectContaining({ method: 'GET', target: '/api/contacts?mobile=%2B12223334444' }),
    ]);
  });

  test('GET /accounts/:id → GET /api/contacts/:id', async () => {
    const sent = await exchanged(() => t.api.get(`/api/v1/accounts/${accountId}`));
    expect(sent.map(wire)).toEqual([
      expect.objectContaining({ method: 'GET', target: `/api/contacts/${accountId}`, body: '' }),
    ]);
  });

  test("POST /records → POST /api/cases with Acme's names", async () => {
    let res: { status: number; body: { data: Record<string, unknown> } } | undefined;
    const sent = await exchanged(async () => {
      res = await t.api.post('/api/v1/records').send({
        contactId: accountId,
        subject: 'Lost luggage',
        description: 'A silver briefcase',
        sourceType: 'PHONE',
      });
    });
    expect(sent.map(wire)).toEqual([
      expect.objectContaining({
        method: 'POST',
        target: '/api/cases',
        contentType: 'application/json',
        body: `{"contact":"${accountId}","title":"Lost luggage","body":"A silver briefcase","state":"new","channel":"PHONE"}`,
      }),
    ]);
    expect(res?.status).toBe(201);
    expect(res?.body.data).toMatchObject({
      accountId,
      subject: 'Lost luggage',
      description: 'A silver briefcase',
      status: 'new',
      channel: 'PHONE',
    });
    recordId = String(res?.body.data.id);
  });

  test('GET /records?account_id= and GET /records/:id → GET /api/cases?contact= | ?case_id=', async () => {
    const sent = await exchanged(async () => {
      await t.api.get('/api/v1/records').query({ account_id: accountId });
      await t.api.get(`/api/v1/records/${recordId}`);
    });
    expect(sent.map((r) => `${r.method} ${r.target}`)).toEqual([
      `GET /api/cases?contact=${accountId}`,
      `GET /api/cases?case_id=${recordId}`,
    ]);
  });

  test('PATCH /records/:id → PATCH /api/cases/:id with the changed fields only', async () => {
    const sent = await exchanged(() =>
      t.api
        .patch(`/api/v1/records/${recordId}`)
        .send({ ticket_subject: 'Found', state: 'finished' }),
    );
    expect(sent.map(wire)).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        target: `/api/cases/${recordId}`,
        body: '{"title":"Found","state":"solved"}',
      }),
    ]);
  });

  test('POST /records/:id/comments → POST /api/cases/:id/notes', async () => {
    let res: { status: number; body: { data: Record<string, unknown> } } | undefined;
    const sent = await exchanged(async () => {
      res = await t.api.post(`/api/v1/records/${recordId}/comments`).send({ note: 'Called back' });
    });
    expect(sent.map(wire)).toEqual([
      expect.objectContaining({
        method: 'POST',
        target: `/api/cases/${recordId}/notes`,
        body: '{"text":"Called back"}',
      }),
    ]);
    expect(res?.body.data).toEqual({ id: expect.any(String), body: 'Called back', recordId });
  });

  test('POST /records/:id/attachments → multipart to /api/cases/:id/files; the download redirects to Acme', async () => {
    let res: { status: number; body: Record<string, unknown> } | undefined;
    const sent = await exchanged(async () => {
      res = await t.api
        .post(`/api/v1/records/${recordId}/attachments`)
        .attach('file', Buffer.from('hello transcript'), {
          filename: 'chat-42.txt',
          contentType: 'text/plain',
        });
    });
    expect(sent.map((r) => `${r.method} ${r.target}`)).toEqual([
      `POST /api/cases/${recordId}/files`,
    ]);
    const [request] = sent;
    const parts = await parseMultipart(String(request?.headers['content-type']), request?.body);
    expect(parts.map((p) => ({ ...p, data: p.data?.toString('utf8') }))).toEqual([
      { name: 'upload', filename: 'chat-42.txt', mimeType: 'text/plain', data: 'hello transcript' },
      { name: 'filename', value: 'chat-42.txt', data: undefined },
    ]);
    const fileId = String(res?.body.id);
    expect(res?.status).toBe(201);
    expect(res?.body.url).toBe(`${acme.origin}/files/${fileId}`);
    expect(acme.files.get(fileId)?.data.toString('utf8')).toBe('hello transcript');

    const download = await t.api.get(`/api/v1/records/${recordId}/attachments/${fileId}`);
    expect(download.status).toBe(302);
    expect(download.headers.location).toBe(`${acme.origin}/files/${fileId}`);
  });
});

test("When Acme is called, then every request carries Acme's key and never the platform's credentials", () => {
  expect(acme.received.length).toBeGreaterThan(5);
  for (const request of acme.received) {
    expect({ apiKey: request.headers['x-api-key'], auth: request.headers.authorization }).toEqual({
      apiKey: ACME_KEY,
      auth: undefined,
    });
  }
});

describe('When an operation has no downstream endpoint, then 501 names what is missing', () => {
  test.each([
    ['GET', '/records/K1/comments', 'GET /records/:id/comments'],
    ['GET', '/records/K1/attachments', 'GET /records/:id/attachments'],
  ])('%s %s', async (_method, path, route) => {
    const sent = await exchanged(async () => {
      const res = await t.api.get(`/api/v1${path}`);
      expect(res.status).toBe(501);
      expect(res.body.error).toEqual({
        code: 'not_implemented',
        message: `${route} is not available with backend remote: generic-api.yaml has no endpoint that lists them`,
        details: [],
      });
    });
    expect(sent).toEqual([]);
  });
});

describe('When what the platform sends is invalid, then Acme is never called', () => {
  test('a 422 comes from crm-bridge itself', async () => {
    const sent = await exchanged(async () => {
      const res = await t.api.post('/api/v1/accounts').send({ email: 'not-an-email' });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([
        { field: 'email', message: 'expected an email address like name@example.com' },
      ]);
    });
    expect(sent).toEqual([]);
  });

  test('a search crm-bridge cannot pass on is a 400 naming the clause', async () => {
    const res = await t.api.get('/api/v1/accounts').query({ criteria: '(Name:contains:Bond)' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/equality only/);
  });
});

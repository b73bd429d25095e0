import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let recordId: string;
beforeAll(async () => {
  t = await startTestApp((config) => ({
    ...config,
    server: { ...config.server, api: { ...config.server.api, uploadLimitMb: 1 } },
  }));
  const account = await t.api.post('/api/v1/accounts').send({ name: 'Attach Owner' });
  const record = await t.api
    .post('/api/v1/records')
    .send({ contactId: account.body.data.id, subject: 'files' });
  recordId = record.body.data.id;
});
afterAll(() => t.close());

describe('Comments', () => {
  test("When the platform's comment body is posted, then it is stored and listed newest first", async () => {
    const first = await t.api
      .post(`/api/v1/records/${recordId}/comments`)
      .send({ comment: 'Call started', id: 123 });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ body: 'Call started', recordId });
    await t.api
      .post(`/api/v1/records/${recordId}/comments`)
      .send({ comment: { text: '<p>Call ended</p>' } });
    const list = await t.api.get(`/api/v1/records/${recordId}/comments`);
    expect(list.body.data.map((c: { body: string }) => c.body)).toEqual([
      '<p>Call ended</p>',
      'Call started',
    ]);
    expect(list.body.meta.total).toBe(2);
  });

  test('When the comment is empty or missing, then 422 says body is required', async () => {
    const res = await t.api.post(`/api/v1/records/${recordId}/comments`).send({ id: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ field: 'body', message: 'is required' }]);
  });

  test('When the record does not exist, then 404', async () => {
    expect((await t.api.post('/api/v1/records/nope/comments').send({ comment: 'x' })).status).toBe(
      404,
    );
    expect((await t.api.get('/api/v1/records/nope/comments')).status).toBe(404);
  });
});

describe('Attachments', () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  test('When a file is uploaded as base64 JSON, then {id, url} is answered and the url gives the exact bytes', async () => {
    const res = await t.api.post(`/api/v1/records/${recordId}/attachments`).send({
      file: bytes.toString('base64'),
      filename: 'chat-42.txt',
      content_type: 'text/plain',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      filename: 'chat-42.txt',
      contentType: 'text/plain',
      size: 256,
    });
    const url = new URL(res.body.url);
    expect(url.pathname).toBe(`/api/v1/records/${recordId}/attachments/${res.body.id}`);
    const download = await t.api
      .get(url.pathname)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-type']).toMatch(/^text\/plain/);
    expect(download.headers['content-disposition']).toContain('chat-42.txt');
  });

  test('When a file is uploaded as multipart, then name and type come from the part', async () => {
    const payload = randomBytes(300_000);
    const res = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .field('id', recordId)
      .attach('file', payload, { filename: 'call-7.mp3', contentType: 'audio/mpeg' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      filename: 'call-7.mp3',
      contentType: 'audio/mpeg',
      size: 300_000,
    });
    const download = await t.api
      .get(new URL(res.body.url).pathname)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(Buffer.compare(download.body as Buffer, payload)).toBe(0);
  });

  test('When the file is over the upload limit, then 413 names the limit (base64 and multipart)', async () => {
    const big = randomBytes(1024 * 1024 + 10);
    const json = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .send({ file: big.toString('base64') });
    expect(json.status).toBe(413);
    expect(json.body.error.message).toMatch(/1048576 bytes/);
    const multipart = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .attach('file', big, 'big.bin');
    expect(multipart.status).toBe(413);
  });

  test('When the base64 is invalid or missing, then 422 names file', async () => {
    const bad = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .send({ file: 'not base64!!' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ field: 'file', message: 'is not valid base64' }]);
    const none = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .attach('other', bytes, 'x.bin');
    expect(none.status).toBe(422);
  });

  test('When the content type is neither JSON nor multipart, then 415', async () => {
    const res = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .set('Content-Type', 'application/pdf')
      .send('x');
    expect(res.status).toBe(415);
  });

  test('When the filename tries a path or header injection, then it is neutralised', async () => {
    const res = await t.api
      .post(`/api/v1/records/${recordId}/attachments`)
      .send({ file: 'aGk=', filename: '../../etc/passwd"\r\nX-Evil: 1' });
    expect(res.body.filename).toBe('.._.._etc_passwdX-Evil: 1');
  });

  test('When listing, then every attachment of the record is there with its url', async () => {
    const res = await t.api.get(`/api/v1/records/${recordId}/attachments`);
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThanOrEqual(2);
    for (const a of res.body.data) expect(a.url).toContain(`/attachments/${a.id}`);
  });

  test('When the attachment belongs to another record or does not exist, then 404', async () => {
    const up = await t.api.post(`/api/v1/records/${recordId}/attachments`).send({ file: 'aGk=' });
    expect((await t.api.get(`/api/v1/records/other/attachments/${up.body.id}`)).status).toBe(404);
    expect((await t.api.get(`/api/v1/records/${recordId}/attachments/nope`)).status).toBe(404);
    expect(
      (await t.api.post('/api/v1/records/nope/attachments').send({ file: 'aGk=' })).status,
    ).toBe(404);
  });
});

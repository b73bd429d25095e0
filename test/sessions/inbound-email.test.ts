import nodemailer from 'nodemailer';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp } from '../support/test-app';
import { asOutbox, emailing, eventually } from './mail-helpers';
import { finishedChat } from './session-fixtures';

const emailingToCrm = emailing({ from: 'no-reply@crm-bridge.local' });
/** The record the end user's account got, once there is one. */
async function recordOf(t: TestApp, email: string) {
  const accounts = await t.api.get('/api/v1/accounts').query({ email });
  const account = accounts.body.data[0] as { id: string } | undefined;
  if (!account) return undefined;
  const records = await t.api.get('/api/v1/records').query({ account_id: account.id });
  return records.body.data[0] as { id: string; status: string; menu: string } | undefined;
}

describe('POST /api/v1/inbound-email', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ configure: emailingToCrm, services: { outcomeEmailDelayMs: 50 } });
  });
  afterAll(() => t.close());

  test('When crm-bridge ingests its own outcome email, then the caller gets an account and a solved record with the transcript and a summary', async () => {
    await t.api.post('/api/v1/sessions').send(finishedChat({ id: 9001 }));
    const outbox = asOutbox(t.mailer);
    const entry = await eventually(async () => (await outbox.list())[0], 'the outcome email');
    const raw = await outbox.read(entry.id);

    const res = await t.api
      .post('/api/v1/inbound-email')
      .set('Content-Type', 'message/rfc822')
      .send(raw ?? Buffer.alloc(0));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      session: 'chat-9001',
      duplicate: false,
      actions: expect.arrayContaining(['summary comment added', 'chat-9001.txt attached']),
    });

    const record = await recordOf(t, 'james.bond@agents.example');
    expect(record).toMatchObject({
      id: res.body.recordId,
      status: 'solved',
      menu: 'Orders/Order info',
    });
    const attachments = await t.api.get(`/api/v1/records/${res.body.recordId}/attachments`);
    expect(attachments.body.data.map((a: { filename: string }) => a.filename)).toEqual([
      'chat-9001.txt',
    ]);
    const comments = await t.api.get(`/api/v1/records/${res.body.recordId}/comments`);
    expect(comments.body.data[0].body).toMatch(/^Chat 9001 finished/);

    const again = await t.api
      .post('/api/v1/inbound-email')
      .set('Content-Type', 'message/rfc822')
      .send(raw ?? Buffer.alloc(0));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, recordId: res.body.recordId });
    expect(
      (await t.api.get(`/api/v1/records/${res.body.recordId}/comments`)).body.data,
    ).toHaveLength(1);
  });

  test('When a process stopped half-way through applying an email, then the email sent again is applied again, once', async () => {
    await t.api.post('/api/v1/sessions').send(finishedChat({ id: 9002 }));
    const outbox = asOutbox(t.mailer);
    const entry = await eventually(
      async () => (await outbox.list()).find((mail) => mail.subject.includes('9002')),
      'the outcome email',
    );
    const raw = (await outbox.read(entry.id)) ?? Buffer.alloc(0);
    const ingest = () =>
      t.api.post('/api/v1/inbound-email').set('Content-Type', 'message/rfc822').send(raw);
    const first = await ingest();
    expect(first.status).toBe(201);
    const applied = t.store.collection('inbound_sessions');

    // Still being applied (by another request or process): the email is a duplicate.
    await applied.update('chat-9002', {
      state: 'processing',
      receivedAt: new Date().toISOString(),
    });
    expect((await ingest()).body).toMatchObject({ duplicate: true });
    // Left "processing" by a process that stopped after the record changed, long ago.
    const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await applied.update('chat-9002', { state: 'processing', receivedAt: longAgo });
    const again = await ingest();

    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ duplicate: false, recordId: first.body.recordId });
    const recordId = first.body.recordId as string;
    expect((await t.api.get(`/api/v1/records/${recordId}/comments`)).body.data).toHaveLength(1);
    expect((await t.api.get(`/api/v1/records/${recordId}/attachments`)).body.data).toHaveLength(1);
    expect((await ingest()).body).toMatchObject({ duplicate: true, recordId });
  });

  test('When the email holds no session, then 422 says so; other content types are 415', async () => {
    const raw = 'From: a@b.co\r\nTo: c@d.co\r\nSubject: hello\r\n\r\nJust text.\r\n';
    const res = await t.api
      .post('/api/v1/inbound-email')
      .set('Content-Type', 'message/rfc822')
      .send(raw ?? Buffer.alloc(0));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/no session JSON/);
    expect((await t.api.post('/api/v1/inbound-email').send({ a: 1 })).status).toBe(415);
  });

  test('When the session in the email is invalid, then 422 names its fields', async () => {
    const raw = `From: a@b.co\r\nTo: c@d.co\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n${JSON.stringify({ id: 1, status: 'exploded' })}\r\n`;
    const res = await t.api
      .post('/api/v1/inbound-email')
      .set('Content-Type', 'message/rfc822')
      .send(raw ?? Buffer.alloc(0));
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('status');
  });
});

describe('The inbound SMTP listener', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // crm-bridge emails itself: its SMTP mailer points at its own listener.
    t = await startTestApp({
      configure: emailingToCrm,
      services: {
        outcomeEmailDelayMs: 50,
        smtpUrl: `smtp://127.0.0.1:${port}`,
        inboundSmtpPort: port,
        host: '127.0.0.1',
      },
    });
  });
  afterAll(() => t.close());

  test('When crm-bridge emails the outcome to itself over SMTP, then the record changes', async () => {
    const res = await t.api.post('/api/v1/sessions').send(
      finishedChat({
        id: 9100,
        end_user: { id: 1, name: 'Loop User', email: 'loop@example.com' },
      }),
    );
    expect(res.status).toBe(202);
    const record = await eventually(
      () => recordOf(t, 'loop@example.com'),
      'the record made from the email',
    );
    expect(record.status).toBe('solved');
    // The listener ingests the email before it answers the sender, so the sender marks the
    // session sent only after the record has changed.
    const sent = await eventually(async () => {
      const { email } = (await t.api.get('/api/v1/sessions/chat-9100')).body as {
        email: { state: string };
      };
      return email.state === 'sent' ? email : undefined;
    }, 'the session marked sent');
    expect(sent.state).toBe('sent');
  });

  test('When a sender that is not allowed delivers, then the message is refused with 550', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
    });
    await expect(
      transport.sendMail({
        from: 'spam@evil.example',
        to: 'crm@example.com',
        subject: 'x',
        text: JSON.stringify(finishedChat()),
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
    transport.close();
  });

  test('When an allowed sender delivers something unusable, then it is refused with 550 and the reason', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
    });
    await expect(
      transport.sendMail({
        from: 'no-reply@ccaiplatform.com',
        to: 'crm@example.com',
        subject: 'x',
        text: 'not json',
      }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining('no session JSON'),
    });
    transport.close();
  });
});

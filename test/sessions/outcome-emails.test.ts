import type { SessionDoc } from '../../src/sessions/sessions-service';
import { createLogger } from '../../src/shared/log/logger';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/test-app';
import { finishedCall, finishedChat } from './session-fixtures';
import { emailing, eventually, outboxMails, settledOutboxSubjects, sleep } from './mail-helpers';

const DELAY_MS = 300;

/** Outcome emails on: global address, queue 12 its own, queue 99 switched on with no address. */
const withOutcomeEmail = (global: { enabled: boolean; to: string }) =>
  emailing({
    ...global,
    queues: {
      '12': { enabled: true, to: 'orders-team@example.com' },
      '8469': { enabled: false, to: 'billing@example.com' },
      '99': { enabled: true, to: '' },
    },
    retry: { attempts: 5, backoffSeconds: 0.1 },
  });

const backends: [string, Partial<TestAppOptions['services']>][] = [['local queue', {}]];
if (process.env.REDIS_URL) backends.push(['bull on Redis', { redisUrl: process.env.REDIS_URL }]);
else console.warn('outcome emails on bull SKIPPED: set REDIS_URL to run them on Redis too');

describe.each(backends)('Outcome emails (%s)', (_name, services) => {
  const start = (
    global = { enabled: true, to: 'crm-inbox@example.com' },
    extra: Partial<TestAppOptions> = {},
  ) =>
    startTestApp({
      configure: withOutcomeEmail(global),
      services: { outcomeEmailDelayMs: DELAY_MS, ...services, ...extra.services },
      ...extra,
    });

  let t: TestApp;
  afterEach(async () => t?.close());

  test('When a finished chat is posted, then 202 names the due time and recipient, and the email arrives with the JSON and the transcript', async () => {
    t = await start();
    const posted = Date.now();
    const res = await t.api.post('/api/v1/sessions').send(finishedChat());
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      session: 'chat-73522',
      duplicate: false,
      email: 'scheduled',
      to: 'orders-team@example.com',
    });
    expect(Date.parse(res.body.dueAt)).toBeGreaterThanOrEqual(posted + DELAY_MS);

    const [mail] = await eventually(async () => {
      const mails = await outboxMails(t.mailer);
      return mails.length > 0 ? mails : undefined;
    }, 'the outcome email');
    expect(mail?.subject).toBe('Session outcome: chat 73522 (finished)');
    expect(mail?.to).toMatchObject({ text: 'orders-team@example.com' });
    expect(JSON.parse(mail?.text ?? '')).toEqual(finishedChat());
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['chat-73522.txt']);
    expect(mail?.attachments[0]?.content.toString()).toContain('Where is order 1234?');

    const status = await t.api.get('/api/v1/sessions/chat-73522');
    expect(status.body).toMatchObject({
      session: 'chat-73522',
      email: { state: 'sent', to: 'orders-team@example.com' },
    });
    expect(status.body.data.vendor_extension).toEqual({ $weird: 'kept', 'dotted.key': 1 });
  });

  test('When the same session is posted again, then nothing new is scheduled and one email is sent', async () => {
    t = await start();
    expect((await t.api.post('/api/v1/sessions').send(finishedCall())).status).toBe(202);
    const again = await t.api.post('/api/v1/sessions').send(finishedCall({ rating: 1 }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ session: 'call-6868', duplicate: true, email: 'scheduled' });
    await eventually(
      async () => ((await outboxMails(t.mailer)).length > 0 ? true : undefined),
      'the email',
    );
    await sleep(DELAY_MS * 2);
    const mails = await outboxMails(t.mailer);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toMatchObject({ text: 'crm-inbox@example.com' }); // queue 8469 is off: global
  });

  test.each([
    ['failed', { status: 'failed', fail_reason: 'no_agents' }, /failed: only finished sessions/],
    ['deflected', { status: 'deflected' }, /deflected/],
    ['abandoned', { connected_at: null, agent_info: null }, /abandoned/],
    ['queue on with no address', { selected_menu: { id: 99, name: 'Empty' } }, /address/],
  ])(
    'When the session is %s, then 200 says why no email will be sent, and none is',
    async (_label, overrides, reason) => {
      t = await start();
      const res = await t.api.post('/api/v1/sessions').send(finishedChat(overrides));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: 'none', reason: expect.stringMatching(reason) });
      await sleep(DELAY_MS * 2);
      expect(await outboxMails(t.mailer)).toEqual([]);
    },
  );

  test('When the global setting is off, then only a queue switched on sends, to its own address', async () => {
    t = await start({ enabled: false, to: 'crm-inbox@example.com' });
    const off = await t.api.post('/api/v1/sessions').send(finishedCall());
    expect(off.body).toMatchObject({ email: 'none' });
    const on = await t.api.post('/api/v1/sessions').send(finishedChat());
    expect(on.body).toMatchObject({ email: 'scheduled', to: 'orders-team@example.com' });
    const mails = await eventually(async () => {
      const m = await outboxMails(t.mailer);
      return m.length > 0 ? m : undefined;
    }, 'the email');
    await sleep(DELAY_MS);
    expect((await outboxMails(t.mailer)).map((m) => m.subject)).toEqual([
      'Session outcome: chat 73522 (finished)',
    ]);
    expect(mails).toHaveLength(1);
  });

  test('When the server restarts before the email is due, then the email is sent once, after the restart', async () => {
    t = await start(undefined, { services: { outcomeEmailDelayMs: 1500 } });
    expect((await t.api.post('/api/v1/sessions').send(finishedChat())).status).toBe(202);
    const dataDir = t.dataDir;
    await t.close({ keepData: true });
    expect(await outboxMails(t.mailer)).toEqual([]);

    t = await start(undefined, { dataDir, services: { outcomeEmailDelayMs: 1500 } });
    const mails = await eventually(async () => {
      const m = await outboxMails(t.mailer);
      return m.length > 0 ? m : undefined;
    }, 'the email after the restart');
    await sleep(500);
    expect(mails.map((m) => m.subject)).toEqual(['Session outcome: chat 73522 (finished)']);
    expect(await outboxMails(t.mailer)).toHaveLength(1);
  });

  /**
   * A session kept by a process that stopped before adding its email's job: the store holds it,
   * scheduled, and the queue knows nothing of it.
   */
  async function keptWithoutJob(app: TestApp): Promise<void> {
    await app.store.collection<SessionDoc>('sessions').insert({
      id: 'call-6868',
      kind: 'call',
      status: 'finished',
      receivedAt: new Date().toISOString(),
      payload: JSON.stringify(finishedCall()),
      email: { state: 'scheduled', to: 'billing@example.com', dueAt: new Date().toISOString() },
    });
  }

  const theOneEmail = async (app: TestApp) => {
    expect(await settledOutboxSubjects(app.mailer, 'the email')).toEqual([
      'Session outcome: call 6868 (finished)',
    ]);
  };

  test('When a session kept without its job is posted again, then its job is added and the email is sent once', async () => {
    t = await start();
    await keptWithoutJob(t);

    const again = await t.api.post('/api/v1/sessions').send(finishedCall());
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, email: 'scheduled' });
    await theOneEmail(t);
    await t.api.post('/api/v1/sessions').send(finishedCall());
    await sleep(300);
    expect(await outboxMails(t.mailer)).toHaveLength(1);
  });

  test('When the server starts with a session kept without its job, then its job is added and the email is sent once', async () => {
    t = await start(undefined, { workers: false });
    await keptWithoutJob(t);
    const dataDir = t.dataDir;
    await t.close({ keepData: true });

    const logger = createLogger('silent');
    const warned = jest.spyOn(logger, 'warn');
    t = await start(undefined, { dataDir, logger });
    await theOneEmail(t);
    expect(warned).toHaveBeenCalledWith(
      'outcome emails whose job was missing were scheduled again',
      { count: 1 },
    );
  });

  test('When a re-arm finds sessions whose jobs are queued, then it loads only the one without a job', async () => {
    t = await start(undefined, { workers: false, services: { outcomeEmailDelayMs: 60_000 } });
    for (const id of [1, 2, 3]) {
      expect((await t.api.post('/api/v1/sessions').send(finishedChat({ id }))).status).toBe(202);
    }
    await keptWithoutJob(t);
    // The service's own collection handle: what a re-arm reads.
    const loaded = jest.spyOn(t.app.sessions['sessions'], 'findById');

    expect(await t.app.sessions.rearm()).toBe(1);
    expect(loaded.mock.calls).toEqual([['call-6868']]);
    expect(await t.app.sessions.rearm()).toBe(0);
    expect(loaded).toHaveBeenCalledTimes(1);
  });
});

describe('Sessions: validation and the record they name', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configure: withOutcomeEmail({ enabled: true, to: 'crm@example.com' }),
      services: { outcomeEmailDelayMs: 60_000 },
    });
  });
  afterAll(() => t.close());

  /** A built-in CRM record of a new account with this name: its id. */
  const newRecord = async (name: string): Promise<string> => {
    const account = await t.api.post('/api/v1/accounts').send({ name });
    const record = await t.api
      .post('/api/v1/records')
      .send({ contactId: account.body.data.id, subject: 'Chat' });
    return record.body.data.id as string;
  };

  test('When fields have the wrong types, then 422 names each one', async () => {
    const res = await t.api
      .post('/api/v1/sessions')
      .send({ status: 'done', rating: 'great', chat_duration: -1 });
    expect(res.status).toBe(422);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['chat_duration', 'id', 'rating', 'status']);
  });

  test('When a session has keys the schema does not know, at any depth, then it is kept exactly as sent, in its key order', async () => {
    const session = {
      vendor_first: { z: 1, a: [{ deep: { n: null } }] },
      ...finishedCall({ id: 557 }),
      end_user: { id: 4243, name: 'Q Branch', phone_number: '+12223334444', tier: 'gold' },
      selected_menu: { id: 8469, name: 'Billing', parent_id: 1 },
      transfers: [{ from: 'Billing', to: 'Orders', extra: true }],
    };
    expect((await t.api.post('/api/v1/sessions').send(session)).status).toBe(202);

    const kept = await t.app.sessions.get('call-557');
    expect(kept.payload).toBe(JSON.stringify(session));
  });

  test('When the session names a built-in record, then its status is mapped and one summary comment is added', async () => {
    const recordId = await newRecord('James Bond');
    const session = finishedChat({ id: 555, out_ticket_id: recordId });
    const res = await t.api.post('/api/v1/sessions').send(session);
    expect(res.body.record).toBe(`record ${recordId} updated`);
    await t.api.post('/api/v1/sessions').send(session);
    expect((await t.api.get(`/api/v1/records/${recordId}`)).body.data.status).toBe('solved');
    const comments = await t.api.get(`/api/v1/records/${recordId}/comments`);
    expect(comments.body.data).toHaveLength(1);
    expect(comments.body.data[0].body).toMatch(
      /^Chat 555 finished\nDuration: 07:15\nWait: 00:40\nAgent: Eve Moneypenny/,
    );
    expect(comments.body.data[0].body).toContain('CSAT rating: 5/5');
  });

  test('When the process stopped after keeping a session but before updating its record, then posting it again updates the record, once', async () => {
    const recordId = await newRecord('Vesper Lynd');
    const session = finishedChat({ id: 558, out_ticket_id: recordId });
    // What the first POST left: the session kept, its email planned, the record not touched.
    await t.store.collection<SessionDoc>('sessions').insert({
      id: 'chat-558',
      kind: 'chat',
      status: 'finished',
      receivedAt: new Date().toISOString(),
      payload: JSON.stringify(session),
      email: { state: 'none', reason: 'not part of this test' },
    });

    const retries = await Promise.all(
      [1, 2, 3].map(() => t.api.post('/api/v1/sessions').send(session)),
    );

    for (const res of retries) {
      expect(res.body).toMatchObject({ duplicate: true, record: `record ${recordId} updated` });
    }
    expect((await t.api.get(`/api/v1/records/${recordId}`)).body.data.status).toBe('solved');
    const comments = await t.api.get(`/api/v1/records/${recordId}/comments`);
    expect(comments.body.data).toHaveLength(1);
    expect(comments.body.data[0].body).toMatch(/^Chat 558 finished\n/);
    expect((await t.app.sessions.get('chat-558')).record).toBe(`record ${recordId} updated`);
  });

  test('When the named record does not exist, then the session is still accepted and the answer says so', async () => {
    const res = await t.api
      .post('/api/v1/sessions')
      .send(finishedChat({ id: 556, out_ticket_id: 'nope' }));
    expect(res.status).toBe(202);
    expect(res.body.record).toMatch(/^record nope not updated: record "nope" does not exist/);
  });

  test('When an unknown session is asked for, then 404', async () => {
    expect((await t.api.get('/api/v1/sessions/chat-1')).status).toBe(404);
  });
});

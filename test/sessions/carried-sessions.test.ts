import type { OutcomeJob } from '../../src/sessions/sessions-service';
import { OUTCOME_QUEUE } from '../../src/sessions/sessions-service';
import type { AppConfig } from '../../src/shared/config/app-config';
import { startTestApp, type TestApp } from '../support/test-app';
import { outboxMails } from './mail-helpers';
import { finishedCall } from './session-fixtures';

/*
 * With bull and an embedded store, each outcome job carries its session (`carrySessions`), so a
 * process that does not hold the session can still send its email (the two-process test runs
 * that end to end). Here the job is handed to a process holding nothing.
 */
const emailTo = (config: AppConfig): AppConfig => ({
  ...config,
  server: {
    ...config.server,
    outcomeEmail: { ...config.server.outcomeEmail, enabled: true, to: 'crm-inbox@example.com' },
  },
});

describe('Outcome jobs that carry their session', () => {
  const apps: TestApp[] = [];
  const start = async (services = {}): Promise<TestApp> => {
    const t = await startTestApp({ configure: emailTo, services, workers: false });
    apps.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  /** `job` run by a process that does not hold its session: the email it sent, and what it kept. */
  async function deliverElsewhere(job: OutcomeJob) {
    const elsewhere = await start();
    await elsewhere.app.sessions.deliver({ id: job.key, data: job, attempt: 1, dueAt: new Date() });
    const [mail, ...more] = await outboxMails(elsewhere.mailer);
    expect(more).toHaveLength(0);
    return { mail, kept: await elsewhere.app.sessions.get(job.key) };
  }

  const receivedAt = '2026-11-22T09:21:00.000Z';
  const email = { to: 'crm-inbox@example.com', dueAt: '2026-11-22T09:36:00.000Z' };

  (process.env.REDIS_URL ? test : test.skip)(
    'When a session is posted on bull, then its job holds the session as posted, and a process without it sends the email from the job',
    async () => {
      const t = await start({ redisUrl: process.env.REDIS_URL });
      expect((await t.api.post('/api/v1/sessions').send(finishedCall())).status).toBe(202);

      const job = await t.queue.queue<OutcomeJob>(OUTCOME_QUEUE).get('call-6868');
      // The payload is embedded as the session itself, not as an escaped JSON string.
      expect(job?.data.posted).toEqual(finishedCall());
      expect(job?.data.carried).toEqual({
        receivedAt: expect.any(String),
        to: 'crm-inbox@example.com',
        dueAt: expect.any(String),
      });

      const { mail, kept } = await deliverElsewhere(job!.data);
      expect(JSON.parse(mail?.text ?? '')).toEqual(finishedCall());
      expect(kept).toMatchObject({ id: 'call-6868', email: { state: 'sent' } });
      expect(JSON.parse(kept.payload)).toEqual(finishedCall());
    },
  );

  test('When a job carries the session with its payload as JSON text (earlier versions), then a process without it sends the email', async () => {
    const { mail, kept } = await deliverElsewhere({
      key: 'call-6868',
      session: {
        id: 'call-6868',
        kind: 'call',
        status: 'finished',
        receivedAt,
        payload: JSON.stringify(finishedCall()),
        email: { state: 'scheduled', ...email },
      },
    });
    expect(mail?.subject).toBe('Session outcome: call 6868 (finished)');
    expect(JSON.parse(mail?.text ?? '')).toEqual(finishedCall());
    expect(kept).toMatchObject({
      receivedAt: '2026-11-22T09:21:00.000Z',
      email: { state: 'sent' },
    });
  });

  test('When a job carries the session as posted and its email plan, then a process without it sends the email and keeps the session', async () => {
    const { mail, kept } = await deliverElsewhere({
      key: 'call-6868',
      carried: { receivedAt, ...email },
      posted: finishedCall(),
    });
    expect(mail?.to).toMatchObject({ text: 'crm-inbox@example.com' });
    expect(JSON.parse(mail?.text ?? '')).toEqual(finishedCall());
    expect(kept).toMatchObject({
      kind: 'call',
      status: 'finished',
      receivedAt,
      email: { state: 'sent', ...email },
    });
    expect(JSON.parse(kept.payload)).toEqual(finishedCall());
  });
});

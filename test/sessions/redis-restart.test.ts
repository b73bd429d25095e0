import type { AppConfig } from '../../src/shared/config/app-config';
import { redisServerAvailable, TestRedisServer } from '../queue/redis-server';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually, outboxMails, sleep } from './mail-helpers';
import { finishedChat } from './session-fixtures';

const emailing = (config: AppConfig): AppConfig => ({
  ...config,
  server: {
    ...config.server,
    outcomeEmail: {
      ...config.server.outcomeEmail,
      enabled: true,
      to: 'crm-inbox@example.com',
      retry: { attempts: 10, backoffSeconds: 0.2 },
    },
  },
});

const available = redisServerAvailable();
if (!available) console.warn('outcome email across a Redis restart SKIPPED: install redis-server');

(available ? describe : describe.skip)('An outcome email across a Redis restart', () => {
  let redis: TestRedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    t = await startTestApp({
      configure: emailing,
      services: { outcomeEmailDelayMs: 1500, redisUrl: redis.url },
    });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  test('When Redis is killed and restarted before the email is due, then the email is still sent exactly once', async () => {
    expect((await t.api.post('/api/v1/sessions').send(finishedChat())).status).toBe(202);
    await redis.restart();
    const mails = await eventually(
      async () => {
        const m = await outboxMails(t.mailer);
        return m.length > 0 ? m : undefined;
      },
      'the email after the Redis restart',
      20_000,
    );
    await sleep(1000); // a duplicate would arrive by now
    expect(mails.map((m) => m.subject)).toEqual(['Session outcome: chat 73522 (finished)']);
    expect(await outboxMails(t.mailer)).toHaveLength(1);
    expect((await t.api.get('/api/v1/sessions/chat-73522')).body.email.state).toBe('sent');
  });
});

import Redis from 'ioredis';
import { createLogger } from '../../src/shared/log/logger';
import { redisServerAvailable, TestRedisServer } from '../queue/redis-server';
import { startTestApp, type TestApp } from '../support/test-app';
import { emailing, outboxMails, settledOutboxSubjects, sleep } from './mail-helpers';
import { finishedCall, finishedChat } from './session-fixtures';

const quickRetries = emailing({ retry: { attempts: 10, backoffSeconds: 0.2 } });
const available = redisServerAvailable();
if (!available) console.warn('outcome email across a Redis restart SKIPPED: install redis-server');

(available ? describe : describe.skip)('An outcome email across a Redis restart', () => {
  let redis: TestRedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    t = await startTestApp({
      configure: quickRetries,
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
    expect(
      await settledOutboxSubjects(t.mailer, 'the email after the Redis restart', 20_000),
    ).toEqual(['Session outcome: chat 73522 (finished)']);
    expect((await t.api.get('/api/v1/sessions/chat-73522')).body.email.state).toBe('sent');
  });
});

(available ? describe : describe.skip)('An outcome email when Redis refuses its job', () => {
  let redis: TestRedisServer;
  let t: TestApp;
  let admin: Redis;
  const logger = createLogger('silent');
  const warned = jest.spyOn(logger, 'warn');
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    admin = new Redis(redis.url);
    t = await startTestApp({
      configure: quickRetries,
      services: { outcomeEmailDelayMs: 500, redisUrl: redis.url },
      logger,
    });
  });
  afterAll(async () => {
    await t.close();
    admin.disconnect();
    await redis.stop();
  });

  test('When Redis is full as a session arrives, then the session is kept, its job is added once Redis has room, and the email is sent exactly once', async () => {
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    await admin.config('SET', 'maxmemory', String(used));

    const first = await t.api.post('/api/v1/sessions').send(finishedCall());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false, email: 'scheduled' });
    const again = await t.api.post('/api/v1/sessions').send(finishedCall());
    expect(again.body).toMatchObject({ duplicate: true, email: 'scheduled' });
    expect(warned).toHaveBeenCalledWith(
      'outcome email could not be queued yet: it is kept and will be queued when the queue answers',
      expect.objectContaining({ session: 'call-6868', error: expect.stringMatching(/OOM/) }),
    );
    await sleep(2_500); // the first re-arm, still refused
    expect(await outboxMails(t.mailer)).toHaveLength(0);

    await admin.config('SET', 'maxmemory', '0');
    expect(await settledOutboxSubjects(t.mailer, 'the email once Redis has room', 20_000)).toEqual([
      'Session outcome: call 6868 (finished)',
    ]);
    expect(warned).toHaveBeenCalledWith(
      'outcome emails whose job was missing were scheduled again',
      { count: 1 },
    );
  }, 40_000);
});

/** The same delivery on bull and a real Redis (REDIS_URL): retries, no retry on a 4xx, one job per event. */
import { finishedCall } from '../sessions/session-fixtures';
import type { TestApp } from '../support/test-app';
import {
  hookActions,
  loadActions,
  receivedCount,
  type ScriptedTarget,
  settledJob,
  startActionsApp,
  startScriptedTarget,
} from './action-app';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('event actions on bull SKIPPED: set REDIS_URL to run them');

(redisUrl ? describe : describe.skip)('Event actions on bull (Redis)', () => {
  let target: ScriptedTarget;
  let t: TestApp;
  beforeAll(async () => {
    target = await startScriptedTarget();
    t = await startActionsApp(loadActions(hookActions(target.origin), {}), undefined, {
      redisUrl,
    });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });
  beforeEach(() => target.reset());

  test('When the target answers 500 then 200, then the job completes after exactly two requests', async () => {
    target.scripts.set('/hook/session.finished', [500]);
    await t.api.post('/api/v1/sessions').send(finishedCall({ id: 9001 }));

    const job = await settledJob(t, 'hook:session.finished:call-9001');
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    expect(target.received).toHaveLength(2);
  });

  test('When the target answers 401, then the job fails at once after one request', async () => {
    target.scripts.set('/hook/session.finished', [401, 401]);
    await t.api.post('/api/v1/sessions').send(finishedCall({ id: 9002 }));

    const job = await settledJob(t, 'hook:session.finished:call-9002');
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(target.received).toHaveLength(1);
  });

  test('When a record is updated twice in a row, then each update is its own job and request', async () => {
    const account = await t.api.post('/api/v1/accounts').send({ name: 'Eve' });
    const record = await t.api
      .post('/api/v1/records')
      .send({ accountId: account.body.data.id, subject: 'Twice' });
    const id = record.body.data.id as string;
    await settledJob(t, `hook:record.created:${id}`);
    await t.api.patch(`/api/v1/records/${id}`).send({ status: 'open' });
    await t.api.patch(`/api/v1/records/${id}`).send({ status: 'pending' });

    await receivedCount(target, 3);
    // Two jobs at once may arrive in either order: the worker runs several at a time.
    const statuses = target.received.map((r) => JSON.parse(r.body.toString('utf8')).status);
    expect(statuses.sort()).toEqual(['new', 'open', 'pending']);
  });
});

/**
 * How an action's job is delivered, through the whole app on the local queue: retries with
 * backoff on a 5xx, no retry on a 4xx, one request per event however often it arrives, and the
 * variables each kind of event gives (records, comments, adapter events).
 */
import { finishedCall } from '../sessions/session-fixtures';
import { apiAccount, apiRecord, signIn } from '../web/web-helpers';
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

let target: ScriptedTarget;
let t: TestApp;

beforeAll(async () => {
  target = await startScriptedTarget();
  t = await startActionsApp(loadActions(hookActions(target.origin), {}), (config) => ({
    ...config,
    server: {
      ...config.server,
      web: { ...config.server.web, agentAdapter: { url: 'https://tenant.example/agent/' } },
    },
  }));
});
afterAll(async () => {
  await t.close();
  await target.close();
});
beforeEach(() => target.reset());

const bodies = () => target.received.map((r) => JSON.parse(r.body.toString('utf8')) as unknown);

describe('Retries', () => {
  test('When the target answers 500 then 200, then the job completes after exactly two requests', async () => {
    target.scripts.set('/hook/session.finished', [500]);
    await t.api.post('/api/v1/sessions').send(finishedCall({ id: 8001 }));

    const job = await settledJob(t, 'hook:session.finished:call-8001');
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    expect(target.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /hook/session.finished',
      'POST /hook/session.finished',
    ]);
  });

  test('When the target answers 422, then the job fails at once: one request, not retried', async () => {
    target.scripts.set('/hook/session.finished', [422, 422, 422]);
    await t.api.post('/api/v1/sessions').send(finishedCall({ id: 8002 }));

    const job = await settledJob(t, 'hook:session.finished:call-8002');
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(job.error).toBe('hook: POST answered 422; not retried');
    expect(target.received).toHaveLength(1);
  });

  test('When the target keeps answering 503, then the job fails after its 3 attempts', async () => {
    target.scripts.set('/hook/session.finished', [503, 503, 503]);
    await t.api.post('/api/v1/sessions').send(finishedCall({ id: 8003 }));

    const job = await settledJob(t, 'hook:session.finished:call-8003');
    expect(job).toMatchObject({ state: 'failed', attempts: 3, error: 'hook: POST answered 503' });
    expect(target.received).toHaveLength(3);
  });
});

describe('Events', () => {
  test('When a record is created, updated and commented through /api/v1, then each event sends its variables', async () => {
    const account = await apiAccount(t, { name: 'James Bond', phone: '+1 222 333 4444' });
    const record = await apiRecord(t, { accountId: account.id, subject: 'Lost card' });
    await settledJob(t, `hook:record.created:${record.id}`);
    const updated = await t.api.patch(`/api/v1/records/${record.id}`).send({ status: 'solved' });
    expect(updated.status).toBe(200);
    await receivedCount(target, 2);
    const comment = await t.api
      .post(`/api/v1/records/${record.id}/comments`)
      .send({ comment: 'Card "blocked"' });
    expect(comment.status).toBe(201);
    const commentId = (comment.body as { data: { id: string } }).data.id;
    await settledJob(t, `hook:comment.added:${record.id}/${commentId}`);

    const base = { record: record.id, account: account.id, subject: 'Lost card' };
    expect(bodies()).toEqual([
      { event: 'record.created', ...base, status: 'new' },
      { event: 'record.updated', ...base, status: 'solved' },
      { event: 'comment.added', record: record.id, comment: 'Card "blocked"' },
    ]);
  });

  test('When New_Call is posted twice for one call, then one request is sent, with the adapter data', async () => {
    const browser = await signIn(t);
    const page = await browser.get('/agent');
    const csrf = /data-csrf='([^']+)'/.exec(page.text)?.[1] ?? '';
    const newCall = {
      event: 'New_Call',
      data: {
        agent_id: 1,
        agent_email: 'james.bond@agents.co',
        queue_id: 8469,
        queue_path: 'Developers / James',
        campaign_name: 'Survey Movie',
        call_id: 103646,
        session_type: 'Voice Campaign (UJET)',
      },
    };
    for (let i = 0; i < 2; i++) {
      const res = await browser.post('/agent/events').set('X-CSRF-Token', csrf).send(newCall);
      expect(res.status).toBe(201);
    }

    const job = await settledJob(t, 'hook:New_Call:call-103646');
    expect(job.state).toBe('completed');
    expect(bodies()).toEqual([
      {
        event: 'New_Call',
        call: '103646',
        agent: 'james.bond@agents.co',
        queue: 'Developers / James',
        campaign: 'Survey Movie',
      },
    ]);
  });
});

/**
 * examples/actions/, each loaded as crm-bridge loads config/actions.yaml, run end to end: a
 * session POSTed to /api/v1/sessions, the action's job on the local queue, its request at a
 * loopback double standing in for the target. Requests are asserted exactly: method, path,
 * credentials, content type and the body's bytes.
 */
import { finishedCall, finishedChat } from '../sessions/session-fixtures';
import { json, startLoopback, type Loopback } from '../generic-api/loopback';
import type { TestApp } from '../support/test-app';
import { actionJob, exampleActions, settledJob, startActionsApp } from './action-app';

let target: Loopback;
beforeAll(async () => {
  target = await startLoopback((_request, res) => json(res, 200, { result: 4711, code: 0 }));
});
afterAll(() => target.close());
beforeEach(() => {
  target.received.length = 0;
});

const seen = () =>
  target.received.map((r) => ({
    method: r.method,
    path: r.path,
    authorization: r.headers.authorization,
    contentType: r.headers['content-type'],
    body: r.body.toString('utf8'),
  }));

describe('examples/actions/puzzel-etask.yaml (reference/003, RequestAdd)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const actions = exampleActions('puzzel-etask.yaml', {
      PUZZEL_URL: `${target.origin}/ContactCentre5`,
      PUZZEL_CUSTOMER_NUMBER: '12345',
      PUZZEL_ACCESS_POINT: 'followup@12345.puzzel.example',
      PUZZEL_ACCESS_TOKEN: 'puzzel-token',
      ETASK_URL: 'https://crm.example.com/tasks',
    });
    t = await startActionsApp(actions);
  });
  afterAll(() => t.close());

  test('When a session finishes rated 1, then eTask gets the request with data as one JSON string, its values escaped', async () => {
    const session = finishedCall({
      id: 7001,
      rating: 1,
      feedback: 'Waited "forever"\nC:\\ no',
      end_user: { id: 4243, name: 'Q "Branch"', phone_number: '+12223334444' },
    });
    expect((await t.api.post('/api/v1/sessions').send(session)).status).toBe(200);

    const job = await settledJob(t, 'puzzel-follow-up:session.finished:call-7001');
    expect(job.state).toBe('completed');
    const inner =
      '{"From":"ccaip@example.com","To":"followup@12345.puzzel.example", ' +
      '"Subject":"Call back Q \\"Branch\\" (+12223334444): rated 1, Waited \\"forever\\"\\nC:\\\\ no", ' +
      '"Uri":"https://crm.example.com/tasks/7001","VipScore":100}';
    expect(seen()).toEqual([
      {
        method: 'POST',
        path: '/ContactCentre5/12345/requests',
        authorization: 'Bearer puzzel-token',
        contentType: 'application/json',
        body: JSON.stringify({ data: inner, type: 'mail', version: '1.0' }),
      },
    ]);
    const data = JSON.parse(JSON.parse(seen()[0]?.body ?? '').data as string) as unknown;
    expect(data).toEqual({
      From: 'ccaip@example.com',
      To: 'followup@12345.puzzel.example',
      Subject: 'Call back Q "Branch" (+12223334444): rated 1, Waited "forever"\nC:\\ no',
      Uri: 'https://crm.example.com/tasks/7001',
      VipScore: 100,
    });
  });

  test('When a session finishes rated 5, then its when: does not hold and no job is added', async () => {
    const res = await t.api.post('/api/v1/sessions').send(finishedCall({ id: 7002, rating: 5 }));
    expect(res.status).toBe(200);
    expect(await actionJob(t, 'puzzel-follow-up:session.finished:call-7002')).toBeNull();
    expect(target.received).toEqual([]);
  });
});

describe('examples/actions/ucontact-disposition.yaml (reference/004, DispositionCall)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const actions = exampleActions('ucontact-disposition.yaml', {
      UCONTACT_URL: target.origin,
      UCONTACT_CAMPAIGN: 'Ventas->',
      UCONTACT_USER: 'integra',
      UCONTACT_PASSWORD: 'integra-pass',
    });
    t = await startActionsApp(actions);
  });
  afterAll(() => t.close());

  test('When a call finishes, then uContact gets DispositionCall form-encoded, fields in the configured order', async () => {
    const session = finishedCall({
      id: 7101,
      rating: 4,
      feedback: 'Très bien & rápido',
      end_user: { id: 4243, name: 'Q Branch', phone_number: '+12223334444' },
    });
    expect((await t.api.post('/api/v1/sessions').send(session)).status).toBe(200);

    const job = await settledJob(t, 'ucontact-disposition:session.finished:call-7101');
    expect(job.state).toBe('completed');
    expect(seen()).toEqual([
      {
        method: 'POST',
        path: '/Integra/resources/api/DispositionCall',
        authorization: `Basic ${Buffer.from('integra:integra-pass').toString('base64')}`,
        contentType: 'application/x-www-form-urlencoded',
        body:
          'campaign=Ventas-%3E&agent=eve%40mi6.example&callerid=%2B12223334444&guid=7101' +
          '&l1=finished&d1=7101&d2=4&comment=Tr%C3%A8s%20bien%20%26%20r%C3%A1pido',
      },
    ]);
  });

  test('When a call fails without an agent, then l1 is failed and the agent is the default', async () => {
    const session = finishedCall({
      id: 7102,
      status: 'failed',
      agent_info: undefined,
      rating: undefined,
      end_user: { id: 4244, phone_number: '+12223335555' },
    });
    expect((await t.api.post('/api/v1/sessions').send(session)).status).toBe(200);

    await settledJob(t, 'ucontact-disposition:session.failed:call-7102');
    expect(seen().map((r) => r.body)).toEqual([
      'campaign=Ventas-%3E&agent=ccaip&callerid=%2B12223335555&guid=7102&l1=failed&d1=7102',
    ]);
  });

  test('When a chat finishes, then the when: (voice calls with a caller id) keeps it out', async () => {
    const res = await t.api.post('/api/v1/sessions').send(finishedChat());
    expect(res.status).toBe(200);
    const key = res.body.session as string;
    expect(await actionJob(t, `ucontact-disposition:session.finished:${key}`)).toBeNull();
    expect(target.received).toEqual([]);
  });
});

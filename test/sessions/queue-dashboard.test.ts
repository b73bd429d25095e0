import { startTestApp, type TestApp } from '../support/test-app';

const backends: [string, string | undefined][] = [['local queue', undefined]];
if (process.env.REDIS_URL) backends.push(['bull on Redis', process.env.REDIS_URL]);

describe.each(backends)('The queue dashboard at /admin/queues (%s)', (name, redisUrl) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: { ...(redisUrl && { redisUrl }) } });
  });
  afterAll(() => t.close());

  test('When no staff credentials are given, then 401', async () => {
    expect((await t.anonymous.get('/admin/queues')).status).toBe(401);
    expect((await t.anonymous.get('/admin/queues').auth('admin', 'wrong')).status).toBe(401);
  });

  test('When a staff user asks, then the outcome-email queue is shown', async () => {
    const res = await t.anonymous.get('/admin/queues').auth('admin', 'test-admin-password');
    expect(res.status).toBe(200);
    if (name === 'local queue') {
      expect(res.body).toEqual({
        kind: 'local',
        queues: [
          {
            name: 'outcome-email',
            counts: { active: 0, completed: 0, delayed: 0, failed: 0, waiting: 0 },
            failed: [],
          },
        ],
      });
    } else {
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const api = await t.anonymous
        .get('/admin/queues/api/queues')
        .auth('admin', 'test-admin-password');
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(['outcome-email']);
    }
  });
});

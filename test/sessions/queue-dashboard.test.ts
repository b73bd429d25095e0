import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../web/web-helpers';

const backends: [string, string | undefined][] = [['local queue', undefined]];
if (process.env.REDIS_URL) backends.push(['bull on Redis', process.env.REDIS_URL]);

describe.each(backends)('The queue dashboard at /admin/queues (%s)', (name, redisUrl) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: { ...(redisUrl && { redisUrl }) } });
  });
  afterAll(() => t.close());

  test('When nobody is signed in, then the dashboard sends them to sign in', async () => {
    const res = await t.anonymous.get('/admin/queues');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
    expect(
      (await t.anonymous.get('/admin/queues').auth('admin', 'test-admin-password')).status,
    ).toBe(303);
  });

  test('When a staff user asks, then the outcome-email queue is shown', async () => {
    const browser = await signIn(t);
    const res = await browser.get('/admin/queues');
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
      const api = await browser.get('/admin/queues/api/queues');
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(['outcome-email']);
    }
  });
});

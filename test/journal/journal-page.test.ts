import { journalOn, startTestApp, type TestApp } from '../support/test-app';
import { newBrowser, signIn, visibleText } from '../web/web-helpers';

describe('/admin/journal', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(journalOn);
  });
  afterAll(async () => {
    await t.close();
  });

  test('When someone not signed in opens the journal, then they are sent to sign in', async () => {
    const res = await newBrowser(t).get('/admin/journal');

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fjournal');
  });

  test('When staff open the journal, then each call shows with its masked, escaped bodies', async () => {
    await t.api
      .post('/api/v1/accounts')
      .set('X-Request-Id', 'page-xss')
      .send({ name: '<script>alert(1)</script>', phone: '+1 222 333 4444' });
    const browser = await signIn(t);

    const res = await browser.get('/admin/journal?path=/api/v1/accounts');

    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('333 4444');
    const text = visibleText(res.text);
    expect(text).toContain('POST /api/v1/accounts');
    expect(text).toContain('Request page-xss (0 outbound)');
  });

  test('When staff open the journal or the admin page, then the navigation marks that one entry only', async () => {
    const browser = await signIn(t);
    const currentEntries = async (path: string): Promise<string[]> => {
      const res = await browser.get(path);
      expect(res.status).toBe(200);
      return [...res.text.matchAll(/<a href='([^']+)' aria-current='page'>/g)].map((m) => m[1]!);
    };

    expect(await currentEntries('/admin/journal')).toEqual(['/admin/journal']);
    expect(await currentEntries('/admin')).toEqual(['/admin']);
    expect(await currentEntries('/lookup')).toEqual(['/lookup']);
  });

  test('When a filter is invalid, then the page says which one and why', async () => {
    const browser = await signIn(t);

    const res = await browser.get('/admin/journal?status=abc&path=');

    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain(
      'status: must be a status like 404 or a class like 4xx',
    );
    expect(res.text).toContain("value='abc'");
  });
});

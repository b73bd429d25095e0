import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN, csrfOf, newBrowser, signIn } from './web-helpers';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function postLogin(
  browser = newBrowser(t),
  fields: Record<string, string> = {},
): Promise<{ status: number; location?: string; text: string }> {
  const form = await browser.get('/login');
  const res = await browser
    .post('/login')
    .type('form')
    .send({ ...ADMIN, _csrf: csrfOf(form.text), ...fields });
  return { status: res.status, location: res.headers.location, text: res.text };
}

describe('GET /login', () => {
  test('When someone opens the login page, then it is an accessible form with a CSRF token', async () => {
    const res = await newBrowser(t).get('/login');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
    expect(res.text).toContain('<html lang=');
    expect(res.text).toMatch(/<label for=.username.>User name<\/label>/);
    expect(res.text).toMatch(/<label for=.password.>Password<\/label>/);
    expect(res.text).toContain('Skip to main content');
    expect(csrfOf(res.text)).toMatch(/^[\w-]{20,}$/);
    expect(res.text).not.toContain('Sign in with SSO');
  });

  test('When the session cookie is set, then it is httpOnly, SameSite=Lax and named crm_bridge_sid', async () => {
    const res = await newBrowser(t).get('/login');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^crm_bridge_sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // publicUrl is not https in the test config
  });

  test('When a page is opened without signing in, then it redirects to the login with next', async () => {
    const res = await newBrowser(t).get('/accounts/abc?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/accounts/abc?x=1')}`);
  });
});

describe('POST /login', () => {
  test('When the password is right, then the user is signed in and sent to the lookup', async () => {
    const browser = newBrowser(t);
    const res = await postLogin(browser);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/lookup');
    const page = await browser.get('/lookup');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Signed in as <strong>admin</strong>');
  });

  test('When the session id existed before signing in, then signing in replaces it', async () => {
    const browser = newBrowser(t);
    const before = String((await browser.get('/login')).headers['set-cookie']);
    const form = await browser.get('/login');
    const res = await browser
      .post('/login')
      .type('form')
      .send({ ...ADMIN, _csrf: csrfOf(form.text) });
    const after = String(res.headers['set-cookie']);
    expect(after.split(';')[0]).not.toBe(before.split(';')[0]);
  });

  test('When the password is wrong, then 401 shows the form again without signing in', async () => {
    const browser = newBrowser(t);
    const res = await postLogin(browser, { password: 'not-it', username: 'wrong-pw-user' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Wrong user name or password.');
    expect(res.text).toContain("role='alert'");
    expect((await browser.get('/lookup')).status).toBe(303);
  });

  test('When the user name is unknown, then the answer is the same as for a wrong password', async () => {
    const res = await postLogin(newBrowser(t), { username: 'nobody', password: ADMIN.password });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Wrong user name or password.');
  });

  test('When next is a same-site path, then the user lands there after signing in', async () => {
    const res = await postLogin(newBrowser(t), { next: '/outbox?page=2' });
    expect(res.location).toBe('/outbox?page=2');
  });

  test.each([
    '//evil.example/',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/\t/evil.example',
    'evil.example',
    '',
  ])('When next is %j, then it is ignored (no open redirect)', async (next) => {
    const res = await postLogin(newBrowser(t), { next });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/lookup');
  });

  test('When a page sent the user to sign in, then they are brought back to it', async () => {
    const browser = newBrowser(t);
    const first = await browser.get('/admin');
    const login = await browser.get(first.headers.location ?? '');
    expect(login.text).toContain("name='next' value='/admin'");
    const res = await browser
      .post('/login')
      .type('form')
      .send({ ...ADMIN, _csrf: csrfOf(login.text), next: '/admin' });
    expect(res.headers.location).toBe('/admin');
  });

  test('When the CSRF token is missing, then the login is refused with 403', async () => {
    const browser = newBrowser(t);
    await browser.get('/login');
    const res = await browser.post('/login').type('form').send(ADMIN);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('did not come from this site');
  });

  test('When the CSRF token is forged, then the login is refused with 403', async () => {
    const browser = newBrowser(t);
    await browser.get('/login');
    const res = await browser
      .post('/login')
      .type('form')
      .send({ ...ADMIN, _csrf: 'forged-token-forged-token-forged' });
    expect(res.status).toBe(403);
  });

  test("When another browser's CSRF token is replayed, then it is refused with 403", async () => {
    const theirs = csrfOf((await newBrowser(t).get('/login')).text);
    const browser = newBrowser(t);
    await browser.get('/login');
    const res = await browser
      .post('/login')
      .type('form')
      .send({ ...ADMIN, _csrf: theirs });
    expect(res.status).toBe(403);
  });

  test('When one user name is tried with 10 wrong passwords, then the 11th attempt is 429', async () => {
    const browser = newBrowser(t);
    const username = 'brute-forced';
    for (let i = 0; i < 10; i++) {
      const res = await postLogin(browser, { username, password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await postLogin(browser, { username, password: 'guess-10' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many sign-in attempts');
    // Another name from the same address is not locked out.
    expect((await postLogin(newBrowser(t))).status).toBe(303);
  });
});

describe('POST /logout', () => {
  test('When a signed-in user signs out, then the session ends', async () => {
    const browser = await signIn(t);
    const page = await browser.get('/lookup');
    const res = await browser
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect((await browser.get('/lookup')).status).toBe(303);
  });

  test('When sign-out is posted without the CSRF token, then it is refused and the session stays', async () => {
    const browser = await signIn(t);
    const res = await browser.post('/logout').type('form').send({});
    expect(res.status).toBe(403);
    expect((await browser.get('/lookup')).status).toBe(200);
  });
});

describe('SSO link', () => {
  test('When web.sso is configured, then the login page offers "Sign in with SSO"', async () => {
    const sso = await startTestApp((c) => ({
      ...c,
      server: {
        ...c.server,
        web: {
          ...c.server.web,
          sso: {
            authorizationUrl: 'https://idp.example/authorize',
            tokenUrl: 'https://idp.example/token',
            userInfoUrl: 'https://idp.example/userinfo',
            clientId: 'crm-bridge',
            clientSecret: 'secret',
            scope: 'openid',
          },
        },
      },
    }));
    try {
      const res = await newBrowser(sso).get('/login?next=/records/1');
      expect(res.text).toContain('Sign in with SSO');
      // handlebars escapes "=" too; the browser reads the entity back as "=".
      expect(res.text).toContain(`href='/login/sso?next&#x3D;${encodeURIComponent('/records/1')}'`);
    } finally {
      await sso.close();
    }
  });
});

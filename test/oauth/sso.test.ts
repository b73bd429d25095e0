import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  type Agent,
  client,
  hiddenFields,
  localPath,
  PLATFORM,
  signIn,
  STAFF,
  withOAuth,
} from './oauth-helpers';

/*
 * One crm-bridge is both sides: its web pages sign staff in with SSO against its own
 * authorization server. The two sides are told apart by host name, as two sites would be:
 * the identity provider is http://localhost:PORT, the web pages are http://127.0.0.1:PORT, so
 * the browser (one agent per site, each with its own cookies) holds two separate sessions.
 */
const SSO_CLIENT = { clientId: 'crm-bridge-sso', clientSecret: 'sso-secret-1' } as const;
const SESSION_COOKIE = 'crm_bridge_sid';

let server: http.Server;
let t: TestApp;
let port: number;

beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;
  const provider = `http://localhost:${port}`;
  const site = `http://127.0.0.1:${port}`;
  t = await startTestApp({
    configure: (config) =>
      withOAuth(config, {
        clients: [
          client({ ...PLATFORM, redirectUris: [PLATFORM.redirectUri] }),
          client({
            ...SSO_CLIENT,
            name: 'crm-bridge staff sign-in',
            redirectUris: [`${site}/login/sso/callback`],
            grants: ['authorization_code'],
          }),
        ],
        sso: {
          // What the browser visits goes to the provider's host; what the server calls, anywhere.
          authorizationUrl: `${provider}/oauth/authorize`,
          tokenUrl: `${site}/oauth/token`,
          userInfoUrl: `${site}/oauth/userinfo`,
          ...SSO_CLIENT,
          scope: 'openid profile',
        },
      }),
  });
  server.on('request', t.app.express);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

interface Browser {
  site: Agent;
  provider: Agent;
}

const newBrowser = (): Browser => ({
  site: supertest.agent(`http://127.0.0.1:${port}`),
  provider: supertest.agent(`http://localhost:${port}`),
});

function sessionCookie(res: supertest.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

/** The browser follows the site's redirect to the provider, signs in there and answers consent. */
async function throughProvider(
  browser: Browser,
  authorizeLocation: string,
  decision: 'approve' | 'deny',
): Promise<string> {
  const authorize = localPath(authorizeLocation);
  const toLogin = await browser.provider.get(authorize);
  expect(toLogin.status).toBe(303);
  expect(localPath(toLogin.headers.location)).toMatch(/^\/login\?next=/);
  const login = await signIn(browser.provider, authorize);
  expect(login.headers.location).toBe(authorize);
  const page = await browser.provider.get(authorize);
  expect(page.status).toBe(200);
  expect(page.text).toContain('crm-bridge staff sign-in');
  const answer = await browser.provider
    .post('/oauth/authorize')
    .type('form')
    .send({ ...hiddenFields(page.text), decision });
  expect(answer.status).toBe(303);
  return answer.headers.location ?? '';
}

describe('SSO for staff (passport-oauth2) against crm-bridge as the identity provider', () => {
  test('When staff sign in with SSO, then the site signs them in with a new session id and sends them where they wanted to go', async () => {
    const browser = newBrowser();
    const start = await browser.site.get('/login/sso?next=%2Foutbox');
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.location ?? '');
    expect(authorize.origin).toBe(`http://localhost:${port}`);
    expect(authorize.pathname).toBe('/oauth/authorize');
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: SSO_CLIENT.clientId,
      redirect_uri: `http://127.0.0.1:${port}/login/sso/callback`,
      scope: 'openid profile',
      state: expect.stringMatching(/.{16,}/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    const before = sessionCookie(start);
    expect(before).toBeDefined();

    const callback = await throughProvider(browser, authorize.href, 'approve');
    expect(callback).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/login/sso/callback\\?`));
    const signedIn = await browser.site.get(localPath(callback));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/outbox');
    const after = sessionCookie(signedIn);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);

    const outbox = await browser.site.get('/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.text).toMatch(new RegExp(`Signed in as <strong>${STAFF.username}</strong>`));
    // The staff session says how they signed in (read from the session store's documents).
    const stored = await t.store.collection('web_sessions').find();
    const staff = stored.map((doc) => (JSON.parse(String(doc.data)) as { staff?: unknown }).staff);
    expect(staff).toContainEqual({ username: STAFF.username, via: 'sso' });
  });

  test('When next points to another site, then SSO still signs in but lands on this one', async () => {
    const browser = newBrowser();
    const start = await browser.site.get(
      `/login/sso?next=${encodeURIComponent('//evil.example.com/x')}`,
    );
    const callback = await throughProvider(browser, start.headers.location ?? '', 'approve');
    const signedIn = await browser.site.get(localPath(callback));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/');
  });

  test('When staff deny at the provider, then the site shows why and nobody is signed in', async () => {
    const browser = newBrowser();
    const start = await browser.site.get('/login/sso');
    const callback = await throughProvider(browser, start.headers.location ?? '', 'deny');
    const res = await browser.site.get(localPath(callback));
    expect(res.status).toBe(401);
    expect(res.text).toContain('access was denied');
    expect((await browser.site.get('/outbox')).status).toBe(303);
  });

  test('When the callback state does not match the started sign-in, then it is refused', async () => {
    const browser = newBrowser();
    const start = await browser.site.get('/login/sso');
    const callback = new URL(
      await throughProvider(browser, start.headers.location ?? '', 'approve'),
    );
    callback.searchParams.set('state', 'forged-state');
    const res = await browser.site.get(localPath(callback.href));
    expect(res.status).toBe(401);
    expect((await browser.site.get('/outbox')).status).toBe(303);
  });

  test("When a code is delivered to another browser's callback (login CSRF), then it is refused", async () => {
    const victim = newBrowser();
    const attacker = newBrowser();
    const start = await attacker.site.get('/login/sso');
    const callback = await throughProvider(attacker, start.headers.location ?? '', 'approve');
    const res = await victim.site.get(localPath(callback));
    expect(res.status).toBe(401);
    expect((await victim.site.get('/outbox')).status).toBe(303);
  });
});

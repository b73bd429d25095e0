import supertest from 'supertest';
import { CODES_COLLECTION } from '../../src/oauth/grant-store';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  type Agent,
  authorizeUrl,
  hiddenFields,
  PLATFORM,
  platformRequest,
  redirectQuery,
  signIn,
  withOAuth,
} from './oauth-helpers';

let t: TestApp;
let browser: Agent;

beforeAll(async () => {
  t = await startTestApp({ configure: (config) => withOAuth(config) });
  browser = supertest.agent(t.app.express);
  await signIn(browser);
});
afterAll(() => t.close());

/** An answer that must stay on our own error page: 400, HTML, no Location at all. */
function expectErrorPage(res: supertest.Response, text: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(text);
}

describe('Redirect URIs: exact match, never an open redirect', () => {
  test.each([
    ['another host', 'https://evil.example.com/oauth/callback'],
    ['a longer host', 'https://tenant.ccaiplatform.com.evil.example.com/oauth/callback'],
    ['a longer path', `${PLATFORM.redirectUri}/../../evil`],
    ['an added query', `${PLATFORM.redirectUri}?next=https://evil.example.com`],
    ['a trailing slash', `${PLATFORM.redirectUri}/`],
    ['another case', PLATFORM.redirectUri.toUpperCase()],
    ['http instead of https', PLATFORM.redirectUri.replace('https:', 'http:')],
    ['user info', 'https://tenant.ccaiplatform.com@evil.example.com/oauth/callback'],
    ['a fragment', `${PLATFORM.redirectUri}#@evil.example.com`],
    ['a protocol-relative URI', '//evil.example.com/oauth/callback'],
    ['a javascript: URI', 'javascript:alert(1)'],
  ])(
    'When redirect_uri is %s, then an error page is shown and nothing redirects',
    async (_name, redirectUri) => {
      expectErrorPage(
        await browser.get(platformRequest({ redirect_uri: redirectUri })),
        /not registered for CCAI Platform/,
      );
    },
  );

  test('When redirect_uri is repeated (the registered one and another), then an error page', async () => {
    const url = `${platformRequest()}&redirect_uri=${encodeURIComponent('https://evil.example.com/')}`;
    expectErrorPage(await browser.get(url), /repeated/);
  });

  test('When the client is unknown or missing, then an error page, even before sign-in', async () => {
    const anonymous = supertest.agent(t.app.express);
    expectErrorPage(
      await anonymous.get(platformRequest({ client_id: 'nobody' })),
      /not registered here/,
    );
    expectErrorPage(await anonymous.get(platformRequest({ client_id: undefined })), /client_id/);
  });

  test('When an anonymous visitor brings an unregistered redirect_uri, then the error page, not the login page', async () => {
    const anonymous = supertest.agent(t.app.express);
    const res = await anonymous.get(platformRequest({ redirect_uri: 'https://evil.example.com/' }));
    expectErrorPage(res, /not registered/);
  });

  test('When a forged consent form names an unregistered redirect_uri, then the error page, no code', async () => {
    const page = await browser.get(platformRequest());
    const res = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({
        ...hiddenFields(page.text),
        redirect_uri: 'https://evil.example.com/cb',
        decision: 'approve',
      });
    expectErrorPage(res, /not registered/);
  });

  test('When response_type is not code, then the registered client hears unsupported_response_type', async () => {
    const res = await browser.get(platformRequest({ response_type: 'token' }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^https:\/\/tenant\.ccaiplatform\.com\/oauth\/callback\?/);
    expect(redirectQuery(res.headers.location).get('error')).toBe('unsupported_response_type');
  });
});

describe('Consent form: CSRF', () => {
  test('When the CSRF token is missing or forged, then 403 and no code is issued', async () => {
    const codes = () =>
      t.store.collection(CODES_COLLECTION).count({ field: 'kind', op: 'eq', value: 'code' });
    const before = await codes();
    const page = await browser.get(platformRequest());
    const { _csrf: token, ...fields } = hiddenFields(page.text);
    expect(token).toBeDefined();

    const missing = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...fields, decision: 'approve' });
    expect(missing.status).toBe(403);
    expect(missing.headers.location).toBeUndefined();

    const forged = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...fields, _csrf: 'forged-token-forged-token', decision: 'approve' });
    expect(forged.status).toBe(403);
    expect(forged.headers.location).toBeUndefined();
    expect(await codes()).toBe(before);
  });

  test("When another browser posts the staff member's form with its own session, then 403", async () => {
    const page = await browser.get(platformRequest());
    const attacker = supertest.agent(t.app.express);
    await signIn(attacker);
    const res = await attacker
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(page.text), decision: 'approve' });
    expect(res.status).toBe(403);
  });

  test('When nobody is signed in, then posting a decision is refused', async () => {
    const res = await supertest
      .agent(t.app.express)
      .post('/oauth/authorize')
      .type('form')
      .send({ client_id: PLATFORM.clientId, response_type: 'code', decision: 'approve' });
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('Consent page: hostile values are inert', () => {
  test('When scope and state carry markup, then the page shows it escaped and posts it back unchanged', async () => {
    const state = '"><script>alert(1)</script>';
    const res = await browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: PLATFORM.clientId,
        redirect_uri: PLATFORM.redirectUri,
        scope: '<img/src=x/onerror=alert(1)>',
        state,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('<img/src');
    expect(res.text).toContain('&lt;img/src&#x3D;x/onerror&#x3D;alert(1)&gt;');
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect(hiddenFields(res.text).state).toBe(state);
  });
});

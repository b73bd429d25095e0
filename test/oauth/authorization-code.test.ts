import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  type Agent,
  authorizationCode,
  consent,
  hiddenFields,
  localPath,
  OTHER,
  PLATFORM,
  platformRequest,
  redirectQuery,
  signIn,
  STAFF,
  tokenRequest,
  withOAuth,
} from './oauth-helpers';

let t: TestApp;
/** The staff member's browser: keeps the session cookie. */
let browser: Agent;
/** The platform's server side: no cookies of its own matter. */
let platform: Agent;

beforeAll(async () => {
  t = await startTestApp({ configure: (config) => withOAuth(config) });
});
afterAll(() => t.close());

beforeEach(async () => {
  browser = supertest.agent(t.app.express);
  platform = supertest.agent(t.app.express);
});

const exchange = (code: string, extra: Record<string, string> = {}) =>
  tokenRequest(platform, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: PLATFORM.redirectUri,
    ...extra,
  });

async function signedIn(): Promise<Agent> {
  await signIn(browser);
  return browser;
}

describe('Authorization code flow, as the platform performs it', () => {
  test('When staff sign in, consent and the platform redeems the code, then its bearer token works on /api/v1 and refreshes with rotation', async () => {
    // 1. The platform sends the browser to the Authorization URL; not signed in yet.
    const start = await browser.get(platformRequest());
    expect(start.status).toBe(303);
    expect(localPath(start.headers.location)).toMatch(/^\/login\?next=/);

    // 2. Local login brings the browser back to the authorization request.
    const back = new URL(start.headers.location ?? '', 'http://x.invalid').searchParams.get('next');
    expect(back).toBe(platformRequest());
    const login = await signIn(browser, back ?? '');
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe(back);

    // 3. The consent page names the client and the scopes, with a CSRF-protected form.
    const page = await browser.get(back ?? '');
    expect(page.status).toBe(200);
    expect(page.text).toContain('CCAI Platform');
    expect(page.text).toContain('<code>crm</code>');
    expect(page.text).toContain(STAFF.username);
    expect(hiddenFields(page.text)._csrf).toMatch(/.{20,}/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');

    // 4. Approve: back to the registered redirect URI with a code and the unchanged state.
    const approved = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(page.text), decision: 'approve' });
    expect(approved.status).toBe(303);
    const answer = redirectQuery(approved.headers.location);
    expect(approved.headers.location).toMatch(
      /^https:\/\/tenant\.ccaiplatform\.com\/oauth\/callback\?/,
    );
    expect(answer.get('state')).toBe('st-123');
    const code = answer.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // 5. Token request with HTTP Basic client authentication.
    const issued = await exchange(code);
    expect(issued.status).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scope: 'crm',
    });
    expect(issued.body.expires_in).toBeGreaterThan(3590);
    expect(issued.body.expires_in).toBeLessThanOrEqual(3600);

    // 6. The bearer token is accepted by the CRM API, next to Basic and header keys.
    const accounts = await platform
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${issued.body.access_token}`);
    expect(accounts.status).toBe(200);

    // 7. Refresh: new tokens; the old refresh token is spent.
    const refreshed = await tokenRequest(platform, {
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(issued.body.access_token);
    expect(refreshed.body.refresh_token).not.toBe(issued.body.refresh_token);
    expect(refreshed.body.scope).toBe('crm');
    const again = await platform
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(again.status).toBe(200);

    const reused = await tokenRequest(platform, {
      grant_type: 'refresh_token',
      refresh_token: issued.body.refresh_token,
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  test('When a rotated-away refresh token comes back, then the whole token family is revoked', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const first = (await exchange(code)).body;
    const second = (
      await tokenRequest(platform, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
      })
    ).body;

    // An attacker replays the first refresh token: refused, and the family dies with it.
    const replay = await tokenRequest(platform, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(replay.body.error).toBe('invalid_grant');
    const api = await platform
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${second.access_token}`);
    expect(api.status).toBe(401);
    const refresh = await tokenRequest(platform, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  test('When the token request is JSON with form-body client credentials, then it is accepted too', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const res = await platform.post('/oauth/token').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: PLATFORM.redirectUri,
      client_id: PLATFORM.clientId,
      client_secret: PLATFORM.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  test('When the request leaves out redirect_uri (one registered), then the code comes back there and the token request needs none', async () => {
    const url = platformRequest({ redirect_uri: undefined });
    const answer = await consent(await signedIn(), url);
    expect(answer.headers.location).toMatch(
      /^https:\/\/tenant\.ccaiplatform\.com\/oauth\/callback\?/,
    );
    const code = redirectQuery(answer.headers.location).get('code') ?? '';
    const res = await tokenRequest(platform, { grant_type: 'authorization_code', code });
    expect(res.status).toBe(200);
  });

  test('When the state holds unusual characters, then it comes back byte for byte', async () => {
    const state = 'a b&c=d/é?#%20<script>';
    const answer = await consent(await signedIn(), platformRequest({ state }));
    expect(redirectQuery(answer.headers.location).get('state')).toBe(state);
  });

  test('When staff deny, then the client gets error=access_denied with its state, and no code', async () => {
    const answer = await consent(await signedIn(), platformRequest(), 'deny');
    expect(answer.status).toBe(303);
    const query = redirectQuery(answer.headers.location);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe('st-123');
    expect(query.get('code')).toBeNull();
  });

  test('When /oauth/userinfo is called with the token, then it names the staff member who consented', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const { access_token: token } = (await exchange(code)).body;
    const res = await platform.get('/oauth/userinfo').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'admin', name: 'admin', preferred_username: 'admin' });
  });
});

describe('Authorization codes: single use, bound, unforgeable', () => {
  test('When a code is redeemed twice, then the second is refused and the tokens of the first are revoked', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const first = await exchange(code);
    expect(first.status).toBe(200);
    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    const api = await platform
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${first.body.access_token}`);
    expect(api.status).toBe(401);
  });

  test('When the same code is redeemed concurrently, then exactly one request gets tokens', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const answers = await Promise.all([exchange(code), exchange(code), exchange(code)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400]);
  });

  test('When a forged code is presented, then invalid_grant', async () => {
    const res = await exchange('A'.repeat(43));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  test('When another client redeems the code, then invalid_grant', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const res = await tokenRequest(
      platform,
      { grant_type: 'authorization_code', code, redirect_uri: PLATFORM.redirectUri },
      { id: OTHER.clientId, secret: OTHER.clientSecret },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('When the token request names another redirect_uri than the authorization request, then it is refused', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const res = await exchange(code, { redirect_uri: 'https://tenant.ccaiplatform.com/other' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^invalid_(request|grant)$/);
  });
});

describe('Client authentication at the token endpoint', () => {
  test('When the Basic secret is wrong, then 401 invalid_client with a Basic challenge', async () => {
    const code = await authorizationCode(await signedIn(), platformRequest());
    const res = await tokenRequest(
      platform,
      { grant_type: 'authorization_code', code, redirect_uri: PLATFORM.redirectUri },
      { id: PLATFORM.clientId, secret: 'wrong' },
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="crm-bridge"');
    // The code was not spent on a failed client authentication.
    expect((await exchange(code)).status).toBe(200);
  });

  test('When the form secret is wrong or missing, then 400 invalid_client / invalid_request', async () => {
    const wrong = await platform.post('/oauth/token').type('form').send({
      grant_type: 'client_credentials',
      client_id: PLATFORM.clientId,
      client_secret: 'nope',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_client');
    const missing = await platform
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: PLATFORM.clientId });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/^invalid_(client|request)$/);
  });

  test('When the body is neither a form nor JSON, or repeats a parameter, then invalid_request', async () => {
    const text = await platform.post('/oauth/token').type('text/plain').send('grant_type=x');
    expect(text.status).toBe(400);
    expect(text.body.error).toBe('invalid_request');
    const repeated = await platform
      .post('/oauth/token')
      .type('form')
      .send('grant_type=client_credentials&grant_type=password');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    const broken = await platform.post('/oauth/token').type('json').send('{"grant_type":');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('invalid_request');
  });

  test('When the grant type is unknown or not allowed to the client, then unsupported_grant_type / unauthorized_client', async () => {
    const unknown = await tokenRequest(platform, { grant_type: 'implicit' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('unsupported_grant_type');
    const password = await tokenRequest(platform, {
      grant_type: 'password',
      username: STAFF.username,
      password: STAFF.password,
    });
    expect(password.status).toBe(400);
    expect(password.body.error).toBe('unauthorized_client');
  });
});

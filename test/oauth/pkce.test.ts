import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  type Agent,
  authorizationCode,
  PLATFORM,
  pkcePair,
  platformRequest,
  redirectQuery,
  signIn,
  tokenRequest,
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

const redeem = (code: string, verifier?: string) =>
  tokenRequest(supertest.agent(t.app.express), {
    grant_type: 'authorization_code',
    code,
    redirect_uri: PLATFORM.redirectUri,
    ...(verifier !== undefined && { code_verifier: verifier }),
  });

describe('PKCE (S256)', () => {
  test('When the right code_verifier is sent, then tokens are issued', async () => {
    const { verifier, challenge } = pkcePair();
    const url = platformRequest({ code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await redeem(await authorizationCode(browser, url), verifier);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeDefined();
  });

  test('When a wrong code_verifier is sent, then invalid_grant, and the code is spent', async () => {
    const { verifier, challenge } = pkcePair();
    const url = platformRequest({ code_challenge: challenge, code_challenge_method: 'S256' });
    const code = await authorizationCode(browser, url);
    const wrong = await redeem(code, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    // Guessing verifiers is no use: the failed attempt consumed the code.
    expect((await redeem(code, verifier)).body.error).toBe('invalid_grant');
  });

  test('When the code_verifier is left out, then invalid_grant', async () => {
    const url = platformRequest({
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const res = await redeem(await authorizationCode(browser, url));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('When the client sends only client_id and a code_verifier (a public client), then invalid_client: every client must authenticate', async () => {
    const { verifier, challenge } = pkcePair();
    const url = platformRequest({ code_challenge: challenge, code_challenge_method: 'S256' });
    const code = await authorizationCode(browser, url);
    const res = await supertest.agent(t.app.express).post('/oauth/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: PLATFORM.redirectUri,
      client_id: PLATFORM.clientId,
      code_verifier: verifier,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client');
    // The code survives a failed client authentication, for the genuine client.
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  test('When a code_verifier comes for a code without a challenge, then invalid_grant', async () => {
    const res = await redeem(
      await authorizationCode(browser, platformRequest()),
      pkcePair().verifier,
    );
    expect(res.body.error).toBe('invalid_grant');
  });

  test.each([
    ['plain', { code_challenge: pkcePair().verifier, code_challenge_method: 'plain' }],
    ['no method (plain by RFC 7636)', { code_challenge: pkcePair().challenge }],
    ['a method without challenge', { code_challenge_method: 'S256' }],
    ['a challenge that is no SHA-256', { code_challenge: 'short', code_challenge_method: 'S256' }],
  ])(
    'When the authorization request carries %s, then the client gets invalid_request and no consent page is shown',
    async (_name, pkce) => {
      const res = await browser.get(platformRequest(pkce));
      expect(res.status).toBe(302);
      const query = redirectQuery(res.headers.location);
      expect(res.headers.location).toMatch(
        /^https:\/\/tenant\.ccaiplatform\.com\/oauth\/callback\?/,
      );
      expect(query.get('error')).toBe('invalid_request');
      expect(query.get('state')).toBe('st-123');
      expect(query.get('code')).toBeNull();
    },
  );
});

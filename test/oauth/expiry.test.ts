import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { Router } from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { apiRouter } from '../../src/api/api-router';
import { TEMPLATES_DIR } from '../../src/app';
import { createOAuth } from '../../src/oauth/oauth-routes';
import { errorHandler } from '../../src/shared/http/error-handler';
import { createLogger } from '../../src/shared/log/logger';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';
import { testConfig } from '../support/test-app';
import {
  type Agent,
  authorizationCode,
  basic,
  eventually,
  PLATFORM,
  platformRequest,
  tokenRequest,
  withOAuth,
} from './oauth-helpers';

const ACCESS_TTL = 600;
const REFRESH_TTL = 3600;

let dataDir: string;
let store: Store;
let browser: Agent;
let client: Agent;
/** How far the OAuth clock runs ahead of the wall clock. */
let skewMs = 0;

/**
 * Only the OAuth routes and a bearer-protected API route, on a clock the test moves. A minimal
 * session with a test-only sign-in stands in for the web pages' login.
 */
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-oauth-expiry-'));
  store = await createStore({ dataDir });
  const config = withOAuth(testConfig(dataDir), {
    accessTokenTtlSeconds: ACCESS_TTL,
    refreshTokenTtlSeconds: REFRESH_TTL,
  });
  const logger = createLogger('silent');
  const oauth = await createOAuth({
    server: config.server,
    store,
    logger,
    templatesDir: TEMPLATES_DIR,
    now: () => Date.now() + skewMs,
  });
  const app = express();
  const sessions = session({ secret: 'test-only-secret', resave: false, saveUninitialized: false });
  app.use(sessions);
  app.post('/test/sign-in', (req, res) => {
    req.session.staff = { username: 'admin', via: 'local' };
    res.sendStatus(204);
  });
  app.use(oauth.routes(sessions));
  const ping = Router().get('/ping', (_req, res) => {
    res.json({ principal: res.locals.principal });
  });
  app.use(
    '/api/v1',
    apiRouter({ server: config.server, routers: [ping], verifyBearer: oauth.verifyBearer }),
  );
  app.use(errorHandler(logger));

  browser = supertest.agent(app);
  client = supertest.agent(app);
  await browser.post('/test/sign-in');
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  skewMs = 0;
});

const exchange = (code: string) =>
  tokenRequest(client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: PLATFORM.redirectUri,
  });

describe('Lifetimes, on an injected clock', () => {
  test('When a code is redeemed 59 s after it was issued, then tokens are issued', async () => {
    const code = await authorizationCode(browser, platformRequest());
    skewMs = 59_000;
    expect((await exchange(code)).status).toBe(200);
  });

  test('When a code is redeemed 61 s after it was issued, then invalid_grant', async () => {
    const code = await authorizationCode(browser, platformRequest());
    skewMs = 61_000;
    const res = await exchange(code);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('When the access token outlives accessTokenTtlSeconds, then the API and userinfo refuse it', async () => {
    const res = await client
      .post('/oauth/token')
      .set('Authorization', basic(PLATFORM.clientId, PLATFORM.clientSecret))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(res.body.expires_in).toBeLessThanOrEqual(ACCESS_TTL);
    const bearer = `Bearer ${res.body.access_token}`;
    const ping = await client.get('/api/v1/ping').set('Authorization', bearer);
    expect(ping.body.principal).toEqual({ method: 'bearer', name: PLATFORM.clientId });

    skewMs = (ACCESS_TTL + 1) * 1000;
    expect((await client.get('/api/v1/ping').set('Authorization', bearer)).status).toBe(401);
    expect((await client.get('/oauth/userinfo').set('Authorization', bearer)).status).toBe(401);
  });

  test('When the refresh token outlives refreshTokenTtlSeconds, then invalid_grant', async () => {
    const issued = (await exchange(await authorizationCode(browser, platformRequest()))).body;
    skewMs = (REFRESH_TTL + 1) * 1000;
    const res = await tokenRequest(client, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('When time passes, then the sweep removes expired codes and tokens from the store', async () => {
    await exchange(await authorizationCode(browser, platformRequest()));
    await authorizationCode(browser, platformRequest());
    const count = () =>
      Promise.all(['oauth_codes', 'oauth_tokens'].map((c) => store.collection(c).count()));
    const [codesBefore, tokensBefore] = await count();
    expect(codesBefore).toBeGreaterThan(0);
    expect(tokensBefore).toBeGreaterThan(0);
    skewMs = (REFRESH_TTL + 1) * 1000;
    // A new grant triggers the (at most every few minutes) sweep.
    await authorizationCode(browser, platformRequest());
    await eventually(async () => {
      expect(await count()).toEqual([1, 0]);
    });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { outboundAuthSchema, type OAuth2Auth } from '../../src/generic-api/config/auth-schema';
import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import { createOAuthTokenSource } from '../../src/generic-api/sender/oauth-client';
import { OAUTH_COLLECTION } from '../../src/generic-api/sender/oauth-token-store';
import { TOKENS_COLLECTION } from '../../src/oauth/grant-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { basic, client, OTHER, PLATFORM, withOAuth } from './oauth-helpers';

let t: TestApp;

const REPORTER = client({
  clientId: 'reporter',
  clientSecret: 'reporter-secret',
  name: 'Nightly report',
  grants: ['client_credentials'],
});

beforeAll(async () => {
  t = await startTestApp({
    configure: (config) =>
      withOAuth(config, {
        clients: [
          client({ ...PLATFORM, redirectUris: [PLATFORM.redirectUri] }),
          client({ ...OTHER, redirectUris: [OTHER.redirectUri], grants: ['authorization_code'] }),
          REPORTER,
        ],
      }),
  });
});
afterAll(() => t.close());

describe('client_credentials', () => {
  test('When the client authenticates with form fields, then it gets an access token and no refresh token', async () => {
    const res = await t.anonymous.post('/oauth/token').type('form').send({
      grant_type: 'client_credentials',
      client_id: PLATFORM.clientId,
      client_secret: PLATFORM.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
    });
    const api = await t.anonymous
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${res.body.access_token}`);
    expect(api.status).toBe(200);
  });

  test('When the client authenticates with HTTP Basic and asks for a scope, then the token carries it and userinfo names the client', async () => {
    const res = await t.anonymous
      .post('/oauth/token')
      .set('Authorization', basic(REPORTER.clientId, REPORTER.clientSecret))
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'reports read' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('reports read');
    const me = await t.anonymous
      .get('/oauth/userinfo')
      .set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.body).toEqual({ sub: 'reporter', name: 'Nightly report', client_id: 'reporter' });
  });

  test('When a client not allowed the grant asks for it, then unauthorized_client', async () => {
    const res = await t.anonymous
      .post('/oauth/token')
      .set('Authorization', basic(OTHER.clientId, OTHER.clientSecret))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  test('When the secret is wrong, then 401 invalid_client and no token', async () => {
    const res = await t.anonymous
      .post('/oauth/token')
      .set('Authorization', basic(REPORTER.clientId, 'guess'))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.access_token).toBeUndefined();
  });
});

describe('Bearer tokens on /api/v1 and /oauth/userinfo', () => {
  test('When the bearer token is unknown, then 401 with both challenges', async () => {
    const res = await t.anonymous.get('/api/v1/accounts').set('Authorization', 'Bearer nope');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer realm="crm-bridge"');
  });

  test('When userinfo gets no token or a bad one, then 401 with a Bearer challenge', async () => {
    const none = await t.anonymous.get('/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="crm-bridge"');
    const bad = await t.anonymous.get('/oauth/userinfo').set('Authorization', 'Bearer forged');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe("crm-bridge's own generic-api OAuth client against its own server", () => {
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    server = http.createServer(t.app.express);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function auth(clientAuth: 'basic' | 'body'): OAuth2Auth {
    const parsed = outboundAuthSchema.parse({
      method: 'oauth2',
      authorizationUrl: `${origin}/oauth/authorize`,
      tokenUrl: `${origin}/oauth/token`,
      clientId: REPORTER.clientId,
      clientSecret: REPORTER.clientSecret,
      grant: 'client_credentials',
      clientAuth,
    });
    if (parsed.method !== 'oauth2') throw new Error('not oauth2');
    return parsed;
  }

  test.each(['basic', 'body'] as const)(
    'When createOAuthTokenSource (%s client auth) and createHttpSender call /api/v1, then one token is fetched and accepted',
    async (clientAuth) => {
      const oauth = auth(clientAuth);
      const tokens = createOAuthTokenSource({ auth: oauth, store: t.store, timeoutSeconds: 5 });
      const sender = createHttpSender({ auth: oauth, timeoutSeconds: 5, tokens });
      const request = {
        endpoint: 'searchAccounts',
        method: 'GET' as const,
        url: `${origin}/api/v1/accounts`,
        headers: {},
      };
      const issued = () =>
        t.store.collection(TOKENS_COLLECTION).count({
          and: [
            { field: 'clientId', op: 'eq', value: REPORTER.clientId },
            { field: 'kind', op: 'eq', value: 'access' },
          ],
        });
      await t.store
        .collection(OAUTH_COLLECTION)
        .deleteMany({ field: 'clientId', op: 'eq', value: REPORTER.clientId });
      const before = await issued();
      const first = await sender.send(request);
      const second = await sender.send(request);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(first.body).toEqual(expect.objectContaining({ data: expect.any(Array) }));
      expect(await issued()).toBe(before + 1);
    },
  );
});

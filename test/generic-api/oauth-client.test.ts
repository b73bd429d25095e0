import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { outboundAuthSchema, type OAuth2Auth } from '../../src/generic-api/config/auth-schema';
import { OAuthNotLinkedError, OAuthTokenError } from '../../src/generic-api/sender/errors';
import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import { createOAuthTokenSource } from '../../src/generic-api/sender/oauth-client';
import {
  authorizationUrl,
  codeFromInput,
  linkAuthorizationCode,
} from '../../src/generic-api/sender/oauth-link';
import { oauthTokenStore } from '../../src/generic-api/sender/oauth-token-store';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';
import { json, startLoopback, type Handler, type Loopback, type Received } from './loopback';

const servers: Loopback[] = [];
const stores: Store[] = [];
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-oauth-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function serve(handler: Handler): Promise<Loopback> {
  const server = await startLoopback(handler);
  servers.push(server);
  return server;
}

/** The embedded store in DATA_DIR, as the server opens it; a second call is a "restart". */
async function openStore(): Promise<Store> {
  const store = await createStore({ dataDir });
  stores.push(store);
  return store;
}

function oauth(tokenServer: Loopback, extra: Record<string, unknown> = {}): OAuth2Auth {
  const parsed = outboundAuthSchema.parse({
    method: 'oauth2',
    authorizationUrl: 'https://crm.example.com/oauth/authorize',
    tokenUrl: `${tokenServer.origin}/oauth/token`,
    clientId: 'bridge-client',
    clientSecret: 'client+secret/1',
    ...extra,
  });
  if (parsed.method !== 'oauth2') throw new Error('not oauth2');
  return parsed;
}

const form = (r: Received | undefined): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(r?.body.toString() ?? ''));

/** A token server issuing access-1, access-2, ... and, when asked, rotating refresh tokens. */
function tokenIssuer(options: { rotate?: boolean; expiresIn?: number; delayMs?: number } = {}) {
  let issued = 0;
  const handler: Handler = async (_req, res) => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    issued += 1;
    json(res, 200, {
      access_token: `access-${issued}`,
      token_type: 'Bearer',
      ...(options.expiresIn !== undefined && { expires_in: options.expiresIn }),
      ...(options.rotate && { refresh_token: `refresh-${issued + 1}` }),
    });
  };
  return handler;
}

describe('OAuth token source: client_credentials', () => {
  it('When three requests are sent, then the token is fetched once with HTTP Basic client auth and reused', async () => {
    const tokens = await serve(tokenIssuer({ expiresIn: 3600 }));
    const crm = await serve((_req, res) => json(res, 200, {}));
    const auth = oauth(tokens, { grant: 'client_credentials', scope: 'crm.read crm.write' });
    const source = createOAuthTokenSource({ auth, store: await openStore() });
    const sender = createHttpSender({ auth, timeoutSeconds: 2, tokens: source });

    for (let i = 0; i < 3; i++) {
      await sender.send({ endpoint: 'e', method: 'GET', url: `${crm.origin}/a`, headers: {} });
    }

    expect(tokens.received).toHaveLength(1);
    const [request] = tokens.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/oauth/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: id and secret are form-encoded before base64, so "+" and "/" are escaped.
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('bridge-client:client%2Bsecret%2F1').toString('base64')}`,
    );
    expect(request?.body.toString()).toBe('grant_type=client_credentials&scope=crm.read+crm.write');
    expect(crm.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer access-1',
      'Bearer access-1',
      'Bearer access-1',
    ]);
  });

  it('When clientAuth is body and redirectInAuthUrl is on, then the credentials and redirect_uri are form fields', async () => {
    const tokens = await serve(tokenIssuer());
    const auth = oauth(tokens, {
      grant: 'client_credentials',
      clientAuth: 'body',
      redirectInAuthUrl: true,
      redirectUri: 'https://bridge.example.com/oauth/callback',
    });

    await createOAuthTokenSource({ auth, store: await openStore() }).accessToken();

    expect(tokens.received[0]?.headers.authorization).toBeUndefined();
    expect(form(tokens.received[0])).toEqual({
      grant_type: 'client_credentials',
      redirect_uri: 'https://bridge.example.com/oauth/callback',
      client_id: 'bridge-client',
      client_secret: 'client+secret/1',
    });
  });

  it('When the token nears expires_in, then a new one is fetched before it expires', async () => {
    const tokens = await serve(tokenIssuer({ expiresIn: 600 }));
    let now = 1_000_000;
    const source = createOAuthTokenSource({
      auth: oauth(tokens, { grant: 'client_credentials' }),
      store: await openStore(),
      now: () => now,
    });

    expect(await source.accessToken()).toBe('access-1');
    now += 539_000; // 60 s margin: still in use 61 s before expiry
    expect(await source.accessToken()).toBe('access-1');
    now += 2_000; // 59 s before expiry
    expect(await source.accessToken()).toBe('access-2');
    expect(tokens.received).toHaveLength(2);
  });

  it('When many callers ask at once, then they share one token request', async () => {
    const tokens = await serve(tokenIssuer({ delayMs: 50 }));
    const source = createOAuthTokenSource({
      auth: oauth(tokens, { grant: 'client_credentials' }),
      store: await openStore(),
    });

    const got = await Promise.all(Array.from({ length: 10 }, () => source.accessToken()));

    expect(new Set(got)).toEqual(new Set(['access-1']));
    expect(tokens.received).toHaveLength(1);
  });

  it('When the token URL refuses the client, then OAuthTokenError carries its status, code and a hint', async () => {
    const tokens = await serve((_req, res) =>
      json(res, 401, { error: 'invalid_client', error_description: 'bad secret' }),
    );
    const source = createOAuthTokenSource({
      auth: oauth(tokens, { grant: 'client_credentials' }),
      store: await openStore(),
    });

    const error = await source.accessToken().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OAuthTokenError);
    expect(error).toMatchObject({ tokenStatus: 401, oauthError: 'invalid_client', status: 502 });
    expect((error as Error).message).toBe(
      `the OAuth token URL ${tokens.origin}/oauth/token answered 401 invalid_client: bad secret` +
        ' (check clientId/clientSecret, or try clientAuth: body)',
    );
  });

  it('When the token URL answers a form body with expires_in as text, then it is understood', async () => {
    const tokens = await serve((_req, res) => {
      res.setHeader('Content-Type', 'application/x-www-form-urlencoded');
      res.end('access_token=form-token&expires_in=3600&token_type=bearer');
    });
    const source = createOAuthTokenSource({
      auth: oauth(tokens, { grant: 'client_credentials' }),
      store: await openStore(),
    });

    expect(await source.accessToken()).toBe('form-token');
    expect((await oauthTokenStore(stores[0]!, oauth(tokens)).load())?.expiresAt).toEqual(
      expect.any(Number),
    );
  });
});

describe('OAuth token source: a linked refresh token', () => {
  it('When no refresh token was linked, then OAuthNotLinkedError says to run oauth link', async () => {
    const tokens = await serve(tokenIssuer());
    const source = createOAuthTokenSource({ auth: oauth(tokens), store: await openStore() });

    await expect(source.accessToken()).rejects.toThrow(OAuthNotLinkedError);
    await expect(source.accessToken()).rejects.toThrow(/npx crm-bridge oauth link/);
    expect(tokens.received).toHaveLength(0);
  });

  it('When the CRM answers 401, then the token is refreshed exactly once and the request retried', async () => {
    const tokens = await serve(tokenIssuer({ expiresIn: 3600 }));
    const crm = await serve((req, res) =>
      json(res, req.headers.authorization === 'Bearer access-1' ? 401 : 200, { ok: true }),
    );
    const auth = oauth(tokens);
    const store = await openStore();
    await oauthTokenStore(store, auth).save({ refreshToken: 'refresh-1' });
    const sender = createHttpSender({
      auth,
      timeoutSeconds: 2,
      tokens: createOAuthTokenSource({ auth, store }),
    });

    const response = await sender.send({
      endpoint: 'createRecord',
      method: 'POST',
      url: `${crm.origin}/records`,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from('{"subject":"hi"}'),
    });

    expect(response.status).toBe(200);
    expect(tokens.received.map(form)).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'refresh-1' },
      { grant_type: 'refresh_token', refresh_token: 'refresh-1' },
    ]);
    expect(crm.received.map((r) => [r.headers.authorization, r.body.toString()])).toEqual([
      ['Bearer access-1', '{"subject":"hi"}'],
      ['Bearer access-2', '{"subject":"hi"}'],
    ]);
  });

  it('When several requests get a 401 for the same token at once, then they share one refresh', async () => {
    const tokens = await serve(tokenIssuer({ delayMs: 30 }));
    const crm = await serve((req, res) =>
      json(res, req.headers.authorization === 'Bearer stale' ? 401 : 200, {}),
    );
    const auth = oauth(tokens);
    const store = await openStore();
    await oauthTokenStore(store, auth).save({ accessToken: 'stale', refreshToken: 'refresh-1' });
    const sender = createHttpSender({
      auth,
      timeoutSeconds: 2,
      tokens: createOAuthTokenSource({ auth, store }),
    });

    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        sender.send({ endpoint: 'e', method: 'GET', url: `${crm.origin}/a/${i}`, headers: {} }),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(tokens.received).toHaveLength(1);
    expect(crm.received.filter((r) => r.headers.authorization === 'Bearer access-1')).toHaveLength(
      5,
    );
  });

  it('When the server rotates the refresh token, then the new one is stored and used after a restart', async () => {
    const tokens = await serve(tokenIssuer({ rotate: true, expiresIn: 600 }));
    const auth = oauth(tokens);
    let now = 5_000_000;
    const first = await openStore();
    await oauthTokenStore(first, auth).save({ refreshToken: 'refresh-1' });

    expect(await createOAuthTokenSource({ auth, store: first, now: () => now }).accessToken()).toBe(
      'access-1',
    );
    await first.close();

    // Restarted while the access token is still fresh: it comes from the store, no request.
    const second = await openStore();
    expect(
      await createOAuthTokenSource({ auth, store: second, now: () => now }).accessToken(),
    ).toBe('access-1');
    await second.close();

    // Restarted after it expired: refreshed with the rotated refresh token.
    now += 600_000;
    const third = await openStore();
    expect(await createOAuthTokenSource({ auth, store: third, now: () => now }).accessToken()).toBe(
      'access-2',
    );
    expect(tokens.received.map((r) => form(r).refresh_token)).toEqual(['refresh-1', 'refresh-2']);
    expect(await oauthTokenStore(third, auth).load()).toMatchObject({
      accessToken: 'access-2',
      refreshToken: 'refresh-3',
      expiresAt: now + 600_000,
      refreshAt: now + 540_000,
    });
  });

  it('When the server does not rotate, then the linked refresh token stays in force', async () => {
    const tokens = await serve(tokenIssuer());
    const auth = oauth(tokens);
    const store = await openStore();
    await oauthTokenStore(store, auth).save({ refreshToken: 'refresh-1' });
    const source = createOAuthTokenSource({ auth, store });

    source.invalidate(await source.accessToken());
    await source.accessToken();

    expect(tokens.received.map((r) => form(r).refresh_token)).toEqual(['refresh-1', 'refresh-1']);
    expect((await oauthTokenStore(store, auth).load())?.refreshToken).toBe('refresh-1');
  });

  it('When the refresh token was revoked, then OAuthTokenError says to link again', async () => {
    const tokens = await serve((_req, res) => json(res, 400, { error: 'invalid_grant' }));
    const auth = oauth(tokens);
    const store = await openStore();
    await oauthTokenStore(store, auth).save({ refreshToken: 'revoked' });

    await expect(createOAuthTokenSource({ auth, store }).accessToken()).rejects.toThrow(
      /answered 400 invalid_grant \(link again with "npx crm-bridge oauth link"\)/,
    );
  });
});

describe('OAuth authorization-code link', () => {
  it('When the authorization URL is built, then it has every configured parameter and keeps its own', async () => {
    const tokens = await serve(tokenIssuer());
    const auth = oauth(tokens, {
      authorizationUrl: 'https://crm.example.com/oauth/authorize?prompt=consent',
      scope: 'ZohoCRM.modules.ALL',
      state: 'xyz',
      accessType: 'offline',
      redirectInAuthUrl: true,
      redirectUri: 'https://bridge.example.com/cb',
    });

    expect(authorizationUrl(auth)).toBe(
      'https://crm.example.com/oauth/authorize?prompt=consent&response_type=code' +
        '&client_id=bridge-client&redirect_uri=https%3A%2F%2Fbridge.example.com%2Fcb' +
        '&scope=ZohoCRM.modules.ALL&state=xyz&access_type=offline',
    );
    expect(authorizationUrl(oauth(tokens))).toBe(
      'https://crm.example.com/oauth/authorize?response_type=code&client_id=bridge-client',
    );
  });

  it('When the code is exchanged, then the authorization_code grant is sent and the tokens stored for the source', async () => {
    const tokens = await serve(tokenIssuer({ rotate: true, expiresIn: 3600 }));
    const auth = oauth(tokens, {
      redirectInAuthUrl: true,
      redirectUri: 'https://b.example.com/cb',
    });
    const store = await openStore();

    await expect(linkAuthorizationCode({ auth, store, code: 'the-code' })).resolves.toEqual({
      refreshToken: true,
      expiresInSeconds: 3600,
    });

    expect(form(tokens.received[0])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'https://b.example.com/cb',
    });
    expect(await createOAuthTokenSource({ auth, store }).accessToken()).toBe('access-1');
    expect((await oauthTokenStore(store, auth).load())?.refreshToken).toBe('refresh-2');
  });

  it.each([
    ['abc123', { ok: true, code: 'abc123' }],
    ['https://b.example.com/cb?code=c%2F1&state=xyz', { ok: true, code: 'c/1' }],
    ['https://b.example.com/cb?code=c1&state=other', { ok: false }],
    ['https://b.example.com/cb?error=access_denied&state=xyz', { ok: false }],
    ['https://b.example.com/cb?state=xyz', { ok: false }],
    ['  ', { ok: false }],
  ])(
    'When the admin pastes %j, then the code is taken from it or refused',
    async (input, expected) => {
      const tokens = await serve(tokenIssuer());
      expect(codeFromInput(input, oauth(tokens, { state: 'xyz' }))).toMatchObject(expected);
    },
  );
});

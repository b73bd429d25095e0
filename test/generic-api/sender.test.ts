import { outboundAuthSchema, type OutboundAuth } from '../../src/generic-api/config/auth-schema';
import type { OutboundRequest } from '../../src/generic-api/outbound';
import {
  DownstreamNetworkError,
  DownstreamTimeoutError,
  DownstreamTooLargeError,
} from '../../src/generic-api/sender/errors';
import { createHttpSender, type HttpSenderOptions } from '../../src/generic-api/sender/http-sender';
import {
  exchangeSecrets,
  maskExchange,
  MASK,
  type Exchange,
} from '../../src/generic-api/sender/mask-exchange';
import type { OAuthTokenSource } from '../../src/generic-api/sender/oauth-client';
import { closedPort, json, startLoopback, type Handler, type Loopback } from './loopback';

const open: Loopback[] = [];

async function crm(handler: Handler): Promise<Loopback> {
  const server = await startLoopback(handler);
  open.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const auth = (value: unknown): OutboundAuth => outboundAuthSchema.parse(value);
const NONE = auth({ method: 'none' });
const BASIC = auth({ method: 'basic', username: 'ada', password: 's3cret-pass' });

function sender(options: Partial<HttpSenderOptions> = {}) {
  return createHttpSender({ auth: NONE, timeoutSeconds: 2, ...options });
}

function post(url: string, body: unknown, endpoint = 'createAccount'): OutboundRequest {
  return {
    endpoint,
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

const get = (url: string, endpoint = 'findAccountByQuery'): OutboundRequest => ({
  endpoint,
  method: 'GET',
  url,
  headers: {},
});

describe('HTTP sender: the request on the wire', () => {
  it('When a POST is sent with basic auth, then the CRM receives exactly its method, path, query, headers and bytes', async () => {
    const server = await crm((_req, res) => json(res, 201, { account: { id: 'a1' } }));
    const body = Buffer.from('{"account":{"name":"Zoë","phone":"+1 222 333 4444"}}');

    const response = await sender({ auth: BASIC }).send({
      endpoint: 'createAccount',
      method: 'POST',
      url: `${server.origin}/api/v1/accounts?source=ccaip&tag=a%20b`,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body,
    });

    expect(server.received).toHaveLength(1);
    const [received] = server.received;
    expect(received?.method).toBe('POST');
    expect(received?.target).toBe('/api/v1/accounts?source=ccaip&tag=a%20b');
    expect(received?.query).toEqual({ source: 'ccaip', tag: 'a b' });
    expect(received?.body.equals(body)).toBe(true);
    expect(received?.headers).toMatchObject({
      authorization: `Basic ${Buffer.from('ada:s3cret-pass').toString('base64')}`,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      accept: 'application/json, */*;q=0.8',
      'user-agent': 'crm-bridge',
    });
    expect(Object.keys(received?.headers ?? {}).sort()).toEqual([
      'accept',
      'accept-encoding',
      'authorization',
      'connection',
      'content-length',
      'content-type',
      'host',
      'user-agent',
    ]);
    expect(response).toMatchObject({ status: 201, body: { account: { id: 'a1' } } });
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('When auth is header, then every configured pair is sent and overrides a same-named builder header', async () => {
    const server = await crm((_req, res) => json(res, 200, {}));
    const headerAuth = auth({
      method: 'header',
      headers: { 'X-Api-Key': 'key-123456', 'X-Tenant': 'acme' },
    });

    await sender({ auth: headerAuth }).send({
      ...get(`${server.origin}/accounts`),
      headers: { 'x-api-key': 'from-the-builder', 'X-Trace': 't1' },
    });

    expect(server.received[0]?.headers).toMatchObject({
      'x-api-key': 'key-123456',
      'x-tenant': 'acme',
      'x-trace': 't1',
    });
    expect(server.received[0]?.headers.authorization).toBeUndefined();
  });

  it('When auth is none, then no credentials of any kind are sent', async () => {
    const server = await crm((_req, res) => json(res, 200, {}));

    await sender().send(get(`${server.origin}/accounts?phone=%2B12223334444`));

    expect(server.received[0]?.query).toEqual({ phone: '+12223334444' });
    expect(server.received[0]?.headers.authorization).toBeUndefined();
    expect(server.received[0]?.body.length).toBe(0);
  });
});

describe('HTTP sender: responses', () => {
  it.each([
    ['application/json', '{"data":[{"id":1}]}', { data: [{ id: 1 }] }],
    ['application/vnd.api+json', '{"data":{"id":"x"}}', { data: { id: 'x' } }],
    ['text/plain', '[{"id":"looks-like-json"}]', [{ id: 'looks-like-json' }]],
    [undefined, '{"untyped":true}', { untyped: true }],
    ['text/plain', 'created 42', 'created 42'],
    ['application/json', '<html>proxy error</html>', '<html>proxy error</html>'],
    ['text/html; charset=iso-8859-1', Buffer.from('caf\xe9', 'latin1'), 'café'],
    ['application/json', '', ''],
  ])(
    'When the CRM answers %s %j, then the body is parsed as JSON only when it is JSON',
    async (contentType, payload, expected) => {
      const server = await crm((_req, res) => {
        if (contentType !== undefined) res.setHeader('Content-Type', contentType);
        res.end(payload);
      });

      const response = await sender().send(get(`${server.origin}/x`));

      expect(response.body).toEqual(expected);
    },
  );

  it('When the CRM answers 404 or 500, then the response resolves with that status', async () => {
    const server = await crm((req, res) =>
      json(res, req.path === '/missing' ? 404 : 500, { error: req.path }),
    );

    await expect(sender().send(get(`${server.origin}/missing`))).resolves.toMatchObject({
      status: 404,
      body: { error: '/missing' },
    });
    await expect(sender().send(get(`${server.origin}/broken`))).resolves.toMatchObject({
      status: 500,
    });
  });
});

describe('HTTP sender: failures without a response', () => {
  it('When the CRM never answers, then DownstreamTimeoutError names the endpoint, URL and timeout', async () => {
    const server = await crm(() => undefined);
    const url = `${server.origin}/api/v1/accounts?phone=1`;

    const error = await sender({ timeoutSeconds: 1 })
      .send(get(url))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownstreamTimeoutError);
    expect(error).toMatchObject({
      endpoint: 'findAccountByQuery',
      url,
      timeoutSeconds: 1,
      status: 504,
      code: 'downstream_timeout',
    });
    expect((error as Error).message).toBe(
      `findAccountByQuery: no complete response from ${server.origin}/api/v1/accounts within 1 s`,
    );
  });

  it('When the CRM sends headers and then trickles its body past the timeout, then it still times out', async () => {
    const server = await crm((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });

    await expect(sender({ timeoutSeconds: 1 }).send(get(`${server.origin}/slow`))).rejects.toThrow(
      DownstreamTimeoutError,
    );
  });

  it('When nothing listens on the port, then DownstreamNetworkError carries ECONNREFUSED', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/accounts`;

    const error = await sender()
      .send(get(url))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownstreamNetworkError);
    expect(error).toMatchObject({
      endpoint: 'findAccountByQuery',
      url,
      causeCode: 'ECONNREFUSED',
      status: 502,
    });
  });

  it.each([
    ['with a Content-Length', true],
    ['chunked', false],
  ])(
    'When a response (%s) is larger than maxResponseBytes, then it is refused',
    async (_label, withLength) => {
      const big = Buffer.alloc(64 * 1024, 'x');
      const server = await crm((_req, res) => {
        if (withLength) res.setHeader('Content-Length', big.length);
        res.end(big);
      });

      const error = await sender({ maxResponseBytes: 1024 })
        .send(get(`${server.origin}/big`))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DownstreamTooLargeError);
      expect(error).toMatchObject({ direction: 'response', limitBytes: 1024 });
    },
  );

  it('When a request body is larger than maxRequestBytes, then nothing is sent', async () => {
    const server = await crm((_req, res) => json(res, 200, {}));

    await expect(
      sender({ maxRequestBytes: 10 }).send(
        post(`${server.origin}/upload`, { data: 'x'.repeat(20) }),
      ),
    ).rejects.toMatchObject({ name: 'DownstreamTooLargeError', direction: 'request' });
    expect(server.received).toHaveLength(0);
  });
});

describe('HTTP sender: redirects', () => {
  it('When the CRM redirects within its origin with 307, then the POST is repeated there with body and credentials', async () => {
    const server = await crm((req, res) => {
      if (req.path === '/old') {
        res.writeHead(307, { Location: '/new?x=1' }).end();
      } else json(res, 201, { id: 'moved' });
    });

    const response = await sender({ auth: BASIC }).send(post(`${server.origin}/old`, { a: 1 }));

    expect(response).toMatchObject({ status: 201, body: { id: 'moved' } });
    expect(server.received.map((r) => [r.method, r.target, r.body.toString()])).toEqual([
      ['POST', '/old', '{"a":1}'],
      ['POST', '/new?x=1', '{"a":1}'],
    ]);
    expect(server.received[1]?.headers.authorization).toMatch(/^Basic /);
  });

  it('When the CRM answers a POST with 303, then the redirect is fetched with a GET and no body', async () => {
    const server = await crm((req, res) => {
      if (req.method === 'POST') res.writeHead(303, { Location: `${server.origin}/r/1` }).end();
      else json(res, 200, { id: '1' });
    });

    await sender().send(post(`${server.origin}/records`, { a: 1 }));

    expect(server.received.map((r) => [r.method, r.path, r.body.length])).toEqual([
      ['POST', '/records', 7],
      ['GET', '/r/1', 0],
    ]);
    expect(server.received[1]?.headers['content-type']).toBeUndefined();
  });

  it('When the CRM redirects to another origin, then it is not followed, the 302 is returned and the other host sees nothing', async () => {
    const elsewhere = await crm((_req, res) => json(res, 200, { stolen: true }));
    const server = await crm((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.origin}/collect` }).end();
    });
    const headerAuth = auth({ method: 'header', headers: { 'X-Api-Key': 'key-123456' } });

    for (const configured of [BASIC, headerAuth]) {
      const response = await sender({ auth: configured }).send(get(`${server.origin}/accounts`));
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(`${elsewhere.origin}/collect`);
    }
    expect(elsewhere.received).toHaveLength(0);
  });

  it('When a redirect goes to the same port under another host name, then it is not followed either', async () => {
    const server = await crm((req, res) => {
      const port = new URL(server.origin).port;
      if (req.path === '/start')
        res.writeHead(301, { Location: `http://localhost:${port}/x` }).end();
      else json(res, 200, {});
    });

    const response = await sender({ auth: BASIC }).send(get(`${server.origin}/start`));

    expect(response.status).toBe(301);
    expect(server.received.map((r) => r.path)).toEqual(['/start']);
  });

  it('When the CRM keeps redirecting, then at most 3 redirects are followed and the last one is returned', async () => {
    const server = await crm((req, res) => {
      const n = Number(req.query.n ?? '0');
      res.writeHead(302, { Location: `/loop?n=${n + 1}` }).end();
    });

    const response = await sender().send(get(`${server.origin}/loop`));

    expect(response.status).toBe(302);
    expect(server.received.map((r) => r.target)).toEqual([
      '/loop',
      '/loop?n=1',
      '/loop?n=2',
      '/loop?n=3',
    ]);
  });
});

describe('HTTP sender: oauth2', () => {
  /** A token source handing out t1, then t2 once t1 is invalidated, and so on. */
  function countingTokens() {
    let current = 1;
    const invalidated: string[] = [];
    const tokens: OAuthTokenSource = {
      accessToken: async () => `t${current}`,
      invalidate: (token) => {
        invalidated.push(token);
        if (token === `t${current}`) current += 1;
      },
    };
    return { tokens, invalidated };
  }
  const OAUTH = auth({
    method: 'oauth2',
    authorizationUrl: 'https://crm.example.com/authorize',
    tokenUrl: 'https://crm.example.com/token',
    clientId: 'client',
    clientSecret: 'client-secret',
  });

  it('When auth is oauth2, then the request carries the bearer token', async () => {
    const server = await crm((_req, res) => json(res, 200, {}));
    const { tokens } = countingTokens();

    await sender({ auth: OAUTH, tokens }).send(get(`${server.origin}/a`));

    expect(server.received[0]?.headers.authorization).toBe('Bearer t1');
  });

  it('When the CRM answers 401, then the token is invalidated and the request repeated once with a new one', async () => {
    const server = await crm((req, res) =>
      json(res, req.headers.authorization === 'Bearer t2' ? 201 : 401, {}),
    );
    const { tokens, invalidated } = countingTokens();

    const response = await sender({ auth: OAUTH, tokens }).send(
      post(`${server.origin}/a`, { a: 1 }),
    );

    expect(response.status).toBe(201);
    expect(invalidated).toEqual(['t1']);
    expect(
      server.received.map((r) => [r.method, r.headers.authorization, r.body.toString()]),
    ).toEqual([
      ['POST', 'Bearer t1', '{"a":1}'],
      ['POST', 'Bearer t2', '{"a":1}'],
    ]);
  });

  it('When the CRM answers 401 to the new token too, then that 401 is returned without a third try', async () => {
    const server = await crm((_req, res) => json(res, 401, { error: 'nope' }));
    const { tokens, invalidated } = countingTokens();

    const response = await sender({ auth: OAUTH, tokens }).send(get(`${server.origin}/a`));

    expect(response.status).toBe(401);
    expect(invalidated).toEqual(['t1']);
    expect(server.received).toHaveLength(2);
  });

  it('When basic auth gets a 401, then nothing is retried', async () => {
    const server = await crm((_req, res) => json(res, 401, {}));

    await expect(sender({ auth: BASIC }).send(get(`${server.origin}/a`))).resolves.toMatchObject({
      status: 401,
    });
    expect(server.received).toHaveLength(1);
  });

  it('When oauth2 is configured without a token source, then creating the sender fails', () => {
    expect(() => sender({ auth: OAUTH })).toThrow(/token source/);
  });
});

describe('HTTP sender: exchanges and masking', () => {
  it('When onExchange is given, then it gets every hop with the credentials masked', async () => {
    const server = await crm((req, res) => {
      if (req.path === '/old') res.writeHead(302, { Location: '/new' }).end();
      else json(res, 200, { echoed: req.headers.authorization });
    });
    const exchanges: Exchange[] = [];

    await sender({ auth: BASIC, onExchange: (e) => exchanges.push(e) }).send(
      get(`${server.origin}/old`),
    );

    expect(exchanges.map((e) => [e.request.url, e.response?.status])).toEqual([
      [`${server.origin}/old`, 302],
      [`${server.origin}/new`, 200],
    ]);
    expect(exchanges[1]?.request.headers.Authorization).toBe(MASK);
    expect(exchanges[1]?.response?.body).toEqual({ echoed: `Basic ${MASK}` });
    expect(JSON.stringify(exchanges)).not.toContain(
      Buffer.from('ada:s3cret-pass').toString('base64'),
    );
    expect(exchanges.every((e) => e.durationMs >= 0)).toBe(true);
  });

  it('When a hop fails, then onExchange gets the error and the send rejects with it', async () => {
    const exchanges: Exchange[] = [];
    const url = `http://127.0.0.1:${await closedPort()}/a`;

    await expect(sender({ onExchange: (e) => exchanges.push(e) }).send(get(url))).rejects.toThrow(
      DownstreamNetworkError,
    );
    expect(exchanges).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({
          name: 'DownstreamNetworkError',
          code: 'downstream_unreachable',
        }),
      }),
    ]);
  });

  it('When maskExchange masks, then header values, passwords, tokens and their URL encodings are replaced everywhere', () => {
    const headerAuth = auth({
      method: 'header',
      headers: { 'X-Api-Key': 'k/y+1 2', 'X-Tenant': 'acme-tenant' },
    });
    const binary = Buffer.concat([
      Buffer.from([0xff, 0x00, 0xfe]),
      Buffer.from('key=k/y+1 2;'),
      Buffer.from([0x80]),
    ]);
    const exchange: Exchange = {
      request: {
        endpoint: 'uploadFile',
        method: 'POST',
        url: 'https://crm.example.com/u?key=k%2Fy%2B1%202&t=tok-abcdef',
        headers: {
          'x-api-key': 'k/y+1 2',
          'X-Tenant': 'acme-tenant',
          Cookie: 'sid=1',
          Accept: '*/*',
        },
        body: binary,
      },
      response: {
        status: 200,
        headers: { 'set-cookie': 'sid=2', 'content-type': 'application/json' },
        body: { nested: [{ key: 'k/y+1 2' }], token: 'tok-abcdef', n: 1 },
        durationMs: 3,
      },
      error: { name: 'Error', message: 'failed with k+y', code: 'x' },
      durationMs: 4,
    };

    const masked = maskExchange(exchange, exchangeSecrets(headerAuth, ['tok-abcdef']));

    expect(masked.request.url).toBe(`https://crm.example.com/u?key=${MASK}&t=${MASK}`);
    expect(masked.request.headers).toEqual({
      'x-api-key': MASK,
      'X-Tenant': MASK,
      Cookie: MASK,
      Accept: '*/*',
    });
    expect(masked.request.body).toEqual(
      Buffer.concat([
        Buffer.from([0xff, 0x00, 0xfe]),
        Buffer.from(`key=${MASK};`),
        Buffer.from([0x80]),
      ]),
    );
    expect(masked.response?.headers['set-cookie']).toBe(MASK);
    expect(masked.response?.body).toEqual({ nested: [{ key: MASK }], token: MASK, n: 1 });
    expect(masked.error?.message).toBe('failed with k+y');
    expect(exchange.request.headers['x-api-key']).toBe('k/y+1 2');
  });

  it('When the secrets are basic credentials, then the password and the base64 pair are masked, the user name not', () => {
    const pair = Buffer.from('ada:s3cret-pass').toString('base64');
    const masked = maskExchange(
      {
        request: {
          endpoint: 'e',
          method: 'GET',
          url: 'https://x/?u=ada&p=s3cret-pass',
          headers: {},
        },
        response: { status: 200, headers: {}, body: `debug: Basic ${pair}`, durationMs: 1 },
        durationMs: 1,
      },
      exchangeSecrets(BASIC),
    );
    expect(masked.request.url).toBe(`https://x/?u=ada&p=${MASK}`);
    expect(masked.response?.body).toBe(`debug: Basic ${MASK}`);
  });

  it('When a secret is a word of the mask itself, then it is masked once, not inside the mask again', () => {
    const masked = maskExchange(
      {
        request: { endpoint: 'e', method: 'GET', url: 'https://x/?a=secret&b=secret', headers: {} },
        durationMs: 1,
      },
      exchangeSecrets(auth({ method: 'basic', username: 'u', password: 'secret' })),
    );
    expect(masked.request.url).toBe(`https://x/?a=${MASK}&b=${MASK}`);
  });
});

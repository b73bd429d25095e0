import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Express } from 'express';
import { apiOperations } from '../../src/api/openapi/api-operations';
import { openApiDocument } from '../../src/api/openapi/document';
import { ApiContract } from '../support/api-contract';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';

type Json = Record<string, unknown>;
type Operations = Record<string, Record<string, Json>>;

const run = promisify(execFile);
const LINTER = path.join(
  path.dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')),
  'bin/validate-api-cli.js',
);

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/** Every route Express would answer, as `GET /api/v1/records/{id}`, walking mounted routers. */
function expressRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const template = String(layer.route.path).replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${prefix}${template}`);
    }
    if (!layer.handle.stack) return [];
    const mount = layer.slash || layer.rawPath === '/' ? '' : String(layer.rawPath ?? '');
    return expressRoutes(layer.handle.stack, prefix + mount);
  });
}

const documentedRoutes = (document: Json): string[] =>
  Object.entries(document.paths as Operations).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
  );

/** The linter's verdict on a document: `{ valid: true }` or its errors. */
async function lint(doc: Json): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    return JSON.parse((await run(process.execPath, [LINTER, file])).stdout);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

let t: TestApp;
let document: Json;
beforeAll(async () => {
  t = await startTestApp();
  document = (await t.anonymous.get('/api/v1/openapi.json').expect(200)).body as Json;
});
afterAll(() => t.close());

describe('The OpenAPI document', () => {
  test('When it is fetched without credentials, then it is OpenAPI 3.1 that the linter accepts', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(await lint(document)).toEqual({ valid: true });
  });

  test('When crm.yaml selects the remote backend, then the document lists the downstream failures and still lints', async () => {
    const config = testConfig(t.dataDir);
    const remote = openApiDocument(
      apiOperations({ ...config, crm: { ...config.crm, backend: 'remote' } }),
      {
        server: config.server,
        version: 'test',
      },
    );
    const create = (remote.paths as Operations)['/api/v1/accounts']?.post;
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '4XX', '501', '502', '504']),
    );
    expect(Object.keys(create?.responses ?? {})).not.toContain('302');
    const download = (remote.paths as Operations)['/api/v1/records/{id}/attachments/{attachmentId}']
      ?.get;
    expect(download?.responses).toHaveProperty('302');
    expect(await lint(remote)).toEqual({ valid: true });
  });

  test('When the routes under /api/v1 are listed, then the document has each and nothing more', () => {
    const stack = (t.app.express as Express & { router: { stack: Layer[] } }).router.stack;
    const routes = expressRoutes(stack).filter((r) => r.split(' ')[1]?.startsWith('/api/v1/'));
    expect(routes.length).toBeGreaterThan(10);
    expect([...new Set(routes)].sort()).toEqual(documentedRoutes(document).sort());
  });

  test('When an answer has an unlisted status or a body off its schema, then the contract check names it', () => {
    const contract = new ApiContract(document);
    const json = (status: number, body: unknown) => ({ status, type: 'application/json', body });
    expect(() => contract.check('get', '/api/v1/accounts/a1', json(500, {}))).toThrow(
      /GET \/api\/v1\/accounts\/\{id\} answered 500, which the OpenAPI document does not list/,
    );
    expect(() => contract.check('get', '/api/v1/accounts?x=1', json(200, { data: [] }))).toThrow(
      /body does not match the OpenAPI document: .*meta/,
    );
    expect(() =>
      contract.check('post', '/api/v1/sessions', json(202, { session: 'call-1', email: 'maybe' })),
    ).toThrow(/POST \/api\/v1\/sessions 202 body does not match/);
    expect(() =>
      contract.check(
        'get',
        '/api/v1/accounts',
        json(200, { data: [], meta: { total: 0, limit: 1, offset: 0 } }),
      ),
    ).not.toThrow();
  });

  test('When an operation needs credentials, then it names every configured scheme and answers 401', () => {
    const schemes = (document.components as { securitySchemes: Json }).securitySchemes;
    expect(schemes).toMatchObject({
      basic: { type: 'http', scheme: 'basic' },
      'header-X-Api-Key': { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
    });
    const findAccounts = (document.paths as Operations)['/api/v1/accounts']?.get;
    expect(findAccounts?.security).toEqual(Object.keys(schemes).map((name) => ({ [name]: [] })));
    expect(findAccounts?.responses).toHaveProperty('401');
    expect((document.paths as Operations)['/api/v1/openapi.json']?.get?.security).toEqual([]);
  });
});

describe('Generic API hints', () => {
  const hints = (doc: Json) =>
    Object.values(doc.paths as Operations)
      .flatMap((ops) => Object.values(ops))
      .map((op) => op['x-ccaip-generic-api'] as Json | undefined)
      .filter((hint) => hint !== undefined);

  test('When the shipped generic-api.yaml points at crm-bridge, then each hint is what it configures', () => {
    const endpoints = testConfig(t.dataDir).genericApi?.endpoints as Record<
      string,
      Json | undefined
    >;
    const all = hints(document);
    expect(all.map((h) => h.configKey).sort()).toEqual(
      [
        'comment',
        'createAccount',
        'createRecord',
        'findAccountById',
        'findAccountByQuery',
        'findRecordByQuery',
        'updateRecord',
        'updateRecord',
        'uploadFile',
        'uploadFile',
      ].sort(),
    );
    for (const hint of all) {
      const shipped = endpoints[String(hint.configKey)];
      for (const key of [
        'responseDataLocation',
        'idField',
        'attachmentUrlLocation',
        'attachmentIdLocation',
      ]) {
        if (hint[key] !== undefined)
          expect([hint.configKey, key, shipped?.[key]]).toEqual([hint.configKey, key, hint[key]]);
      }
    }
  });
});

describe('A document that follows crm.yaml', () => {
  let custom: TestApp;
  beforeAll(async () => {
    custom = await startTestApp((config) => ({
      ...config,
      crm: {
        ...config.crm,
        accounts: {
          ...config.crm.accounts,
          fields: {
            ...config.crm.accounts.fields,
            loyaltyTier: { type: 'integer', aliases: ['tier'], required: false, min: 1, max: 3 },
          },
        },
        responses: { listKey: 'items', itemKey: '' },
      },
    }));
  });
  afterAll(() => custom.close());

  test('When crm.yaml adds a field, an alias and other envelopes, then bodies, filters and hints follow', async () => {
    const doc = (await custom.anonymous.get('/api/v1/openapi.json').expect(200)).body as Json;
    const accounts = (doc.paths as Operations)['/api/v1/accounts'];
    const find = accounts?.get as { parameters: Json[]; 'x-ccaip-generic-api': Json };
    expect(find.parameters).toContainEqual(
      expect.objectContaining({
        name: 'loyaltyTier',
        description: expect.stringMatching(/also as tier/),
      }),
    );
    expect(find['x-ccaip-generic-api']).toMatchObject({ responseDataLocation: '$.items[0]' });
    expect(accounts?.post?.['x-ccaip-generic-api']).toMatchObject({ responseDataLocation: '$' });
    const body = JSON.stringify(accounts?.post?.requestBody);
    expect(body).toContain('"loyaltyTier"');
    expect(body).toContain('"tier"');

    // The answers of the changed app match its own document: a bare item, an `items` list.
    const created = await custom.api.post('/api/v1/accounts').send({ name: 'Tiered', tier: '2' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Tiered', loyaltyTier: 2 });
    const listed = await custom.api.get('/api/v1/accounts').query({ tier: 2 });
    expect(listed.body.items).toHaveLength(1);
  });
});

describe('Swagger UI at /docs', () => {
  test('When /docs is opened, then the page loads its script files under the strict CSP', async () => {
    const page = await t.anonymous.get('/docs/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const scripts = [...page.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attrs]) => attrs)).toEqual([
      ' src="/docs/assets/swagger-ui-bundle.js"',
      ' src="/docs/swagger-init.js"',
    ]);
    expect(scripts.every(([, , inline]) => inline === '')).toBe(true);
    await t.anonymous.get('/docs/assets/swagger-ui-bundle.js').expect(200);
    await t.anonymous.get('/docs/assets/swagger-ui.css').expect(200);
    expect((await t.anonymous.get('/docs/swagger-init.js').expect(200)).text).toContain(
      "url: '/api/v1/openapi.json'",
    );
  });

  test('When a file of swagger-ui-dist that the page does not use is asked for, then it is 404', async () => {
    await t.anonymous.get('/docs/assets/swagger-initializer.js').expect(404);
    await t.anonymous.get('/docs/assets/index.html').expect(404);
  });
});

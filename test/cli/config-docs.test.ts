import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfigDocsSources, renderConfigDocs } from '../../src/cli/config-docs';
import { configJsonSchemas } from '../../src/shared/config/json-schema';
import { ROOT, runCli } from '../support/run-cli';

const DOCS = path.join(ROOT, 'docs', 'config.md');

describe('docs/config.md', () => {
  it('When the schemas, the shipped config or .env.example change, then docs/config.md is regenerated', () => {
    const fresh = renderConfigDocs(readConfigDocsSources(ROOT));
    if (fs.readFileSync(DOCS, 'utf8') !== fresh)
      throw new Error('docs/config.md is stale: run npm run docs:config');
  });

  it('When a schema key is documented, then its type, default, limits, variables and example are listed', () => {
    const docs = renderConfigDocs(readConfigDocsSources(ROOT));
    const rowOf = (key: string) =>
      docs
        .split('\n')
        .find((line) => line.startsWith(`| \`${key}\` `))
        ?.split('|')
        .map((cell) => cell.trim())
        .slice(1, -1);
    expect(rowOf('api.maxPageSize')).toEqual([
      '`api.maxPageSize`',
      'integer',
      '`200`',
      '≥ 1, ≤ 1000',
      '',
      '`200`',
      'Largest page a list endpoint returns',
    ]);
    expect(rowOf('api.auth.basic[].password')?.slice(2, 6)).toEqual([
      'required',
      'not empty',
      '`${API_PASSWORD}`',
      '`${API_PASSWORD}`',
    ]);
    expect(rowOf('outcomeEmail.delayMinutes')?.[4]).toBe('`OUTCOME_EMAIL_DELAY_MS (milliseconds)`');
    expect(rowOf('auth.tokenUrl')?.slice(1, 2)).toEqual(['URL']);
    expect(rowOf('auth.tokenUrl')?.[6]).toMatch(/^method oauth2: /);
    expect(rowOf('REDIS_URL')?.[1]).toBe('`redis://127.0.0.1:6379`');
  });

  it('When a key is added to a schema, then the reference lists it without other changes', () => {
    const sources = readConfigDocsSources(ROOT);
    const [server, ...rest] = sources.files;
    if (server === undefined) throw new Error('no server.yaml schema');
    const schema = {
      ...server.schema,
      properties: {
        ...server.schema.properties,
        metrics: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: false, description: 'Serve /metrics' },
          },
        },
      },
    };
    const docs = renderConfigDocs({ ...sources, files: [{ ...server, schema }, ...rest] });
    expect(docs).toMatch(
      /\| `metrics\.enabled` +\| boolean +\| `false` +\|.*\| Serve \/metrics +\|/,
    );
  });
});

describe('config/schema/*.json', () => {
  it('When a config schema changes, then the committed JSON Schemas are regenerated', () => {
    for (const { fileName, schema } of configJsonSchemas()) {
      const committed = fs.readFileSync(path.join(ROOT, 'config', 'schema', fileName), 'utf8');
      if (committed !== `${JSON.stringify(schema, null, 2)}\n`)
        throw new Error(`config/schema/${fileName} is stale: run npm run schema`);
    }
  });

  it('When a shipped YAML file is opened in an editor, then its first line points at its schema', () => {
    for (const { fileName } of configJsonSchemas()) {
      const yaml = fileName.replace('.schema.json', '.yaml');
      const firstLine = fs.readFileSync(path.join(ROOT, 'config', yaml), 'utf8').split('\n')[0];
      expect(firstLine).toBe(`# yaml-language-server: $schema=./schema/${fileName}`);
    }
  });
});

describe('crm-bridge config docs', () => {
  it('When --out is given, then the reference is written there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-docs-'));
    try {
      const out = path.join(dir, 'config.md');
      const run = await runCli(['config', 'docs', '--out', out]);
      expect(run).toEqual({ code: 0, stdout: [`wrote ${out}`], stderr: [] });
      expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(DOCS, 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('When --out is missing, then it is a usage error with exit 2', async () => {
    const run = await runCli(['config', 'docs']);
    expect(run).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'crm-bridge config docs: --out FILE is required',
        'usage: crm-bridge config docs --out FILE',
      ],
    });
  });
});

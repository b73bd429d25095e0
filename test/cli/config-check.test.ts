import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../support/run-cli';

const VALID_SERVER = `api:
  auth:
    basic:
      - username: ccaip
        password: \${API_PASSWORD}
`;

let workDir: string;
let dataDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-cli-'));
  dataDir = path.join(workDir, 'data');
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A config directory with the shipped crm.yaml and the given server.yaml. */
function configDir(server: string): string {
  const dir = path.join(workDir, 'config');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(ROOT, 'config', 'crm.yaml'), path.join(dir, 'crm.yaml'));
  fs.writeFileSync(path.join(dir, 'server.yaml'), server);
  return dir;
}

describe('crm-bridge config check', () => {
  it('When the shipped config is checked in embedded mode, then it prints OK, exits 0 and writes no secret', async () => {
    const run = await runCli(['config', 'check'], { DATA_DIR: dataDir });
    expect(run).toEqual({
      code: 0,
      stdout: ['config OK (server.yaml, crm.yaml, generic-api.yaml, actions.yaml)'],
      stderr: [],
    });
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('When a config file has problems, then each is printed as file:line: path: message and it exits 1', async () => {
    const dir = configDir(`${VALID_SERVER}  maxPageSize: lots\n  uploadLimit: 5\n`);
    const run = await runCli(['config', 'check', '--config-dir', dir], { DATA_DIR: dataDir });
    expect(run).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `${dir}/server.yaml:6: api.maxPageSize: Invalid input: expected number, received string`,
        `${dir}/server.yaml:7: api.uploadLimit: unknown key "uploadLimit"`,
      ],
    });
  });

  it('When CONFIG_DIR is set, then the check reads that directory', async () => {
    const dir = configDir('api: {}\n');
    const run = await runCli(['config', 'check'], { CONFIG_DIR: dir, DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([`${dir}/server.yaml:1: api.auth: required (object)`]);
  });

  it('When --config-dir names a directory without config files, then each file is reported missing', async () => {
    const run = await runCli(['config', 'check', '--config-dir', workDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      `${workDir}/server.yaml:1: : file not found`,
      `${workDir}/crm.yaml:1: : file not found`,
    ]);
  });

  it('When MONGODB_URI is set and secrets are not, then the check names each missing secret and exits 1', async () => {
    const run = await runCli(['config', 'check', '--config-dir=config'], {
      MONGODB_URI: 'mongodb://localhost:27017/crm',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      'config/server.yaml:10: api.auth.basic.0.password: ${API_PASSWORD} is not set',
      'config/server.yaml:13: api.auth.headers.0.value: ${API_KEY} is not set',
      'config/server.yaml:21: api.auth.oauth2.clients.0.clientSecret: ${OAUTH_CLIENT_SECRET} is not set',
      'config/server.yaml:31: web.users.0.password: ${WEB_ADMIN_PASSWORD} is not set',
      'config/server.yaml:32: web.sessionSecret: ${SESSION_SECRET} is not set',
      'config/generic-api.yaml:22: auth.password: ${API_PASSWORD} is not set',
    ]);
  });

  it('When the environment itself is invalid, then the check says which variable and exits 1', async () => {
    const run = await runCli(['config', 'check'], { DATA_DIR: dataDir, PORT: 'eighty' });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      'environment: PORT must be an integer from 0 to 65535, got "eighty"',
    ]);
  });

  it('When an option is unknown, then the usage is printed on stderr and it exits 2', async () => {
    const run = await runCli(['config', 'check', '--verbose']);
    expect(run.code).toBe(2);
    expect(run.stderr[0]).toMatch(/^crm-bridge config check: Unknown option '--verbose'/);
    expect(run.stderr).toContain('usage: crm-bridge config check [--config-dir DIR]');
  });
});

describe('crm-bridge command routing', () => {
  it('When the command is unknown, then the usage is printed on stderr and it exits 2', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr[0]).toBe('crm-bridge: unknown command "frobnicate"');
    expect(run.stderr).toContain('usage: crm-bridge <command> [options]');
  });

  it('When no command is given, then the usage is printed on stderr and it exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr[0]).toBe('usage: crm-bridge <command> [options]');
  });

  it('When --help is asked, then every command is listed on stdout and it exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/config check \[--config-dir DIR\]/);
    expect(run.stdout.join('\n')).toMatch(/config schema --out DIR/);
  });

  it('When a command is asked for --help, then its usage is printed and it exits 0', async () => {
    const run = await runCli(['config', 'check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe('usage: crm-bridge config check [--config-dir DIR]');
  });
});

describe('crm-bridge config schema', () => {
  it('When --out is given, then a JSON Schema per config file is written there', async () => {
    const out = path.join(workDir, 'schema');
    const run = await runCli(['config', 'schema', '--out', out]);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `wrote ${out}/server.schema.json`,
        `wrote ${out}/crm.schema.json`,
        `wrote ${out}/generic-api.schema.json`,
        `wrote ${out}/actions.schema.json`,
      ],
      stderr: [],
    });
    const server = JSON.parse(fs.readFileSync(path.join(out, 'server.schema.json'), 'utf8'));
    expect(server).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'crm-bridge server.yaml',
      required: ['api'],
      additionalProperties: false,
    });
    expect(server.properties.api.properties.maxPageSize.default).toBe(200);
  });

  it('When --out is missing, then it is a usage error with exit 2', async () => {
    const run = await runCli(['config', 'schema']);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      'crm-bridge config schema: --out DIR is required',
      'usage: crm-bridge config schema --out DIR',
    ]);
  });
});

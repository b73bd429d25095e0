import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  formatProblem,
  loadConfig,
  type ConfigResult,
  type LoadConfigOptions,
} from '../../src/shared/config/load-config';
import { GENERATED_SECRET_PLACEHOLDER } from '../../src/shared/config/secret-store';

const SHIPPED_CONFIG = path.resolve(__dirname, '../../config');

const VALID_SERVER = `api:
  auth:
    basic:
      - username: ccaip
        password: letmein
`;

const VALID_CRM = `accounts:
  fields:
    name: { type: string }
    phone: { type: phone }
    email: { type: email }
records:
  fields:
    accountId: { type: string, required: true }
    subject: { type: string, aliases: [title] }
    description: { type: string }
    status: { type: string }
    phone: { type: phone }
comments:
  fields:
    body: { type: string }
recordStatuses:
  values: [new, solved]
  open: [new]
  default: new
`;

let workDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-config-'));
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A config directory holding the given files; `null` leaves a file out. */
function configDir(files: { server?: string | null; crm?: string | null } = {}): string {
  const dir = path.join(workDir, 'config');
  fs.mkdirSync(dir, { recursive: true });
  const contents = { server: VALID_SERVER, crm: VALID_CRM, ...files };
  for (const [name, text] of Object.entries(contents)) {
    if (text !== null) fs.writeFileSync(path.join(dir, `${name}.yaml`), text);
  }
  return dir;
}

function load(dir: string, overrides: Partial<LoadConfigOptions> = {}): ConfigResult {
  return loadConfig({
    configDir: dir,
    dataDir: path.join(workDir, 'data'),
    mode: 'embedded',
    env: {},
    writeSecrets: true,
    ...overrides,
  });
}

/** The problems as `config check` prints them, with the temp directory cut off. */
function problemLines(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected problems, the config loaded');
  return result.problems.map((p) => formatProblem(p).replace(`${workDir}${path.sep}`, ''));
}

function loaded(result: ConfigResult) {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result;
}

const secretsFile = () => path.join(workDir, 'data', 'secrets.json');

describe('loadConfig: valid files', () => {
  it('When the files are valid, then the config holds each file, defaults applied', () => {
    const { config, secrets } = loaded(load(configDir()));
    expect(config.server.api.auth.basic).toEqual([{ username: 'ccaip', password: 'letmein' }]);
    expect(config.server.api.maxPageSize).toBe(200);
    expect(config.crm.defaultRegion).toBe('US');
    expect(config.dir).toBe(path.join(workDir, 'config'));
    expect(secrets).toEqual([]);
  });

  it('When the config is loaded, then it is deep-frozen', () => {
    const { config } = loaded(load(configDir()));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server.api.auth.basic[0])).toBe(true);
    expect(Object.isFrozen(config.crm.recordStatuses.values)).toBe(true);
  });

  it('When a value is one reference, then it takes the variable as a string', () => {
    const dir = configDir({
      server: `api:
  auth:
    basic:
      - username: \${API_USERNAME:-ccaip}
        password: \${API_PASSWORD}
  maxPageSize: 10
`,
    });
    const { config } = loaded(load(dir, { env: { API_USERNAME: '007', API_PASSWORD: 'pw' } }));
    expect(config.server.api.auth.basic[0]).toEqual({ username: '007', password: 'pw' });
  });

  it('When a variable holds YAML, then it stays one string value', () => {
    const dir = configDir({
      server: `api:
  auth:
    basic:
      - username: ccaip
        password: \${API_PASSWORD}
`,
    });
    const injected = 'x\n  maxPageSize: 1\nweb: { users: [] }';
    const { config } = loaded(load(dir, { env: { API_PASSWORD: injected } }));
    expect(config.server.api.auth.basic[0]?.password).toBe(injected);
    expect(config.server.api.maxPageSize).toBe(200);
  });

  it('When a key or comment looks like a reference, then only values are substituted', () => {
    const dir = configDir({
      server: `# \${NOT_A_VALUE} in a comment
api:
  auth:
    basic:
      - username: ccaip
        password: letmein
outcomeEmail:
  queues:
    '\${QUEUE}': { enabled: true, to: '$\${LITERAL}' }
`,
    });
    const { config } = loaded(load(dir));
    expect(config.server.outcomeEmail.queues).toEqual({
      '${QUEUE}': { enabled: true, to: '${LITERAL}' },
    });
  });

  it('When the shipped config/ is loaded in embedded mode with nothing set, then it is valid', () => {
    const result = load(SHIPPED_CONFIG, { writeSecrets: false });
    expect(problemLinesOrNone(result)).toEqual([]);
  });

  it('When the shipped config/ is loaded in production mode with its variables set, then it is valid', () => {
    const env = {
      API_PASSWORD: 'p',
      API_KEY: 'k',
      WEB_ADMIN_PASSWORD: 'w',
      OAUTH_CLIENT_SECRET: 'o',
      SESSION_SECRET: 's',
      OUTCOME_EMAIL_TO: 'ops@example.com',
    };
    const { config, secrets } = loaded(load(SHIPPED_CONFIG, { mode: 'production', env }));
    expect(config.server.outcomeEmail.to).toBe('ops@example.com');
    expect(config.server.api.auth.basic[0]).toEqual({ username: 'ccaip', password: 'p' });
    expect(secrets).toEqual([]);
  });
});

function problemLinesOrNone(result: ConfigResult): string[] {
  return result.ok ? [] : problemLines(result);
}

describe('loadConfig: problems with their line', () => {
  it('When a value has the wrong type, then the problem points at its line', () => {
    const dir = configDir({ server: `${VALID_SERVER}  maxPageSize: lots\n` });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:6: api.maxPageSize: Invalid input: expected number, received string',
    ]);
  });

  it('When a Basic user name has a colon, then the problem says HTTP Basic cannot carry it', () => {
    const dir = configDir({
      server: VALID_SERVER.replace('username: ccaip', 'username: "cc:aip"'),
    });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:4: api.auth.basic.0.username: must not contain ":" (HTTP Basic separates the user name from the password with it)',
    ]);
  });

  it('When a key is unknown, then the problem names it at its line', () => {
    const dir = configDir({ server: `${VALID_SERVER}  uploadLimit: 5\n` });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:6: api.uploadLimit: unknown key "uploadLimit"',
    ]);
  });

  it('When an unknown key holds a block, then the problem points at the key, not the block', () => {
    const dir = configDir({ server: `${VALID_SERVER}extras:\n  one: 1\n  two: 2\n` });
    expect(problemLines(load(dir))).toEqual(['config/server.yaml:6: extras: unknown key "extras"']);
  });

  it('When a required key is missing, then the problem is at its nearest existing parent', () => {
    const dir = configDir({
      server: `api:
  auth:
    basic:
      - username: ccaip
`,
    });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:4: api.auth.basic.0.password: required (string)',
    ]);
  });

  it('When a top-level section is missing, then the problem is at line 1', () => {
    const dir = configDir({ server: '# nothing but web\nweb:\n  users: []\n' });
    expect(problemLines(load(dir))).toEqual(['config/server.yaml:1: api: required (object)']);
  });

  it('When a field the code relies on is missing from crm.yaml, then it is at the fields key', () => {
    const dir = configDir({
      crm: VALID_CRM.replace('    subject: { type: string, aliases: [title] }\n', ''),
    });
    expect(problemLines(load(dir))).toEqual([
      'config/crm.yaml:7: records.fields.subject: records need the field "subject"',
    ]);
  });

  it('When a value is not one of the allowed values, then the problem lists them at its line', () => {
    const dir = configDir({
      crm: VALID_CRM.replace('status: { type: string }', 'status: { type: text }'),
    });
    expect(problemLines(load(dir))).toEqual([
      'config/crm.yaml:11: records.fields.status.type: Invalid option: expected one of "string"|"number"|"integer"|"boolean"|"phone"|"email"',
    ]);
  });

  it('When two fields of crm.yaml share an alias, then the clash is at the second one', () => {
    const dir = configDir({
      crm: VALID_CRM.replace(
        'description: { type: string }',
        'description: { type: string, aliases: [Title] }',
      ),
    });
    expect(problemLines(load(dir))).toEqual([
      'config/crm.yaml:10: records.fields.description.aliases: "Title" already names the field "subject"',
    ]);
  });

  it('When a queue id is written as a number, then its problem is still found at its line', () => {
    const dir = configDir({
      server: `${VALID_SERVER}outcomeEmail:\n  queues:\n    8469: { enabled: yes }\n`,
    });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:8: outcomeEmail.queues.8469.enabled: Invalid input: expected boolean, received string',
    ]);
  });

  it('When the YAML is malformed, then the syntax error is a problem with its line', () => {
    const dir = configDir({ server: 'api:\n  auth:\n     basic: []\n    headers: []\n' });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:4: : All mapping items must start at the same column',
    ]);
  });

  it('When a key is repeated, then it is a problem at the repeat', () => {
    const dir = configDir({ server: `${VALID_SERVER}  maxPageSize: 5\n  maxPageSize: 6\n` });
    expect(problemLines(load(dir))).toEqual(['config/server.yaml:7: : Map keys must be unique']);
  });

  it('When a variable without default is unset, then the problem names it at its line', () => {
    const dir = configDir({
      server: VALID_SERVER.replace('username: ccaip', 'username: ${API_USERNAME}'),
    });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:4: api.auth.basic.0.username: ${API_USERNAME} is not set',
    ]);
  });

  it('When a config file is missing, then it is a problem at line 1', () => {
    const dir = configDir({ crm: null });
    expect(problemLines(load(dir))).toEqual(['config/crm.yaml:1: : file not found']);
  });

  it('When both files have several problems, then all of them are reported, file by file', () => {
    const dir = configDir({
      server: `${VALID_SERVER}  maxPageSize: lots\n  uploadLimit: 5\nweb:\n  users:\n    - username: \${WHO}\n      password: x\n`,
      crm: `${VALID_CRM}defaultRegion: usa\n`,
    });
    expect(problemLines(load(dir))).toEqual([
      'config/server.yaml:6: api.maxPageSize: Invalid input: expected number, received string',
      'config/server.yaml:7: api.uploadLimit: unknown key "uploadLimit"',
      'config/server.yaml:10: web.users.0.username: ${WHO} is not set',
      'config/crm.yaml:20: defaultRegion: must be a two-letter region code such as US',
    ]);
  });

  it('When the config dir is given relative, then problems name files as given', () => {
    const dir = path.relative(process.cwd(), configDir({ crm: null }));
    const result = load(dir);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'crm.yaml')}:1: : file not found`,
    ]);
  });
});

describe('loadConfig: secrets', () => {
  const withSecrets = () =>
    configDir({
      server: `api:
  auth:
    basic:
      - username: ccaip
        password: \${API_PASSWORD}
    headers:
      - name: X-Api-Key
        value: \${API_KEY}
web:
  users:
    - username: admin
      password: \${API_PASSWORD}
`,
    });

  it('When secrets are unset in embedded mode, then they are generated once and kept', () => {
    const dir = withSecrets();
    const first = loaded(load(dir));
    expect(first.secrets.map((s) => [s.name, s.generated])).toEqual([
      ['API_PASSWORD', true],
      ['API_KEY', true],
    ]);
    const password = first.secrets[0]?.value ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.config.server.web.users[0]?.password).toBe(password);
    expect(JSON.parse(fs.readFileSync(secretsFile(), 'utf8'))).toEqual({
      API_PASSWORD: password,
      API_KEY: first.secrets[1]?.value,
    });
  });

  it('When the server starts again, then the kept secrets are reused, not regenerated', () => {
    const dir = withSecrets();
    const first = loaded(load(dir));
    const second = loaded(load(dir));
    expect(second.secrets).toEqual(first.secrets.map((s) => ({ ...s, generated: false })));
    expect(second.config.server.api.auth.headers[0]?.value).toBe(first.secrets[1]?.value);
  });

  it('When the secrets file is written, then only its owner can read it', () => {
    loaded(load(withSecrets()));
    expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(secretsFile()))).toEqual(['secrets.json']);
  });

  it('When a secret is set in the environment, then it is used and not kept', () => {
    const result = loaded(load(withSecrets(), { env: { API_PASSWORD: 'from-env' } }));
    expect(result.secrets.map((s) => s.name)).toEqual(['API_KEY']);
    expect(JSON.parse(fs.readFileSync(secretsFile(), 'utf8'))).not.toHaveProperty('API_PASSWORD');
  });

  it('When a dry run (writeSecrets: false) needs a secret, then a placeholder stands in and nothing is written', () => {
    const result = loaded(load(withSecrets(), { writeSecrets: false }));
    expect(result.secrets).toEqual([
      { name: 'API_PASSWORD', value: GENERATED_SECRET_PLACEHOLDER, generated: true },
      { name: 'API_KEY', value: GENERATED_SECRET_PLACEHOLDER, generated: true },
    ]);
    expect(fs.existsSync(secretsFile())).toBe(false);
  });

  it('When a dry run follows a start, then it reuses the kept secrets', () => {
    const dir = withSecrets();
    const first = loaded(load(dir));
    const dry = loaded(load(dir, { writeSecrets: false }));
    expect(dry.secrets).toEqual(first.secrets.map((s) => ({ ...s, generated: false })));
  });

  it('When secrets are unset in production mode, then each is a problem naming it', () => {
    const result = load(withSecrets(), { mode: 'production' });
    expect(problemLines(result)).toEqual([
      'config/server.yaml:5: api.auth.basic.0.password: ${API_PASSWORD} is not set',
      'config/server.yaml:8: api.auth.headers.0.value: ${API_KEY} is not set',
      'config/server.yaml:12: web.users.0.password: ${API_PASSWORD} is not set',
    ]);
    expect(fs.existsSync(secretsFile())).toBe(false);
  });

  it('When the config has problems, then no secret is written', () => {
    const dir = withSecrets();
    fs.appendFileSync(path.join(dir, 'server.yaml'), 'unknown: 1\n');
    expect(load(dir).ok).toBe(false);
    expect(fs.existsSync(secretsFile())).toBe(false);
  });

  it('When the secrets file is corrupt, then it is a problem and it is left untouched', () => {
    fs.mkdirSync(path.dirname(secretsFile()), { recursive: true });
    fs.writeFileSync(secretsFile(), '{ not json');
    expect(problemLines(load(withSecrets()))).toEqual([
      'data/secrets.json:1: : must be a JSON object of strings',
    ]);
    expect(fs.readFileSync(secretsFile(), 'utf8')).toBe('{ not json');
  });
});

describe('Secrets named outside server.yaml', () => {
  const genericApi = (password: string) =>
    [
      'auth: { method: basic, username: ccaip, password: "' + password + '" }',
      'endpoints:',
      '  findAccountByQuery: { url: https://crm.example.com/a, params: { q: "{EMAIL}" } }',
      '  createAccount: { url: https://crm.example.com/a }',
    ].join('\n');

  it("When generic-api.yaml names server.yaml's generated secret, then it gets the same value", () => {
    const dir = configDir({ server: VALID_SERVER.replace('letmein', '${API_PASSWORD}') });
    fs.writeFileSync(path.join(dir, 'generic-api.yaml'), genericApi('${API_PASSWORD}'));
    const result = loadConfig({
      configDir: dir,
      dataDir: path.join(workDir, 'data'),
      mode: 'embedded',
      env: {},
      writeSecrets: true,
    });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const generated = result.config.server.api.auth.basic[0]?.password;
    expect(generated).toMatch(/^[\w-]{32}$/);
    expect(result.config.genericApi?.auth).toMatchObject({ method: 'basic', password: generated });
  });

  it('When only generic-api.yaml names a secret, then it is not made up: the problem names it', () => {
    const dir = configDir();
    fs.writeFileSync(path.join(dir, 'generic-api.yaml'), genericApi('${CRM_API_KEY}'));
    const result = loadConfig({
      configDir: dir,
      dataDir: path.join(workDir, 'data'),
      mode: 'embedded',
      env: {},
      writeSecrets: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'generic-api.yaml')}:1: auth.password: \${CRM_API_KEY} is not set`,
    ]);
  });
});

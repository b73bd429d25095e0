import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { commands } from '../../src/cli/commands';
import { runCli as runCliInProcess } from '../../src/cli/run-cli';
import type { Finding } from '../../src/doctor/finding';
import { redisServerAvailable, TestRedisServer } from '../queue/redis-server';
import { freePort } from '../support/free-port';
import { ROOT, runCli } from '../support/run-cli';
import {
  CRM_CREDENTIALS,
  type Double,
  OAUTH_CLIENT,
  shortLivedCertificate,
  SMTP_CREDENTIALS,
  startCrmDouble,
  startSmtpDouble,
  startTlsCrmDouble,
  TLS_FIXTURE,
} from './doctor-doubles';

const SERVER_YAML = `api:
  auth:
    basic:
      - username: ccaip
        password: \${API_PASSWORD}
`;

let workDir: string;
let crm: Double;

beforeAll(async () => {
  crm = await startCrmDouble();
});

afterAll(async () => {
  await crm.close();
});

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-doctor-'));
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

interface ConfigFiles {
  /** generic-api.yaml; none when undefined. */
  genericApi?: string;
  server?: string;
}

/** A config directory with the shipped crm.yaml. */
function configDir(files: ConfigFiles): string {
  const dir = path.join(workDir, 'config');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(ROOT, 'config', 'crm.yaml'), path.join(dir, 'crm.yaml'));
  fs.writeFileSync(path.join(dir, 'server.yaml'), files.server ?? SERVER_YAML);
  if (files.genericApi !== undefined)
    fs.writeFileSync(path.join(dir, 'generic-api.yaml'), files.genericApi);
  return dir;
}

/**
 * generic-api.yaml with basic auth (password from CRM_PASSWORD): findAccountByQuery at `findUrl`
 * and, as the account flow needs it, createAccount at the double's /accounts (answers 200).
 */
function basicApi(findUrl: string): string {
  return `auth: { method: basic, username: ${CRM_CREDENTIALS.username}, password: '\${CRM_PASSWORD}' }
endpoints:
  findAccountByQuery: { url: '${findUrl}' }
  createAccount: { url: 'http://127.0.0.1:${crm.port}/accounts' }
`;
}

/** The createAccount line basicApi's config always adds. */
const createAccountOk = () =>
  `ok  endpoint  createAccount http://127.0.0.1:${crm.port}/accounts answered 200 to a GET with the credentials`;

interface DoctorRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** `crm-bridge doctor ARGS` in this process, with only the given environment. */
async function doctor(env: NodeJS.ProcessEnv, args: string[] = []): Promise<DoctorRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCliInProcess(
    ['doctor', '--timeout', '2', ...args],
    {
      env: {
        DATA_DIR: path.join(workDir, 'data'),
        API_PASSWORD: 'api-password',
        CRM_PASSWORD: CRM_CREDENTIALS.password,
        ...env,
      },
      out: (line) => stdout.push(line),
      err: (line) => stderr.push(line),
    },
    commands,
  );
  return { code, stdout, stderr };
}

/** The lines of one check, without the status column's padding. */
function linesOf(run: { stdout: string[] }, check: string): string[] {
  return run.stdout
    .map((line) => line.replace(/ {2,}/g, '  '))
    .filter((line) => line.split('  ')[1] === check);
}

describe('crm-bridge doctor', () => {
  it('When every service answers as it should, then each check says ok and it exits 0', async () => {
    const smtp = await startSmtpDouble();
    try {
      const dir = configDir({
        genericApi: `${basicApi(`http://127.0.0.1:${crm.port}/accounts`)}  findAccountById: { url: 'http://127.0.0.1:${crm.port}/accounts/{ACCOUNT_ID}' }\n`,
      });
      const dataDir = path.join(workDir, 'data');
      fs.mkdirSync(path.join(dataDir, 'store'), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'store', 'accounts.db'), '');
      const run = await doctor({
        CONFIG_DIR: dir,
        SMTP_URL: `smtp://${SMTP_CREDENTIALS.user}:${SMTP_CREDENTIALS.pass}@127.0.0.1:${smtp.port}`,
      });
      expect(run.stdout.map((line) => line.replace(/ {2,}/g, '  '))).toEqual([
        `ok  config  ${dir}: every file valid`,
        `ok  store  embedded store in ${dataDir} is writable and its files readable`,
        'ok  redis  REDIS_URL not set: outcome emails queue in the store',
        `ok  smtp  127.0.0.1:${smtp.port} answered EHLO and accepted the credentials`,
        `ok  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/accounts answered 200 to a GET with the credentials`,
        `ok  endpoint  findAccountById http://127.0.0.1:${crm.port}/accounts/{ACCOUNT_ID} answered 404 for a placeholder id to a GET with the credentials`,
        createAccountOk(),
        'ok  oauth  no OAuth clients in server.yaml (api.auth.oauth2)',
      ]);
      expect(run.code).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it('When Redis, SMTP and an endpoint are on closed ports, then each fails and it exits 2', async () => {
    const closed = await freePort();
    const dir = configDir({
      genericApi: basicApi(`http://127.0.0.1:${closed}/accounts`),
    });
    const run = await doctor({
      CONFIG_DIR: dir,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      SMTP_URL: `smtp://127.0.0.1:${closed}`,
    });
    expect(linesOf(run, 'redis')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^fail  redis  127.0.0.1:${closed} cannot connect \\(.*ECONNREFUSED.*\\); start Redis or correct REDIS_URL$`,
        ),
      ),
    ]);
    expect(linesOf(run, 'smtp')).toEqual([
      expect.stringMatching(
        new RegExp(`^fail  smtp  127.0.0.1:${closed} cannot connect .*ECONNREFUSED`),
      ),
    ]);
    expect(linesOf(run, 'endpoint')).toEqual([
      `fail  endpoint  findAccountByQuery http://127.0.0.1:${closed}/accounts: cannot connect (connect ECONNREFUSED 127.0.0.1:${closed}); check that the CRM is up and the port is right`,
      createAccountOk(),
    ]);
    expect(run.code).toBe(2);
  });

  it('When the CRM refuses the credentials, then the endpoint fails with "auth rejected"', async () => {
    const dir = configDir({
      genericApi: basicApi(`http://127.0.0.1:${crm.port}/accounts`),
    });
    const run = await doctor({ CONFIG_DIR: dir, CRM_PASSWORD: 'wrong' });
    expect(linesOf(run, 'endpoint')).toEqual([
      `fail  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/accounts auth rejected (401); check generic-api.yaml auth and its credentials`,
      `fail  endpoint  createAccount http://127.0.0.1:${crm.port}/accounts auth rejected (401); check generic-api.yaml auth and its credentials`,
    ]);
    expect(run.code).toBe(2);
  });

  it('When a URL without variables answers 404, then it is a warning and it exits 1', async () => {
    const dir = configDir({
      genericApi: basicApi(`http://127.0.0.1:${crm.port}/nothing-here`),
    });
    const run = await doctor({ CONFIG_DIR: dir });
    expect(linesOf(run, 'endpoint')).toEqual([
      `warn  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/nothing-here answered 404; check the url`,
      createAccountOk(),
    ]);
    expect(run.code).toBe(1);
  });

  it('When an endpoint never answers, then it fails after --timeout', async () => {
    const dir = configDir({
      genericApi: basicApi(`http://127.0.0.1:${crm.port}/hang`),
    });
    const run = await doctor({ CONFIG_DIR: dir }, ['--timeout', '1']);
    expect(linesOf(run, 'endpoint')).toEqual([
      `fail  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/hang gave no answer within 1 s; check that the CRM is up, or raise --timeout`,
      createAccountOk(),
    ]);
    expect(run.code).toBe(2);
  });

  it('When a host name does not resolve, then the endpoint fails at DNS', async () => {
    const dir = configDir({
      genericApi: basicApi('http://crm-bridge-doctor.invalid/accounts'),
    });
    const run = await doctor({ CONFIG_DIR: dir });
    expect(linesOf(run, 'endpoint')).toEqual([
      expect.stringMatching(
        /^fail {2}endpoint {2}findAccountByQuery http:\/\/crm-bridge-doctor\.invalid\/accounts: DNS: crm-bridge-doctor\.invalid does not resolve \(\w+\); correct the host name in url$/,
      ),
      createAccountOk(),
    ]);
    expect(run.code).toBe(2);
  });

  describe('with a TLS CRM', () => {
    let tlsCrm: Double;

    beforeAll(async () => {
      tlsCrm = await startTlsCrmDouble();
    });

    afterAll(async () => {
      await tlsCrm.close();
    });

    it('When its certificate is self-signed, then the endpoint fails at TLS', async () => {
      const dir = configDir({
        genericApi: basicApi(`https://localhost:${tlsCrm.port}/accounts`),
      });
      const run = await doctor({ CONFIG_DIR: dir });
      expect(linesOf(run, 'endpoint')).toEqual([
        `fail  endpoint  findAccountByQuery https://localhost:${tlsCrm.port}/accounts: TLS certificate rejected (self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)); the CRM needs a valid certificate for its host name`,
        createAccountOk(),
      ]);
      expect(run.code).toBe(2);
    });

    it('When its certificate is trusted (NODE_EXTRA_CA_CERTS), then the endpoint is ok', async () => {
      const dir = configDir({
        genericApi: basicApi(`https://localhost:${tlsCrm.port}/accounts`),
      });
      const run = await runCli(['doctor', '--config-dir', dir], {
        DATA_DIR: path.join(workDir, 'data'),
        API_PASSWORD: 'api-password',
        CRM_PASSWORD: CRM_CREDENTIALS.password,
        NODE_EXTRA_CA_CERTS: TLS_FIXTURE.certFile,
      });
      expect(linesOf(run, 'endpoint')).toEqual([
        `ok  endpoint  findAccountByQuery https://localhost:${tlsCrm.port}/accounts answered 200 to a GET with the credentials`,
        createAccountOk(),
      ]);
      expect(run.code).toBe(0);
    });
  });

  it('When a trusted certificate expires within 14 days, then the endpoint warns', async () => {
    const files = shortLivedCertificate(workDir, 7);
    if (files === undefined) return console.warn('openssl not found: expiry warning not tested');
    const shortLived = await startTlsCrmDouble(files);
    try {
      const url = `https://localhost:${shortLived.port}/accounts`;
      const run = await runCli(
        ['doctor', '--config-dir', configDir({ genericApi: basicApi(url) })],
        {
          DATA_DIR: path.join(workDir, 'data'),
          API_PASSWORD: 'api-password',
          CRM_PASSWORD: CRM_CREDENTIALS.password,
          NODE_EXTRA_CA_CERTS: files.certFile,
        },
      );
      expect(linesOf(run, 'endpoint')[0]).toMatch(
        new RegExp(
          `^warn  endpoint  findAccountByQuery ${url} answered 200 to a GET with the credentials, but its certificate expires in [67] days; renew it$`,
        ),
      );
      expect(run.code).toBe(1);
    } finally {
      await shortLived.close();
    }
  });

  describe('with SMTP', () => {
    it('When the password is wrong, then smtp fails with the credentials rejected', async () => {
      const smtp = await startSmtpDouble();
      try {
        const run = await doctor({
          CONFIG_DIR: configDir({}),
          SMTP_URL: `smtp://${SMTP_CREDENTIALS.user}:wrong@127.0.0.1:${smtp.port}`,
        });
        expect(linesOf(run, 'smtp')).toEqual([
          expect.stringMatching(
            new RegExp(
              `^fail  smtp  127.0.0.1:${smtp.port} rejected the credentials \\(.*\\); correct the user and password in SMTP_URL$`,
            ),
          ),
        ]);
        expect(run.code).toBe(2);
      } finally {
        await smtp.close();
      }
    });

    it('When STARTTLS offers a self-signed certificate, then smtp fails at TLS', async () => {
      const smtp = await startSmtpDouble({ startTls: true });
      try {
        const run = await doctor({
          CONFIG_DIR: configDir({}),
          SMTP_URL: `smtp://${SMTP_CREDENTIALS.user}:${SMTP_CREDENTIALS.pass}@localhost:${smtp.port}`,
        });
        expect(linesOf(run, 'smtp')).toEqual([
          expect.stringMatching(
            new RegExp(
              `^fail  smtp  localhost:${smtp.port} TLS failed \\(.*self-signed certificate.*\\)`,
            ),
          ),
        ]);
        expect(run.code).toBe(2);
      } finally {
        await smtp.close();
      }
    });
  });

  describe('with OAuth', () => {
    /** generic-api.yaml with oauth2 client_credentials against the CRM double. */
    const oauthApi = (secret: string) => `auth:
  method: oauth2
  authorizationUrl: http://127.0.0.1:${crm.port}/authorize
  tokenUrl: http://127.0.0.1:${crm.port}/token
  clientId: ${OAUTH_CLIENT.id}
  clientSecret: ${secret}
  grant: client_credentials
endpoints:
  findAccountByQuery: { url: 'http://127.0.0.1:${crm.port}/accounts' }
  createAccount: { url: 'http://127.0.0.1:${crm.port}/accounts' }
`;

    it('When the token URL issues a token, then oauth is ok and the endpoints are probed with it', async () => {
      const run = await doctor({
        CONFIG_DIR: configDir({ genericApi: oauthApi(OAUTH_CLIENT.secret) }),
      });
      expect(linesOf(run, 'oauth')).toEqual([
        'ok  oauth  no OAuth clients in server.yaml (api.auth.oauth2)',
        `ok  oauth  generic-api.yaml token URL http://127.0.0.1:${crm.port}/token issued a token for client ${OAUTH_CLIENT.id}`,
      ]);
      expect(linesOf(run, 'endpoint')).toEqual([
        `ok  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/accounts answered 200 to a GET with the credentials`,
        createAccountOk(),
      ]);
      expect(run.code).toBe(0);
    });

    it('When the token URL rejects the client, then oauth fails and the endpoints are not probed', async () => {
      const run = await doctor({ CONFIG_DIR: configDir({ genericApi: oauthApi('wrong-secret') }) });
      expect(linesOf(run, 'oauth')[1]).toBe(
        `fail  oauth  generic-api.yaml token URL http://127.0.0.1:${crm.port}/token rejected client ${OAUTH_CLIENT.id} (401 invalid_client); check clientId and clientSecret, or try clientAuth: body`,
      );
      expect(linesOf(run, 'endpoint')).toEqual([
        `ok  endpoint  findAccountByQuery http://127.0.0.1:${crm.port}/accounts is reachable; credentials not probed (no oauth2 token, see oauth)`,
        `ok  endpoint  createAccount http://127.0.0.1:${crm.port}/accounts is reachable; credentials not probed (no oauth2 token, see oauth)`,
      ]);
      expect(run.code).toBe(2);
    });

    it("When server.yaml's OAuth client keeps the shipped redirect URI, then it is a warning", async () => {
      const server = `${SERVER_YAML}    oauth2:
      clients:
        - clientId: ccaip
          clientSecret: a-long-enough-client-secret
          redirectUris: ['https://tenant.ccaiplatform.com/oauth/callback']
        - clientId: platform
          clientSecret: short
          redirectUris: ['https://tenant.example.com/cb']
        - clientId: good
          clientSecret: a-long-enough-client-secret
          redirectUris: ['https://tenant.example.com/cb']
`;
      const run = await doctor({ CONFIG_DIR: configDir({ server }) });
      expect(linesOf(run, 'oauth')).toEqual([
        "warn  oauth  server.yaml client ccaip still has the shipped example redirect URI https://tenant.ccaiplatform.com/oauth/callback; replace it with your tenant's callback URL",
        'warn  oauth  server.yaml client platform has a 5-character secret; use at least 16 random characters',
        'ok  oauth  server.yaml client good: grants authorization_code, refresh_token, client_credentials; 1 redirect URI(s)',
      ]);
      expect(run.code).toBe(1);
    });
  });

  it('When DATA_DIR does not exist yet, then the store is ok: the server creates it', async () => {
    const run = await doctor({ CONFIG_DIR: configDir({}) });
    expect(linesOf(run, 'store')).toEqual([
      `ok  store  DATA_DIR ${path.join(workDir, 'data')} does not exist yet; the server creates it at first start`,
    ]);
    expect(run.code).toBe(0);
  });

  it('When DATA_DIR is a file, then the store fails', async () => {
    const file = path.join(workDir, 'not-a-dir');
    fs.writeFileSync(file, '');
    const run = await doctor({ CONFIG_DIR: configDir({}), DATA_DIR: file });
    expect(linesOf(run, 'store')).toEqual([
      `fail  store  DATA_DIR ${file}: ${file} is not a directory; point DATA_DIR at a directory`,
    ]);
    expect(run.code).toBe(2);
  });

  it('When MongoDB is on a closed port, then the store fails to connect within the timeout', async () => {
    const closed = await freePort();
    const run = await doctor(
      { CONFIG_DIR: configDir({}), MONGODB_URI: `mongodb://doctor:secret@127.0.0.1:${closed}/crm` },
      ['--timeout', '1'],
    );
    expect(linesOf(run, 'store')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^fail  store  MongoDB mongodb://\\*\\*\\*@127.0.0.1:${closed}/crm cannot connect \\(.*\\); start MongoDB or correct MONGODB_URI$`,
        ),
      ),
    ]);
    expect(run.stdout.join('\n')).not.toContain('secret');
    expect(run.code).toBe(2);
  });

  it('When a config file is invalid, then each problem fails and the checks that need it are left out', async () => {
    const dir = configDir({
      server: `${SERVER_YAML}  maxPageSize: lots\n`,
      genericApi: basicApi(`http://127.0.0.1:${crm.port}/accounts`),
    });
    const run = await doctor({ CONFIG_DIR: dir, REDIS_URL: 'http://not-redis' });
    expect(run.stdout.map((line) => line.replace(/ {2,}/g, '  '))).toEqual([
      'fail  config  environment: REDIS_URL must be a URL starting with redis:// or rediss://',
      `fail  config  ${dir}/server.yaml:6: api.maxPageSize: Invalid input: expected number, received string; fix it; crm-bridge config check lists the same`,
    ]);
    expect(run.code).toBe(2);
  });

  it('When --json is given, then the findings and the exit code are printed as JSON', async () => {
    const run = await doctor({ CONFIG_DIR: configDir({}) }, ['--json']);
    const report = JSON.parse(run.stdout.join('\n')) as { exitCode: number; findings: Finding[] };
    expect(report.exitCode).toBe(run.code);
    expect(report.findings.map((f) => f.check)).toEqual([
      'config',
      'store',
      'redis',
      'smtp',
      'endpoint',
      'oauth',
    ]);
    expect(report.findings[0]).toEqual({
      status: 'ok',
      check: 'config',
      message: expect.stringContaining('every file valid'),
    });
  });

  it('When --timeout is not a positive number, then it is a usage error with exit 2', async () => {
    const run = await doctor({}, ['--timeout', 'soon']);
    expect(run).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'crm-bridge doctor: --timeout must be a number of seconds from 0 to 300',
        'usage: crm-bridge doctor [--timeout SECONDS] [--json] [--config-dir DIR]',
      ],
    });
  });
});

(redisServerAvailable() ? describe : describe.skip)('crm-bridge doctor with Redis', () => {
  let redis: TestRedisServer;

  beforeAll(async () => {
    redis = await TestRedisServer.start([
      '--requirepass',
      'redis-pass',
      '--maxmemory-policy',
      'allkeys-lru',
    ]);
  });

  afterAll(async () => {
    await redis.stop();
  });

  const redisLines = async (url: string) => {
    const run = await doctor({ CONFIG_DIR: configDir({}), REDIS_URL: url });
    return { lines: linesOf(run, 'redis'), code: run.code };
  };

  it('When the password is wrong, then redis fails with the password rejected', async () => {
    expect(await redisLines(`redis://:wrong@127.0.0.1:${redis.port}`)).toEqual({
      lines: [
        `fail  redis  127.0.0.1:${redis.port} rejected the password; correct the password in REDIS_URL`,
      ],
      code: 2,
    });
  });

  it('When REDIS_URL has no password for a server that needs one, then redis fails', async () => {
    expect(await redisLines(`redis://127.0.0.1:${redis.port}`)).toEqual({
      lines: [
        `fail  redis  127.0.0.1:${redis.port} requires a password and REDIS_URL has none; put it in REDIS_URL: redis://:PASSWORD@host:port`,
      ],
      code: 2,
    });
  });

  it('When maxmemory-policy is not noeviction, then redis fails', async () => {
    expect(await redisLines(`redis://:redis-pass@127.0.0.1:${redis.port}`)).toEqual({
      lines: [
        `fail  redis  127.0.0.1:${redis.port} maxmemory-policy is allkeys-lru; set noeviction or queued emails can be evicted`,
      ],
      code: 2,
    });
  });

  it('When the policy is noeviction, then redis is ok with its version', async () => {
    const healthy = await TestRedisServer.start();
    try {
      const { lines, code } = await redisLines(healthy.url);
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^ok  redis  127.0.0.1:${healthy.port} Redis \\d+\\.\\d+\\.\\d+, maxmemory-policy noeviction$`,
          ),
        ),
      ]);
      expect(code).toBe(0);
    } finally {
      await healthy.stop();
    }
  });

  it('When Redis is nearly at its maxmemory, then redis warns how full it is', async () => {
    const healthy = await TestRedisServer.start();
    const admin = new Redis(healthy.url);
    try {
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory', String(Math.round(used / 0.95)));
      const { lines, code } = await redisLines(healthy.url);
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warn  redis  127.0.0.1:${healthy.port} Redis is \\d+% full \\(.* MB of maxmemory .* MB\\); raise maxmemory or free memory: once full, Redis refuses new outcome emails$`,
          ),
        ),
      ]);
      expect(code).toBe(1);
    } finally {
      admin.disconnect();
      await healthy.stop();
    }
  });

  it('When CONFIG is disabled, then redis warns that the policy is unknown', async () => {
    const locked = await TestRedisServer.start(['--rename-command', 'CONFIG', '""']);
    try {
      const { lines, code } = await redisLines(locked.url);
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warn  redis  127.0.0.1:${locked.port} Redis \\S+; CONFIG is not available \\(.*\\), so maxmemory-policy is unknown; make sure the server runs with maxmemory-policy noeviction$`,
          ),
        ),
      ]);
      expect(code).toBe(1);
    } finally {
      await locked.stop();
    }
  });
});

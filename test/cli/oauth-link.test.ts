import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandIo } from '../../src/cli/command';
import { outboundAuthSchema, type OutboundAuth } from '../../src/generic-api/config/auth-schema';
import { createOauthLinkCommand } from '../../src/cli/oauth-link-command';
import { oauthTokenStore } from '../../src/generic-api/sender/oauth-token-store';
import { createStore } from '../../src/shared/store/create-store';
import { json, startLoopback, type Loopback } from '../generic-api/loopback';
import { ROOT, runCli } from '../support/run-cli';

let workDir: string;
let tokenServer: Loopback;

beforeEach(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-oauth-link-'));
  tokenServer = await startLoopback((req, res) => {
    const code = new URLSearchParams(req.body.toString()).get('code');
    if (code === 'good-code') {
      json(res, 200, { access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 3600 });
    } else json(res, 400, { error: 'invalid_grant', error_description: 'code expired' });
  });
});

afterEach(async () => {
  await tokenServer.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

function oauthAuth(extra: Record<string, unknown> = {}): OutboundAuth {
  return outboundAuthSchema.parse({
    method: 'oauth2',
    authorizationUrl: 'https://crm.example.com/authorize',
    tokenUrl: `${tokenServer.origin}/token`,
    clientId: 'cid',
    clientSecret: 'csecret',
    scope: 'crm',
    state: 's1',
    accessType: 'offline',
    redirectInAuthUrl: true,
    redirectUri: 'https://bridge.example.com/cb',
    ...extra,
  });
}

/** Runs the command in-process with `auth` standing in for generic-api.yaml. */
async function run(args: string[], auth: OutboundAuth | Error) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    env: { DATA_DIR: path.join(workDir, 'data') },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const loaded: string[] = [];
  const command = createOauthLinkCommand({
    loadAuth: (configDir) => {
      loaded.push(configDir);
      if (auth instanceof Error) throw auth;
      return auth;
    },
  });
  const code = await command.run(args, io);
  return { code, out, err, loaded };
}

async function storedTokens() {
  const store = await createStore({ dataDir: path.join(workDir, 'data') });
  try {
    const auth = oauthAuth();
    return auth.method === 'oauth2' ? await oauthTokenStore(store, auth).load() : null;
  } finally {
    await store.close();
  }
}

describe('crm-bridge oauth link', () => {
  it('When run without --code, then it prints the authorization URL alone on stdout', async () => {
    const result = await run(['--config-dir', '/cfg'], oauthAuth());

    expect(result.code).toBe(0);
    expect(result.loaded).toEqual(['/cfg']);
    expect(result.out).toEqual([
      'https://crm.example.com/authorize?response_type=code&client_id=cid' +
        '&redirect_uri=https%3A%2F%2Fbridge.example.com%2Fcb&scope=crm&state=s1&access_type=offline',
    ]);
    expect(result.err.join('\n')).toContain('npx crm-bridge oauth link --code CODE');
  });

  it('When run with --code, then the code is exchanged and the tokens are stored in DATA_DIR', async () => {
    const result = await run(['--code', 'good-code'], oauthAuth());

    expect(result).toMatchObject({
      code: 0,
      out: [`linked: tokens for client cid at ${tokenServer.origin}/token stored`],
      err: [],
    });
    expect(
      Object.fromEntries(new URLSearchParams(tokenServer.received[0]?.body.toString())),
    ).toEqual({
      grant_type: 'authorization_code',
      code: 'good-code',
      redirect_uri: 'https://bridge.example.com/cb',
    });
    expect(await storedTokens()).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    });
  });

  it('When --code is the address the CRM redirected to, then its code is used', async () => {
    const address = 'https://bridge.example.com/cb?code=good-code&state=s1';

    expect((await run(['--code', address], oauthAuth())).code).toBe(0);
    expect(await storedTokens()).toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('When the address carries another state, then nothing is exchanged and it exits 1', async () => {
    const result = await run(['--code', 'https://b.example.com/cb?code=x&state=evil'], oauthAuth());

    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      'crm-bridge oauth link: the address\'s state does not match auth.state "s1"',
    ]);
    expect(tokenServer.received).toHaveLength(0);
  });

  it('When the token URL refuses the code, then its reason is printed and it exits 1', async () => {
    const result = await run(['--code', 'stale-code'], oauthAuth());

    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `crm-bridge oauth link: the OAuth token URL ${tokenServer.origin}/token answered 400 ` +
        'invalid_grant: code expired (link again with "npx crm-bridge oauth link")',
    ]);
    expect(await storedTokens()).toBeNull();
  });

  it.each([
    [
      { method: 'basic', username: 'u', password: 'p' },
      'auth.method is basic; linking needs oauth2',
    ],
    [{ grant: 'client_credentials' }, 'auth.grant is client_credentials'],
  ])(
    'When generic-api.yaml has %j, then there is nothing to link and it exits 1',
    async (auth, message) => {
      const config =
        'method' in auth
          ? outboundAuthSchema.parse(auth)
          : oauthAuth(auth as Record<string, unknown>);

      const result = await run([], config);

      expect(result.code).toBe(1);
      expect(result.err.join('\n')).toContain(message);
    },
  );

  it('When the auth block cannot be loaded, then each problem is printed and it exits 1', async () => {
    const result = await run(
      [],
      new Error('a.yaml:2: auth.tokenUrl: bad\na.yaml:3: auth.x: worse'),
    );

    expect(result).toMatchObject({
      code: 1,
      out: [],
      err: ['a.yaml:2: auth.tokenUrl: bad', 'a.yaml:3: auth.x: worse'],
    });
  });
});

describe('crm-bridge oauth link, from a shell', () => {
  function configDir(auth: string): string {
    const dir = path.join(workDir, 'config');
    fs.mkdirSync(dir, { recursive: true });
    // The command loads the whole config as the server does; only generic-api.yaml differs.
    for (const file of ['server.yaml', 'crm.yaml']) {
      fs.copyFileSync(path.join(ROOT, 'config', file), path.join(dir, file));
    }
    fs.writeFileSync(path.join(dir, 'generic-api.yaml'), `${auth}\ntimeoutSeconds: 5\n`);
    return dir;
  }

  it('When generic-api.yaml configures oauth2, then the command reads it with ${} substitution and links', async () => {
    const dir = configDir(
      [
        'auth:',
        '  method: oauth2',
        '  authorizationUrl: https://crm.example.com/authorize',
        `  tokenUrl: ${tokenServer.origin}/token`,
        '  clientId: cid',
        '  clientSecret: ${OAUTH_CLIENT_SECRET}',
      ].join('\n'),
    );
    const env = {
      CONFIG_DIR: dir,
      DATA_DIR: path.join(workDir, 'data'),
      OAUTH_CLIENT_SECRET: 'csecret',
    };

    const printed = await runCli(['oauth', 'link'], env);
    expect(printed).toEqual({
      code: 0,
      stdout: ['https://crm.example.com/authorize?response_type=code&client_id=cid'],
      stderr: expect.any(Array),
    });

    const linked = await runCli(['oauth', 'link', '--code', 'good-code'], env);
    expect(linked).toMatchObject({ code: 0, stderr: [] });
    expect(tokenServer.received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('cid:csecret').toString('base64')}`,
    );
    expect(await storedTokens()).toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('When generic-api.yaml has problems, then each names its file, line and path and it exits 1', async () => {
    const dir = configDir(
      ['auth:', '  method: oauth2', '  tokenUrl: not a url', '  clientId: cid'].join('\n'),
    );
    const file = path.join(dir, 'generic-api.yaml');

    const run = await runCli(['oauth', 'link', '--config-dir', dir], {
      DATA_DIR: path.join(workDir, 'data'),
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toEqual(
      expect.arrayContaining([
        `${file}:1: auth.authorizationUrl: required (string)`,
        `${file}:3: auth.tokenUrl: Invalid URL`,
        `${file}:1: auth.clientSecret: required (string)`,
      ]),
    );
  });
});

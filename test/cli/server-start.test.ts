import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/run-cli';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the server the way `npm start` does (from sources), in a clean environment. */
function startServer(env: NodeJS.ProcessEnv): Started {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(API_|MONGODB_URI|REDIS_URL|SMTP_URL|NODE_ENV|PORT|DATA_DIR|CONFIG_DIR|WEB_)/.test(k),
    ),
  );
  const child = spawn(TSX, ['src/main.ts'], {
    cwd: ROOT,
    env: { ...clean, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor<T>(
  probe: () => T | null | undefined,
  what: string,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Starting the server', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('When started on a fresh machine, then it prints the URL and generated credentials that work, keeps them, and stops cleanly on SIGTERM', async () => {
    const server = startServer({ DATA_DIR: dataDir });
    const banner = await waitFor(
      () => /serving on (http:\/\/\S+)/.exec(server.output()),
      'the banner',
    );
    const base = banner[1]!;
    const [, user, password] = /API basic auth:\s+(\S+) \/ (\S+)/.exec(server.output()) ?? [];
    expect(user).toBe('ccaip');
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
    expect(secrets.API_PASSWORD).toBe(password);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const created = await fetch(`${base}/api/v1/accounts`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Started', phone: '+12223334444' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/api/v1/accounts`)).status).toBe(401);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM: shutting down');
    expect(server.output()).not.toContain('+12223334444'); // phone numbers are masked in logs

    // A second start reuses the same credentials and finds the data again.
    const again = startServer({ DATA_DIR: dataDir });
    const base2 = (
      await waitFor(() => /serving on (http:\/\/\S+)/.exec(again.output()), 'the banner')
    )[1]!;
    expect(again.output()).toContain(`ccaip / ${password}`);
    const found = await fetch(`${base2}/api/v1/accounts?phone=2223334444`, {
      headers: { authorization: auth },
    });
    expect(((await found.json()) as { meta: { total: number } }).meta.total).toBe(1);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  test('When the config is invalid, then it refuses to start and names file, line and path', async () => {
    const configDir = path.join(dataDir, 'config');
    fs.cpSync(path.join(ROOT, 'config'), configDir, { recursive: true });
    const file = path.join(configDir, 'server.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('uploadLimitMb: 25', 'uploadLimitMb: lots'),
    );
    const server = startServer({ DATA_DIR: dataDir, CONFIG_DIR: configDir });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/server\.yaml:\d+: api\.uploadLimitMb: /);
  });

  test('When in production mode without its secrets, then it refuses to start and names them', async () => {
    const server = startServer({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('API_PASSWORD');
  });
});

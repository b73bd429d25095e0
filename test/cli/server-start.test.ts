import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/run-cli';
import { baseUrl, startServer } from '../support/server-process';

describe('Starting the server', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('When started on a fresh machine, then it prints the URL and generated credentials that work, keeps them, and stops cleanly on SIGTERM', async () => {
    const server = startServer({ DATA_DIR: dataDir });
    const base = await baseUrl(server);
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
    const base2 = await baseUrl(again);
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

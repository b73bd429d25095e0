import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './run-cli';

export interface ServerProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts the server the way `npm start` does (from sources), in a clean environment. Node itself
 * runs it (tsx as a loader, not tsx's CLI, which is a second process relaying signals), so
 * signals reach the server as they do in production.
 */
export function startServer(env: NodeJS.ProcessEnv): ServerProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(API_|MONGODB_URI|REDIS_URL|SMTP_URL|NODE_ENV|PORT|DATA_DIR|CONFIG_DIR|WEB_|OUTCOME_EMAIL_)/.test(
          k,
        ),
    ),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...clean, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** The started server's base URL, from its banner. */
export async function baseUrl(server: ServerProcess): Promise<string> {
  const banner = await waitFor(
    () => /serving on (http:\/\/\S+)/.exec(server.output()),
    'the banner',
  );
  return banner[1]!;
}

export async function waitFor<T>(
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

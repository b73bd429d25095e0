import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseUrl, type ServerProcess, startServer } from '../support/server-process';

const USER = 'ccaip';
const PASSWORD = 'deploy-test-password';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

export interface Bridge {
  process: ServerProcess;
  base: string;
}

/**
 * A crm-bridge server process that emails every finished session to one address: on `smtpUrl`,
 * after `delayMs`, from the store in `dataDir` and on the queue `redisUrl` names (else the local
 * scheduler).
 */
export async function startBridge(options: {
  dataDir: string;
  smtpUrl: string;
  delayMs: number;
  redisUrl?: string;
}): Promise<Bridge> {
  const server = startServer({
    DATA_DIR: options.dataDir,
    SMTP_URL: options.smtpUrl,
    OUTCOME_EMAIL_DELAY_MS: String(options.delayMs),
    OUTCOME_EMAIL_TO: 'crm-inbox@example.com',
    API_USERNAME: USER,
    API_PASSWORD: PASSWORD,
    ...(options.redisUrl && { REDIS_URL: options.redisUrl }),
  });
  try {
    return { process: server, base: await baseUrl(server) };
  } catch (err) {
    server.child.kill('SIGKILL');
    throw new Error(`${String(err)}; the server said:\n${server.output()}`, { cause: err });
  }
}

/** What POST /api/v1/sessions answers about the email (see sessions-routes). */
export interface EmailPlan {
  session: string;
  email: 'scheduled' | 'sent' | 'none';
  dueAt?: string;
}

/** POST /api/v1/sessions of a new session: the email plan the server answered. */
export async function postSession(
  bridge: Bridge,
  session: Record<string, unknown>,
): Promise<EmailPlan> {
  const res = await fetch(`${bridge.base}/api/v1/sessions`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(session),
  });
  if (res.status !== 202) throw new Error(`POST /sessions: ${res.status} ${await res.text()}`);
  return (await res.json()) as EmailPlan;
}

/** SIGTERM, then the exit code. */
export async function stopBridge(bridge: Bridge): Promise<number | null> {
  bridge.process.child.kill('SIGTERM');
  return bridge.process.exited;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-deploy-'));
}

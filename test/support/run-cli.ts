import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

// The tsx that `npx tsx` resolves to, called directly: npx adds its own warnings to stderr.
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Read by crm-bridge or by the shipped config; a CI setting of any of them would change results. */
const CRM_BRIDGE_VARIABLES = [
  'PORT',
  'HOST',
  'CONFIG_DIR',
  'DATA_DIR',
  'MONGODB_URI',
  'REDIS_URL',
  'SMTP_URL',
  'NODE_ENV',
  'OUTCOME_EMAIL_DELAY_MS',
  'INBOUND_SMTP_PORT',
  'API_USERNAME',
  'API_PASSWORD',
  'API_KEY',
  'OAUTH_CLIENT_SECRET',
  'SESSION_SECRET',
  'WEB_ADMIN_PASSWORD',
  'OUTCOME_EMAIL_TO',
  'CRM_BRIDGE_URL',
];

export interface CliRun {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/**
 * Runs `crm-bridge ARGS` from the sources in a child process, as an admin would from the
 * project root. The environment starts clean of crm-bridge variables so CI settings don't leak.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CRM_BRIDGE_VARIABLES) delete base[name];
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/cli.ts', ...args], { cwd: ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: lines(stdout), stderr: lines(stderr) }));
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

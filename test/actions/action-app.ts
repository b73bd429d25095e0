import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIONS_QUEUE, type ActionJob } from '../../src/actions/actions-service';
import type { ServicesEnv } from '../../src/compose';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import type { JobInfo } from '../../src/shared/queue/queue-port';
import { ROOT } from '../support/run-cli';
import { startTestApp, type TestApp } from '../support/test-app';
import { json, startLoopback, type Loopback } from '../generic-api/loopback';
import { eventually } from '../sessions/mail-helpers';

/**
 * The shipped server.yaml and crm.yaml with `actionsYaml` as actions.yaml, loaded as the server
 * loads them; `read` sees the result (and the temporary config directory) before it is removed.
 */
export function withActionsYaml<T>(
  actionsYaml: string,
  env: Record<string, string>,
  read: (loaded: ReturnType<typeof loadConfig>, dir: string) => T,
): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-actions-config-'));
  try {
    for (const file of ['server.yaml', 'crm.yaml']) {
      fs.copyFileSync(path.join(ROOT, 'config', file), path.join(dir, file));
    }
    fs.writeFileSync(path.join(dir, 'actions.yaml'), actionsYaml);
    const loaded = loadConfig({
      configDir: dir,
      dataDir: dir,
      mode: 'embedded',
      env: { API_PASSWORD: 'unused', API_KEY: 'unused', WEB_ADMIN_PASSWORD: 'unused', ...env },
      writeSecrets: false,
    });
    return read(loaded, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The actions of the shipped config with `actionsYaml` as actions.yaml; throws its problems. */
export const loadActions = (
  actionsYaml: string,
  env: Record<string, string>,
): AppConfig['actions'] =>
  withActionsYaml(actionsYaml, env, (loaded) => {
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    return loaded.config.actions;
  });

/** examples/actions/NAME, loaded with `env`. */
export const exampleActions = (name: string, env: Record<string, string>): AppConfig['actions'] =>
  loadActions(fs.readFileSync(path.join(ROOT, 'examples/actions', name), 'utf8'), env);

/** The whole app (embedded store, local queue, workers started) running these actions. */
export function startActionsApp(
  actions: AppConfig['actions'],
  configure: (config: AppConfig) => AppConfig = (config) => config,
  services: Partial<ServicesEnv> = {},
): Promise<TestApp> {
  return startTestApp({ configure: (config) => configure({ ...config, actions }), services });
}

export const actionJob = (t: TestApp, jobId: string): Promise<JobInfo<ActionJob> | null> =>
  t.queue.queue<ActionJob>(ACTIONS_QUEUE).get(jobId);

const isSettled = (job: JobInfo<ActionJob> | null): job is JobInfo<ActionJob> =>
  job?.state === 'completed' || job?.state === 'failed';

/**
 * The job once it has completed or failed for good. Read again once settled: the bull adapter's
 * get() reads the job before its state, so the read that first sees "failed" may hold the
 * attempt count from before the failure.
 */
export async function settledJob(t: TestApp, jobId: string): Promise<JobInfo<ActionJob>> {
  await eventually(async () => {
    const job = await actionJob(t, jobId);
    return isSettled(job) ? job : undefined;
  }, `job ${jobId} to settle`);
  const job = await actionJob(t, jobId);
  if (!isSettled(job)) throw new Error(`job ${jobId} left its settled state`);
  return job;
}

/** One action on most events, sending their variables to `origin`/hook/EVENT; retries are quick. */
export const hookActions = (origin: string): string => `
actions:
  - name: hook
    on: [session.finished, record.created, record.updated, comment.added, New_Call]
    request:
      url: '${origin}/hook/{EVENT}'
      params:
        event: '{EVENT}'
        session: '{SESSION_ID}'
        call: '{CALL_ID}'
        record: '{RECORD_ID}'
        account: '{ACCOUNT_ID}'
        subject: '{TICKET_SUBJECT}'
        status: '{RECORD_STATUS}'
        comment: '{COMMENT_BODY}'
        agent: '{AGENT_EMAIL}'
        queue: '{MENU_PATH}'
        campaign: '{CAMPAIGN_NAME}'
    retries: { attempts: 3, backoffSeconds: 0.01 }
`;

export interface ScriptedTarget extends Loopback {
  /** Path → the statuses to answer it with, in turn; 200 once they run out. */
  scripts: Map<string, number[]>;
  reset(): void;
}

/** A loopback double answering each path as scripted. */
export async function startScriptedTarget(): Promise<ScriptedTarget> {
  const scripts = new Map<string, number[]>();
  const loopback = await startLoopback((request, res) => {
    const status = scripts.get(request.path)?.shift() ?? 200;
    json(res, status, status < 300 ? { ok: true } : { error: `scripted ${status}` });
  });
  return {
    ...loopback,
    scripts,
    reset: () => {
      loopback.received.length = 0;
      scripts.clear();
    },
  };
}

/** Resolves once `target` has received `count` requests. */
export function receivedCount(target: Loopback, count: number): Promise<true> {
  return eventually(
    () => Promise.resolve(target.received.length >= count || undefined),
    `${count} requests at the target`,
  );
}

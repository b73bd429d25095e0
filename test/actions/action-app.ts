import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIONS_QUEUE, type ActionJob } from '../../src/actions/actions-service';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import type { JobInfo } from '../../src/shared/queue/queue-port';
import { ROOT } from '../support/run-cli';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../sessions/mail-helpers';

/** The shipped config with `actionsYaml` as actions.yaml, loaded as the server loads it. */
export function loadActions(
  actionsYaml: string,
  env: Record<string, string>,
): AppConfig['actions'] {
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
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    return loaded.config.actions;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** examples/actions/NAME, loaded with `env`. */
export const exampleActions = (name: string, env: Record<string, string>): AppConfig['actions'] =>
  loadActions(fs.readFileSync(path.join(ROOT, 'examples/actions', name), 'utf8'), env);

/** The whole app (embedded store, local queue, workers started) running these actions. */
export function startActionsApp(
  actions: AppConfig['actions'],
  configure: (config: AppConfig) => AppConfig = (config) => config,
): Promise<TestApp> {
  return startTestApp((config) => configure({ ...config, actions }));
}

export const actionJob = (t: TestApp, jobId: string): Promise<JobInfo<ActionJob> | null> =>
  t.queue.queue<ActionJob>(ACTIONS_QUEUE).get(jobId);

/** The job once it has completed or failed for good. */
export function settledJob(t: TestApp, jobId: string): Promise<JobInfo<ActionJob>> {
  return eventually(async () => {
    const job = await actionJob(t, jobId);
    return job?.state === 'completed' || job?.state === 'failed' ? job : undefined;
  }, `job ${jobId} to settle`);
}

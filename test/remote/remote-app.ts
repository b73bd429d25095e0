import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { ROOT } from '../support/run-cli';
import { startTestApp, type TestApp } from '../support/test-app';
import { ACME_KEY } from './acme-crm';

export const EXAMPLE_DIR = path.join(ROOT, 'examples/remote');

/** A config directory as an admin following the README makes it: config/ plus examples/remote/. */
export function exampleConfigDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-remote-config-'));
  fs.copyFileSync(path.join(ROOT, 'config/server.yaml'), path.join(dir, 'server.yaml'));
  for (const file of ['crm.yaml', 'generic-api.yaml']) {
    fs.copyFileSync(path.join(EXAMPLE_DIR, file), path.join(dir, file));
  }
  return dir;
}

/** examples/remote's crm.yaml and generic-api.yaml, loaded as the server loads them. */
export function remoteSections(
  acmeUrl: string,
  acmeKey: string,
): Pick<AppConfig, 'crm' | 'genericApi'> {
  const dir = exampleConfigDir();
  try {
    const loaded = loadConfig({
      configDir: dir,
      dataDir: dir,
      mode: 'embedded',
      env: {
        ACME_CRM_URL: acmeUrl,
        ACME_CRM_KEY: acmeKey,
        API_PASSWORD: 'unused',
        WEB_ADMIN_PASSWORD: 'unused',
      },
      writeSecrets: false,
    });
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    return { crm: loaded.config.crm, genericApi: loaded.config.genericApi };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type GenericApi = NonNullable<AppConfig['genericApi']>;

/**
 * crm-bridge in middleware mode against the CRM at `acmeUrl`; `adjust` edits the example's
 * generic-api.yaml (a shorter timeout, endpoints left out).
 */
export function startRemoteApp(
  acmeUrl: string,
  adjust: (api: GenericApi) => GenericApi = (api) => api,
  acmeKey = ACME_KEY,
): Promise<TestApp> {
  const config = remoteSections(acmeUrl, acmeKey);
  return startTestApp((base) => ({
    ...base,
    crm: config.crm,
    genericApi: adjust(config.genericApi as GenericApi),
  }));
}

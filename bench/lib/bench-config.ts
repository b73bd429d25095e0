import path from 'node:path';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { BENCH_CREDENTIALS } from './crm-fixtures';

export const CONFIG_DIR = path.resolve(__dirname, '../../config');

/**
 * The shipped config, loaded as the server loads it (embedded mode, nothing written), with known
 * credentials; `env` adds or overrides variables (e.g. CRM_BRIDGE_URL for generic-api.yaml).
 */
export function benchConfig(dataDir: string, env: Record<string, string> = {}): AppConfig {
  const loaded = loadConfig({
    configDir: CONFIG_DIR,
    dataDir,
    mode: 'embedded',
    env: {
      API_USERNAME: BENCH_CREDENTIALS.username,
      API_PASSWORD: BENCH_CREDENTIALS.password,
      API_KEY: 'bench-api-key',
      WEB_ADMIN_PASSWORD: 'bench-admin-password',
      ...env,
    },
    writeSecrets: false,
  });
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.config;
}

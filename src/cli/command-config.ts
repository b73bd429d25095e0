import type { AppConfig } from '../shared/config/app-config';
import { formatProblem, loadConfig } from '../shared/config/load-config';
import { runtimeLocations, runtimeMode } from '../shared/config/runtime-env';

/** The config problems a command could not start with, one `file:line: path: message` a line. */
export class ConfigLoadError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigLoadError';
  }
}

/**
 * The configuration exactly as the server loads it (same files, same environment, the secrets
 * the server generated), without writing anything: commands run beside a running server.
 */
export function loadCommandConfig(env: NodeJS.ProcessEnv, configDir?: string): AppConfig {
  const locations = runtimeLocations(env);
  const result = loadConfig({
    configDir: configDir ?? locations.configDir,
    dataDir: locations.dataDir,
    mode: runtimeMode(env),
    env,
    writeSecrets: false,
  });
  if (!result.ok) throw new ConfigLoadError(result.problems.map(formatProblem));
  return result.config;
}

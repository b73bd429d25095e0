import { checkRemoteBackend } from '../crm/remote/remote-config-check';
import { configFiles } from '../shared/config/app-config';
import { writeConfigJsonSchemas } from '../shared/config/json-schema';
import { formatProblem, loadConfig } from '../shared/config/load-config';
import { errorMessage } from '../shared/errors/system-error';
import { readRuntimeEnv, runtimeLocations, runtimeMode } from '../shared/config/runtime-env';
import type { CliCommand } from './command';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

export const configCheck: CliCommand = {
  name: 'config check',
  usage: 'config check [--config-dir DIR]',
  summary: 'Validate the config files and the environment as the server would at start.',
  async run(args, io) {
    const options = parseOptions(args, { 'config-dir': { type: 'string' } });
    const locations = runtimeLocations(io.env);
    // A dry run: secrets the server would generate count as present and nothing is written.
    const configDir = options['config-dir'] ?? locations.configDir;
    const result = loadConfig({
      configDir,
      dataDir: locations.dataDir,
      mode: runtimeMode(io.env),
      env: io.env,
      writeSecrets: false,
    });
    const remote = result.ok ? checkRemoteBackend(result.config, configDir) : undefined;
    const problems = [
      ...environmentProblems(io.env).map((p) => `environment: ${p}`),
      ...(result.ok ? [] : result.problems.map(formatProblem)),
      ...(remote?.problems.map(formatProblem) ?? []),
    ];
    problems.forEach((line) => io.err(line));
    if (problems.length > 0) return 1;
    const files = Object.values(configFiles).map((f) => f.file);
    io.out(`config OK (${files.join(', ')})`);
    remote?.notes.forEach((line) => io.out(line));
    return 0;
  },
};

export const configSchema: CliCommand = {
  name: 'config schema',
  usage: 'config schema --out DIR',
  summary: 'Write the JSON Schema of each config file into DIR, for editors.',
  async run(args, io) {
    const { out } = parseOptions(args, { out: { type: 'string' } });
    if (out === undefined || out === '') throw new UsageError('--out DIR is required');
    try {
      writeConfigJsonSchemas(out).forEach((file) => io.out(`wrote ${file}`));
      return 0;
    } catch (error) {
      io.err(`crm-bridge config schema: ${errorMessage(error)}`);
      return 1;
    }
  },
};

/** The server refuses to start on these too, so a pre-flight check reports them with the files. */
function environmentProblems(env: NodeJS.ProcessEnv): string[] {
  const runtime = readRuntimeEnv(env);
  return runtime.ok ? [] : runtime.problems;
}

import { exitCodeOf, formatFindings } from '../doctor/finding';
import { runDoctor } from '../doctor/run-doctor';
import type { CliCommand } from './command';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

const DEFAULT_TIMEOUT_SECONDS = 5;

export const doctor: CliCommand = {
  name: 'doctor',
  usage: 'doctor [--timeout SECONDS] [--json] [--config-dir DIR]',
  summary:
    'Check config, store, Redis, SMTP, CRM endpoints and OAuth; exit 0 ok, 1 warning, 2 failure.',
  async run(args, io) {
    const options = parseOptions(args, {
      timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_SECONDS) },
      json: { type: 'boolean', default: false },
      'config-dir': { type: 'string' },
    });
    const seconds = Number(options.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300)
      throw new UsageError('--timeout must be a number of seconds from 0 to 300');
    const findings = await runDoctor({
      env: io.env,
      timeoutMs: seconds * 1000,
      ...(options['config-dir'] !== undefined && { configDir: options['config-dir'] }),
    });
    const code = exitCodeOf(findings);
    if (options.json) io.out(JSON.stringify({ exitCode: code, findings }, null, 2));
    else formatFindings(findings).forEach((line) => io.out(line));
    return code;
  },
};

import { compileGenericApi } from '../generic-api/compiled-config';
import { readSessionFile, SessionFileError } from '../generic-api/session-file';
import {
  compileTemplate,
  deriveVariables,
  renderTemplate,
  TemplateError,
} from '../generic-api/template';
import { formatPhone } from '../shared/phone/phone';
import type { CliCommand } from './command';
import { ConfigLoadError, loadCommandConfig } from './command-config';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

export const render: CliCommand = {
  name: 'render',
  usage: 'render --template TEXT --session FILE [--purpose create|search] [--config-dir DIR]',
  summary: 'Print what one Generic API template resolves to for a session (nothing when empty).',
  async run(args, io) {
    const options = parseOptions(args, {
      template: { type: 'string' },
      session: { type: 'string' },
      purpose: { type: 'string', default: 'create' },
      'config-dir': { type: 'string' },
    });
    if (options.template === undefined) throw new UsageError('--template TEXT is required');
    if (!options.session) throw new UsageError('--session FILE is required');
    const purpose = options.purpose;
    if (purpose !== 'create' && purpose !== 'search')
      throw new UsageError('--purpose must be create or search');
    try {
      const config = loadCommandConfig(io.env, options['config-dir']);
      // Phone variables follow generic-api.yaml's format; without that file, the platform default.
      const api = config.genericApi ? compileGenericApi(config.genericApi) : undefined;
      const format = api?.phoneNumberFormat ?? 'automatic';
      const region = api?.defaultRegion ?? 'US';
      const compiled = compileTemplate(options.template, '--template');
      const vars = deriveVariables(readSessionFile(options.session).variables, {
        purpose,
        formatPhone: (raw, p) => formatPhone(raw, format, p, region),
      });
      const value = renderTemplate(compiled, vars);
      if (value !== '') io.out(value);
      return 0;
    } catch (err) {
      if (err instanceof ConfigLoadError) err.lines.forEach((line) => io.err(line));
      else if (err instanceof TemplateError || err instanceof SessionFileError) io.err(err.message);
      else throw err;
      return 1;
    }
  },
};

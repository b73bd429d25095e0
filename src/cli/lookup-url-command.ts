import { readSessionFile, SessionFileError } from '../generic-api/session-file';
import { TemplateError } from '../generic-api/template';
import {
  buildLookupUrl,
  defaultLookupKind,
  LOOKUP_KINDS,
  type LookupKind,
} from '../web/lookup-url';
import type { CliCommand } from './command';
import { ConfigLoadError, loadCommandConfig } from './command-config';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

const isLookupKind = (value: string): value is LookupKind =>
  (LOOKUP_KINDS as readonly string[]).includes(value);

export const lookupUrl: CliCommand = {
  name: 'lookup-url',
  usage: 'lookup-url --session FILE [--kind ivr|web] [--config-dir DIR]',
  summary:
    'Print the custom lookup URL (server.yaml lookupUrls) for a session: calls use ivr, chats web.',
  async run(args, io) {
    const options = parseOptions(args, {
      session: { type: 'string' },
      kind: { type: 'string' },
      'config-dir': { type: 'string' },
    });
    if (!options.session) throw new UsageError('--session FILE is required');
    const kind = options.kind;
    if (kind !== undefined && !isLookupKind(kind))
      throw new UsageError(`--kind must be ${LOOKUP_KINDS.join(' or ')}`);
    try {
      const config = loadCommandConfig(io.env, options['config-dir']);
      const input = readSessionFile(options.session);
      const chosen = kind ?? defaultLookupKind(input);
      const template = config.server.lookupUrls[chosen];
      if (template === undefined) {
        io.err(`lookupUrls.${chosen} is not set in server.yaml`);
        return 1;
      }
      io.out(buildLookupUrl(template, input.variables, `lookupUrls.${chosen}`));
      return 0;
    } catch (err) {
      if (err instanceof ConfigLoadError) err.lines.forEach((line) => io.err(line));
      else if (err instanceof TemplateError || err instanceof SessionFileError) io.err(err.message);
      else throw err;
      return 1;
    }
  },
};

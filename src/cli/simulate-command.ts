import { compileGenericApi } from '../generic-api/compiled-config';
import { FLOW_NAMES, type FlowName, runFlow } from '../generic-api/flows/flow-runner';
import { createGenericApiSender } from '../generic-api/generic-api-client';
import { readSessionFile, SessionFileError } from '../generic-api/session-file';
import { exchangeSecrets, maskExchange } from '../generic-api/sender/mask-exchange';
import { runtimeLocations } from '../shared/config/runtime-env';
import { AppError } from '../shared/errors/app-error';
import { createStore } from '../shared/store/create-store';
import type { Store } from '../shared/store/store-port';
import type { CliCommand, CommandIo } from './command';
import { ConfigLoadError, loadCommandConfig } from './command-config';
import { formatRequest, formatResponse } from './exchange-printer';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

const isFlow = (name: string): name is FlowName => (FLOW_NAMES as readonly string[]).includes(name);

/** Failures an admin can act on are printed as one line; anything else is a bug and rethrown. */
function reportFailure(io: CommandIo, err: unknown): number {
  if (err instanceof ConfigLoadError) err.lines.forEach((line) => io.err(line));
  else if (err instanceof SessionFileError || err instanceof AppError) io.err(`✗ ${err.message}`);
  else throw err;
  return 1;
}

export const simulate: CliCommand = {
  name: 'simulate',
  usage: `simulate --session FILE [--flow ${FLOW_NAMES.join('|')}] [--dry-run] [--config-dir DIR]`,
  summary:
    "Run generic-api.yaml's flows with a session's variables; print every request and response.",
  async run(args, io) {
    const options = parseOptions(args, {
      session: { type: 'string' },
      flow: { type: 'string', default: 'full' },
      'dry-run': { type: 'boolean', default: false },
      'config-dir': { type: 'string' },
    });
    if (!options.session) throw new UsageError('--session FILE is required');
    if (!isFlow(options.flow))
      throw new UsageError(`--flow must be one of ${FLOW_NAMES.join(', ')}`);
    const flow = options.flow;
    const dryRun = options['dry-run'];

    let store: Store | undefined;
    try {
      const config = loadCommandConfig(io.env, options['config-dir']);
      if (!config.genericApi) {
        io.err('✗ no generic-api.yaml in the config directory: nothing to simulate');
        return 1;
      }
      const api = compileGenericApi(config.genericApi);
      const input = readSessionFile(options.session);
      const secrets = exchangeSecrets(api.auth);
      const sender = await createGenericApiSender({
        api,
        openStore: async () => {
          const { dataDir } = runtimeLocations(io.env);
          store = await createStore({
            dataDir,
            mongodbUri: io.env.MONGODB_URI?.trim() || undefined,
          });
          return store;
        },
        onExchange: (exchange) => {
          const masked = maskExchange(exchange, secrets);
          [
            ...formatRequest(masked.request),
            ...(masked.response ? formatResponse(masked.response) : []),
          ].forEach((l) => io.out(l));
          if (masked.error) io.out(`← ${masked.error.message}`);
          io.out('');
        },
      });
      io.out(
        `${dryRun ? 'Dry run of' : 'Running'} the ${flow} flow against ${config.dir}/generic-api.yaml`,
      );
      io.out('');
      const result = await runFlow(flow, input, {
        api,
        sender,
        dryRun,
        statusMap: api.recordStatusMap ?? config.crm.recordStatuses.fromSessionStatus,
        onEvent: (event) => {
          if (event.type === 'step') io.out(`✓ ${event.endpoint}: ${event.message}`);
          if (event.type === 'warning') io.out(`! ${event.message}`);
          if (event.type === 'request')
            [...formatRequest(event.request), ''].forEach((l) => io.out(l));
        },
      });
      io.out('');
      io.out(
        `${dryRun ? 'Nothing was sent.' : 'Done.'} account: ${result.accountId ?? '-'}, record: ${result.recordId ?? '-'}, comments: ${result.comments}, files: ${result.uploads.length}`,
      );
      return 0;
    } catch (err) {
      return reportFailure(io, err);
    } finally {
      await store?.close();
    }
  },
};

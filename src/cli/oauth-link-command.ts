import type { OAuth2Auth, OutboundAuth } from '../generic-api/config/auth-schema';
import { targetText } from '../generic-api/sender/errors/target-text';
import {
  authorizationUrl,
  codeFromInput,
  linkAuthorizationCode,
  type LinkResult,
} from '../generic-api/sender/oauth-link';
import { runtimeLocations } from '../shared/config/runtime-env';
import { AppError } from '../shared/errors/app-error';
import { errorMessage } from '../shared/errors/system-error';
import { createStore, type StoreEnv } from '../shared/store/create-store';
import type { Store } from '../shared/store/store-port';
import type { CliCommand, CommandIo } from './command';
import { loadCommandConfig } from './command-config';
import { parseOptions } from './parse-options';

/**
 * Supplies generic-api.yaml's `auth` block; throws an Error whose message holds one problem per
 * line (`file:line: path: message`).
 */
export type LoadGenericApiAuth = (
  configDir: string,
  env: NodeJS.ProcessEnv,
) => OutboundAuth | Promise<OutboundAuth>;

/** The auth block as the server loads it: the whole config validated, secrets from DATA_DIR. */
export const loadGenericApiAuth: LoadGenericApiAuth = (configDir, env) => {
  const config = loadCommandConfig(env, configDir);
  if (!config.genericApi) throw new Error(`${configDir}/generic-api.yaml: file not found`);
  return config.genericApi.auth;
};

export interface OauthLinkDependencies {
  /** generic-api.yaml's `auth` block. */
  loadAuth: LoadGenericApiAuth;
  /** The store the server uses; `createStore` unless a test says otherwise. */
  openStore?: (env: StoreEnv) => Promise<Store>;
}

const NAME = 'crm-bridge oauth link';

export function createOauthLinkCommand(deps: OauthLinkDependencies): CliCommand {
  return {
    name: 'oauth link',
    usage: 'oauth link [--code CODE] [--config-dir DIR]',
    summary:
      'Authorize crm-bridge at an OAuth 2.0 CRM: print its authorization URL; --code stores tokens.',
    async run(args, io) {
      const options = parseOptions(args, {
        code: { type: 'string' },
        'config-dir': { type: 'string' },
      });
      const locations = runtimeLocations(io.env);
      const auth = await oauthAuth(deps.loadAuth, options['config-dir'] ?? locations.configDir, io);
      if (auth === undefined) return 1;
      if (options.code === undefined) {
        io.out(authorizationUrl(auth));
        io.err('Open this URL in a browser and approve access. The CRM then sends the browser to');
        io.err('its redirect URL with "code=..." in the address; run');
        io.err('  npx crm-bridge oauth link --code CODE');
        io.err('with that code (or the whole address, quoted).');
        if (!io.env.MONGODB_URI?.trim()) {
          // nedb datafiles belong to one process: a running server would overwrite the new tokens.
          io.err('With the embedded store (no MONGODB_URI), stop the server before running it.');
        }
        return 0;
      }
      const input = codeFromInput(options.code, auth);
      if (!input.ok) return fail(io, input.problem);

      const mongodbUri = io.env.MONGODB_URI?.trim();
      const open = deps.openStore ?? createStore;
      const store = await open({ dataDir: locations.dataDir, ...(mongodbUri && { mongodbUri }) });
      try {
        const result = await linkAuthorizationCode({ auth, store, code: input.code });
        reportLink(auth, result, io);
        return 0;
      } catch (error) {
        // Token URL refusals and network failures are the admin's to fix; anything else is a bug.
        if (!(error instanceof AppError)) throw error;
        return fail(io, error.message);
      } finally {
        await store.close();
      }
    },
  };
}

/** The command as `crm-bridge` registers it, reading generic-api.yaml's auth block itself. */
export const oauthLink = createOauthLinkCommand({ loadAuth: loadGenericApiAuth });

async function oauthAuth(
  load: LoadGenericApiAuth,
  configDir: string,
  io: CommandIo,
): Promise<OAuth2Auth | undefined> {
  let auth: OutboundAuth;
  try {
    auth = await load(configDir, io.env);
  } catch (error) {
    errorMessage(error)
      .split('\n')
      .forEach((line) => io.err(line));
    return undefined;
  }
  if (auth.method !== 'oauth2') {
    fail(io, `generic-api.yaml auth.method is ${auth.method}; linking needs oauth2`);
    return undefined;
  }
  if (auth.grant === 'client_credentials') {
    fail(
      io,
      'auth.grant is client_credentials: crm-bridge fetches its tokens itself, nothing to link',
    );
    return undefined;
  }
  return auth;
}

function reportLink(auth: OAuth2Auth, result: LinkResult, io: CommandIo): void {
  io.out(`linked: tokens for client ${auth.clientId} at ${targetText(auth.tokenUrl)} stored`);
  if (result.refreshToken) return;
  const lasts =
    result.expiresInSeconds === undefined
      ? 'until the CRM rejects it'
      : `${result.expiresInSeconds} s`;
  io.err(`warning: the CRM issued no refresh token, so the link lasts ${lasts};`);
  io.err('some CRMs issue one only when asked for offline access (auth.accessType: offline).');
}

function fail(io: CommandIo, message: string): 1 {
  io.err(`${NAME}: ${message}`);
  return 1;
}

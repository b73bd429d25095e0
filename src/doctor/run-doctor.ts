import { compileGenericApi } from '../generic-api/compiled-config';
import { ENDPOINT_NAMES } from '../generic-api/config/generic-api-schema';
import type { AppConfig } from '../shared/config/app-config';
import { formatProblem, loadConfig } from '../shared/config/load-config';
import { readRuntimeEnv, runtimeLocations, runtimeMode } from '../shared/config/runtime-env';
import { runChecks, type DoctorCheck } from './check';
import { embeddedStoreCheck } from './checks/embedded-store-check';
import { endpointCheck, probeCredentials } from './checks/endpoint-check';
import { mongoStoreCheck } from './checks/mongo-store-check';
import { oauthClientFindings } from './checks/oauth-clients-check';
import { redisCheck } from './checks/redis-check';
import { smtpCheck } from './checks/smtp-check';
import { probeTokenEndpoint } from './checks/token-probe';
import { fail, ok, type Finding } from './finding';

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  configDir?: string;
  /** Bounds each check's network calls. */
  timeoutMs: number;
}

/**
 * Every check, in a fixed order: config, store, Redis, SMTP, each Generic API endpoint, OAuth.
 * The service checks need a valid environment and the config-dependent ones a valid config; when
 * either is broken the config findings say so and the checks that depend on it are left out.
 */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const { env, timeoutMs } = options;
  const locations = runtimeLocations(env);
  const configDir = options.configDir ?? locations.configDir;
  const runtime = readRuntimeEnv(env);
  const loaded = loadConfig({
    configDir,
    dataDir: locations.dataDir,
    mode: runtimeMode(env),
    env,
    writeSecrets: false,
  });
  const configFindings: Finding[] = [
    ...(runtime.ok ? [] : runtime.problems.map((p) => fail('config', `environment: ${p}`))),
    ...(loaded.ok
      ? [ok('config', `${configDir}: every file valid`)]
      : loaded.problems.map((p) =>
          fail('config', formatProblem(p), 'fix it; crm-bridge config check lists the same'),
        )),
  ];
  const config = loaded.ok ? loaded.config : undefined;
  const checks: DoctorCheck[] = [
    ...(runtime.ok ? serviceChecks(runtime.env, config) : []),
    ...(config ? configuredChecks(config, timeoutMs) : []),
  ];
  return [...configFindings, ...(await runChecks(checks, timeoutMs))];
}

function serviceChecks(
  runtime: { dataDir: string; mongodbUri?: string; redisUrl?: string; smtpUrl?: string },
  config: AppConfig | undefined,
): DoctorCheck[] {
  return [
    runtime.mongodbUri
      ? mongoStoreCheck(runtime.mongodbUri, config?.crm)
      : embeddedStoreCheck(runtime.dataDir),
    runtime.redisUrl
      ? redisCheck(runtime.redisUrl)
      : note('redis', 'REDIS_URL not set: outcome emails queue in the store'),
    runtime.smtpUrl
      ? smtpCheck(runtime.smtpUrl)
      : note('smtp', 'SMTP_URL not set: outcome emails are written to DATA_DIR/outbox'),
  ];
}

/** The Generic API endpoints, then OAuth: server.yaml's clients and generic-api.yaml's token URL. */
function configuredChecks(config: AppConfig, timeoutMs: number): DoctorCheck[] {
  const api = config.genericApi;
  const oauthClients = known('oauth', oauthClientFindings(config.server));
  if (api === undefined)
    return [note('endpoint', 'no generic-api.yaml: no endpoints to check'), oauthClients];
  const compiled = compileGenericApi(api);
  const auth = compiled.auth;
  // One token request serves the oauth line and every endpoint probe.
  const tokenProbe =
    auth.method === 'oauth2' ? once(() => probeTokenEndpoint(auth, timeoutMs)) : undefined;
  const credentials = probeCredentials(auth, async () => (await tokenProbe?.())?.accessToken);
  const endpoints = ENDPOINT_NAMES.flatMap((name) => {
    const endpoint = compiled.endpoints[name];
    const url = api.endpoints[name]?.url;
    return endpoint && url ? [endpointCheck(endpoint, url, credentials)] : [];
  });
  const tokenCheck: DoctorCheck[] =
    auth.method === 'oauth2' && tokenProbe
      ? [{ check: 'oauth', target: auth.tokenUrl, run: async () => [(await tokenProbe()).finding] }]
      : [];
  return [...endpoints, oauthClients, ...tokenCheck];
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** A check with nothing to contact: its findings are known up front. */
function known(check: string, findings: Finding[]): DoctorCheck {
  return { check, target: check, run: async () => findings };
}

function note(check: string, message: string): DoctorCheck {
  return known(check, [ok(check, message)]);
}

import { createApp } from './app';
import { loadConfig, formatProblem } from './shared/config/load-config';
import { readRuntimeEnv } from './shared/config/runtime-env';
import { createLogger } from './shared/log/logger';
import { onTerminate, shutdown } from './shared/lifecycle';
import { createStore } from './shared/store/create-store';
import { startupBanner } from './startup-banner';

async function main(): Promise<void> {
  const runtime = readRuntimeEnv(process.env);
  if (!runtime.ok) {
    for (const problem of runtime.problems) process.stderr.write(`crm-bridge: ${problem}\n`);
    process.exit(1);
  }
  const env = runtime.env;
  const logger = createLogger(env.logLevel);
  const mode = env.mode;
  const loaded = loadConfig({
    configDir: env.configDir,
    dataDir: env.dataDir,
    mode,
    env: process.env,
    writeSecrets: true,
  });
  if (!loaded.ok) {
    process.stderr.write(`crm-bridge: the configuration in ${env.configDir} has problems:\n`);
    for (const problem of loaded.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.exit(1);
  }

  const store = await createStore({ mongodbUri: env.mongodbUri, dataDir: env.dataDir });
  const app = await createApp({ config: loaded.config, store, logger });
  const server = app.express.listen(env.port, env.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.port;
    process.stdout.write(
      startupBanner({
        config: loaded.config,
        secrets: loaded.secrets,
        mode,
        host: env.host,
        port,
        storeKind: store.kind,
      }),
    );
  });
  onTerminate(
    () => shutdown({ server, closers: [{ name: 'store', close: () => store.close() }], logger }),
    logger,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `crm-bridge failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});

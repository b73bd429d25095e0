import { composeApp } from './compose';
import { loadConfig, formatProblem } from './shared/config/load-config';
import { readRuntimeEnv } from './shared/config/runtime-env';
import { createLogger } from './shared/log/logger';
import { onTerminate, shutdown } from './shared/lifecycle';
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

  const composed = await composeApp(loaded.config, env, logger);
  const { app, store } = composed;
  app.startWorkers();
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
        queueKind: composed.queue.kind,
        mailKind: composed.mailer.kind,
        ...(composed.inboundSmtpPort !== undefined && {
          inboundSmtpPort: composed.inboundSmtpPort,
        }),
        ...(composed.metricsPort !== undefined && { metricsPort: composed.metricsPort }),
      }),
    );
  });
  onTerminate(
    () =>
      shutdown({
        server,
        pauseWorkers: composed.pauseWorkers,
        closers: composed.closers,
        logger,
      }),
    logger,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `crm-bridge failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});

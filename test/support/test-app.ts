import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import supertest from 'supertest';
import { type Composed, composeApp, type ServicesEnv } from '../../src/compose';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { createLogger, type Logger } from '../../src/shared/log/logger';
import { checkAnswersAgainstDocument } from './api-contract';

export const TEST_CREDENTIALS = {
  username: 'ccaip',
  password: 'test-password',
  apiKey: 'test-api-key',
};

const SHIPPED_CONFIG = path.resolve(__dirname, '../../config');

/** The shipped config, loaded as the server would, with known credentials. */
export function testConfig(dataDir: string, overrides: Record<string, string> = {}): AppConfig {
  const loaded = loadConfig({
    configDir: SHIPPED_CONFIG,
    dataDir,
    mode: 'embedded',
    env: {
      API_USERNAME: TEST_CREDENTIALS.username,
      API_PASSWORD: TEST_CREDENTIALS.password,
      API_KEY: TEST_CREDENTIALS.apiKey,
      WEB_ADMIN_PASSWORD: 'test-admin-password',
      ...overrides,
    },
    writeSecrets: false,
  });
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.config;
}

export interface TestApp extends Composed {
  dataDir: string;
  /** A supertest agent whose requests carry valid Basic credentials. */
  api: ReturnType<typeof authed>;
  /** A supertest agent without credentials. */
  anonymous: supertest.Agent;
  /** Closes everything; the data directory is removed unless `keepData` (to start again on it). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

function authed(agent: supertest.Agent) {
  const auth = <T extends supertest.Test>(test: T): T =>
    test.auth(TEST_CREDENTIALS.username, TEST_CREDENTIALS.password) as T;
  return {
    get: (url: string) => auth(agent.get(url)),
    post: (url: string) => auth(agent.post(url)),
    put: (url: string) => auth(agent.put(url)),
    patch: (url: string) => auth(agent.patch(url)),
    delete: (url: string) => auth(agent.delete(url)),
  };
}

const queuePrefixOf = (dataDir: string): string => `t-${path.basename(dataDir)}`;

/** Test runs share one Redis: each removes the keys of its own queues. */
async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

export interface TestAppOptions {
  configure?: (config: AppConfig) => AppConfig;
  /** Adapters and timings; by default the embedded ones (MongoDB when MONGODB_URI is set). */
  services?: Partial<ServicesEnv>;
  /** Start on an existing data directory (a restart). */
  dataDir?: string;
  /** Start the outcome-email worker (default true). */
  workers?: boolean;
  /** Check every answer the agents get against the served OpenAPI document (default true). */
  apiContract?: boolean;
  /** The application's logger (default: a silent one); spy on it to see what is logged. */
  logger?: Logger;
}

/**
 * The whole application, composed exactly as `npm start` composes it, on a fresh temporary
 * data directory: embedded store, local queue and outbox unless `services` says otherwise.
 */
export async function startTestApp(
  options: TestAppOptions | ((config: AppConfig) => AppConfig) = {},
): Promise<TestApp> {
  const opts = typeof options === 'function' ? { configure: options } : options;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-test-'));
  const base = testConfig(dataDir);
  const config = opts.configure ? opts.configure(base) : base;
  const composed = await composeApp(
    config,
    {
      dataDir,
      // Tied to the data directory: a restart on the same directory finds its own jobs again.
      queuePrefix: queuePrefixOf(dataDir),
      ...(process.env.MONGODB_URI && { mongodbUri: process.env.MONGODB_URI }),
      ...opts.services,
    },
    opts.logger ?? createLogger('silent'),
  );
  if (opts.workers !== false) composed.app.startWorkers();
  const agent = supertest.agent(composed.app.express);
  if (opts.apiContract !== false) await checkAnswersAgainstDocument(agent);
  return {
    ...composed,
    dataDir,
    api: authed(agent),
    anonymous: agent,
    close: async ({ keepData = false } = {}) => {
      for (const closer of composed.closers) await closer.close();
      if (keepData) return;
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (composed.queue.kind === 'bull' && opts.services?.redisUrl) {
        await deleteRedisKeys(opts.services.redisUrl, `${queuePrefixOf(dataDir)}:*`);
      }
    },
  };
}

/** The request journal switched on (the shipped server.yaml leaves it off). */
export const journalOn = (config: AppConfig): AppConfig => ({
  ...config,
  server: { ...config.server, journal: { ...config.server.journal, enabled: true } },
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { type App, createApp } from '../../src/app';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { createLogger } from '../../src/shared/log/logger';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';

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

export interface TestApp {
  app: App;
  store: Store;
  /** A supertest agent whose requests carry valid Basic credentials. */
  api: ReturnType<typeof authed>;
  /** A supertest agent without credentials. */
  anonymous: supertest.Agent;
  close(): Promise<void>;
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

/**
 * The whole application on the embedded store in a fresh temporary directory (or on MongoDB
 * when MONGODB_URI is set), exactly as `createApp` builds it for `npm start`.
 */
export async function startTestApp(configure?: (config: AppConfig) => AppConfig): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-test-'));
  const base = testConfig(dataDir);
  const config = configure ? configure(base) : base;
  const store = await createStore({ mongodbUri: process.env.MONGODB_URI, dataDir });
  const app = await createApp({ config, store, logger: createLogger('silent') });
  const agent = supertest.agent(app.express);
  return {
    app,
    store,
    api: authed(agent),
    anonymous: agent,
    close: async () => {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

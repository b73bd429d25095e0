import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/shared/config/app-config';
import { type BannerInput, startupBanner } from '../../src/startup-banner';
import { testConfig } from '../support/test-app';

describe('Startup banner', () => {
  let dataDir: string;
  let config: AppConfig;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-banner-'));
    config = testConfig(dataDir);
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const banner = (
    overrides: {
      crm?: Partial<AppConfig['crm']>;
      server?: Partial<AppConfig['server']>;
    } & Partial<Omit<BannerInput, 'config'>> = {},
  ) => {
    const { crm, server, ...input } = overrides;
    return startupBanner({
      config: {
        ...config,
        crm: { ...config.crm, ...crm },
        server: { ...config.server, ...server },
      },
      secrets: [],
      mode: 'embedded',
      host: '0.0.0.0',
      port: 3000,
      storeKind: 'embedded',
      queueKind: 'local',
      mailKind: 'outbox',
      ...input,
    });
  };

  test('When the built-in CRM serves with metrics on the main port, then it says so and where Prometheus scrapes', () => {
    const text = banner();

    expect(text).toContain('serving on http://localhost:3000');
    expect(text).toContain('CRM:      built in (the embedded store holds accounts and records)');
    expect(text).toContain('Metrics:  http://localhost:3000/metrics (any API credential)');
  });

  test('When the CRM is remote and metrics have a listener of their own, then both are named', () => {
    const text = banner({
      crm: { backend: 'remote' },
      server: {
        metrics: {
          ...config.server.metrics,
          auth: 'none',
          listen: { host: '127.0.0.1', port: 0 },
        },
      },
      metricsPort: 9464,
    });

    expect(text).toContain('CRM:      your own, through generic-api.yaml (middleware mode)');
    expect(text).toContain('Metrics:  http://127.0.0.1:9464/metrics (no credentials)');
  });

  test('When metrics are off, then no metrics line is printed', () => {
    const text = banner({ server: { metrics: { ...config.server.metrics, enabled: false } } });

    expect(text).not.toContain('Metrics:');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { platformAvailability } from '../../src/platform/platform-settings';
import { MASK, maskConfig } from '../../src/web/config-mask';

const SHIPPED = path.resolve(__dirname, '../../config');
const BASE_ENV = {
  API_PASSWORD: 'p',
  API_KEY: 'k',
  OAUTH_CLIENT_SECRET: 'o',
  WEB_ADMIN_PASSWORD: 'w',
  SESSION_SECRET: 's',
};

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-platform-config-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const load = (env: Record<string, string>, mode: 'embedded' | 'production' = 'embedded') =>
  loadConfig({
    configDir: SHIPPED,
    dataDir,
    mode,
    env: { ...BASE_ENV, ...env },
    writeSecrets: true,
  });

test('When no PLATFORM_* variable is set, then the shipped config loads with platform calls off and no key is generated', () => {
  const loaded = load({});
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));

  expect(platformAvailability(loaded.config.server.platform)).toEqual({
    enabled: false,
    reason: expect.stringContaining(
      'PLATFORM_TENANT_URL, PLATFORM_COMPANY_KEY, PLATFORM_COMPANY_SECRET',
    ) as unknown,
  });
  expect(loaded.secrets.map((s) => s.name)).not.toContain('PLATFORM_COMPANY_KEY');
  expect(loaded.secrets.map((s) => s.name)).not.toContain('PLATFORM_COMPANY_SECRET');
});

test('When no PLATFORM_* variable is set in production, then the server still starts (platform calls are optional)', () => {
  expect(load({}, 'production').ok).toBe(true);
});

test('When all three are set, then platform calls are on with them', () => {
  const loaded = load({
    PLATFORM_TENANT_URL: 'https://tenant.ccaiplatform.com',
    PLATFORM_COMPANY_KEY: 'key',
    PLATFORM_COMPANY_SECRET: 'secret',
  });
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  expect(platformAvailability(loaded.config.server.platform)).toMatchObject({
    enabled: true,
    settings: {
      tenantUrl: 'https://tenant.ccaiplatform.com',
      companyKey: 'key',
      timeoutSeconds: 5,
    },
  });
});

test('When only the tenant URL is set, then the config names the two missing fields', () => {
  const loaded = load({ PLATFORM_TENANT_URL: 'https://tenant.ccaiplatform.com' });
  expect(loaded.ok).toBe(false);
  const problems = loaded.ok ? [] : loaded.problems.map((p) => `${p.path}: ${p.message}`);
  expect(problems).toEqual([
    'platform.companyKey: required when tenantUrl is set',
    'platform.companySecret: required when tenantUrl is set',
  ]);
});

test('When the tenant URL is not a URL, then the config says so at that field', () => {
  const loaded = load({
    PLATFORM_TENANT_URL: 'tenant.ccaiplatform.com',
    PLATFORM_COMPANY_KEY: 'key',
    PLATFORM_COMPANY_SECRET: 'secret',
  });
  expect(loaded.ok ? [] : loaded.problems.map((p) => p.path)).toEqual(['platform.tenantUrl']);
});

test('When server.yaml has no platform section, then platform calls are off and the reason says so', () => {
  expect(platformAvailability(undefined)).toEqual({
    enabled: false,
    reason: 'config/server.yaml has no platform section',
  });
});

test('When the company key is written into the file as it is, then /admin still masks it by its name', () => {
  const shown = maskConfig(
    {
      server: {
        platform: { tenantUrl: 'https://t.example', companyKey: 'k1', companySecret: 's1' },
      },
    },
    new Set(),
  );
  expect(shown).toEqual({
    server: { platform: { tenantUrl: 'https://t.example', companyKey: MASK, companySecret: MASK } },
  });
});

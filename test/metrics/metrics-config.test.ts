import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';

const SHIPPED_CRM = path.resolve(__dirname, '../../config/crm.yaml');

const SERVER = `api:
  auth:
    basic: [{ username: ccaip, password: letmein }]
`;

let workDir: string;
beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-metrics-config-'));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Loads server.yaml with this `metrics:` section; the problems as `config check` prints them. */
function loadMetrics(section: string) {
  const dir = path.join(workDir, 'config');
  fs.mkdirSync(dir);
  fs.copyFileSync(SHIPPED_CRM, path.join(dir, 'crm.yaml'));
  fs.writeFileSync(path.join(dir, 'server.yaml'), `${SERVER}metrics:\n${section}`);
  const result = loadConfig({
    configDir: dir,
    dataDir: path.join(workDir, 'data'),
    mode: 'embedded',
    env: {},
    writeSecrets: false,
  });
  return result.ok
    ? { metrics: result.config.server.metrics, problems: [] }
    : {
        problems: result.problems.map((p) => formatProblem(p).replace(`${workDir}${path.sep}`, '')),
      };
}

describe('metrics config', () => {
  test('When server.yaml has no metrics section, then metrics are on, behind the API credentials, on the main port', () => {
    const dir = path.join(workDir, 'config');
    fs.mkdirSync(dir);
    fs.copyFileSync(SHIPPED_CRM, path.join(dir, 'crm.yaml'));
    fs.writeFileSync(path.join(dir, 'server.yaml'), SERVER);
    const result = loadConfig({
      configDir: dir,
      dataDir: workDir,
      mode: 'embedded',
      env: {},
      writeSecrets: false,
    });
    expect(result.ok && result.config.server.metrics).toEqual({ enabled: true, auth: 'api' });
  });

  test('When a separate listener is given without a host, then it binds to loopback', () => {
    expect(loadMetrics('  auth: none\n  listen: { port: 9464 }\n').metrics).toEqual({
      enabled: true,
      auth: 'none',
      listen: { host: '127.0.0.1', port: 9464 },
    });
  });

  test.each([
    ['  auth: bearer\n', 'config/server.yaml:4: metrics.token: required with auth: bearer'],
    [
      '  auth: bearer\n  token: short\n',
      'config/server.yaml:6: metrics.token: must be at least 16 characters',
    ],
    [
      '  token: a-long-enough-metrics-token\n',
      'config/server.yaml:5: metrics.token: used only with auth: bearer',
    ],
    [
      '  auth: none\n',
      'config/server.yaml:5: metrics.auth: none would let anyone who reaches the server read /metrics: use it only with listen (a separate listener, e.g. on 127.0.0.1)',
    ],
    [
      '  auth: basic\n',
      'config/server.yaml:5: metrics.auth: Invalid option: expected one of "api"|"bearer"|"none"',
    ],
    [
      '  listen: { port: 70000 }\n',
      'config/server.yaml:5: metrics.listen.port: Too big: expected number to be <=65535',
    ],
    ['  enabeld: false\n', 'config/server.yaml:5: metrics.enabeld: unknown key "enabeld"'],
  ])('When the metrics section is %j, then config check says %j', (section, problem) => {
    expect(loadMetrics(section).problems).toEqual([problem]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/run-cli';
import { exampleConfigDir } from './remote-app';

const ENV = {
  ACME_CRM_URL: 'http://acme.invalid',
  ACME_CRM_KEY: 'key',
  API_PASSWORD: 'api-pass',
  WEB_ADMIN_PASSWORD: 'web-pass',
};

let dir: string;
beforeEach(() => {
  dir = exampleConfigDir();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('crm-bridge config check, backend remote', () => {
  it('When examples/remote is checked, then it is OK and lists the operations that answer 501', async () => {
    const run = await runCli(['config', 'check', '--config-dir', dir], {
      ...ENV,
      DATA_DIR: path.join(dir, 'data'),
    });
    expect(run).toEqual({
      code: 0,
      stdout: [
        'config OK (server.yaml, crm.yaml, generic-api.yaml, actions.yaml)',
        'crm.yaml backend remote: GET /records/:id/comments answers 501 (generic-api.yaml has no endpoint that lists them)',
        'crm.yaml backend remote: GET /records/:id/attachments answers 501 (generic-api.yaml has no endpoint that lists them)',
      ],
      stderr: [],
    });
  });

  it('When endpoints are missing, then each operation they serve is named with the endpoint', async () => {
    const file = path.join(dir, 'generic-api.yaml');
    const yaml = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, yaml.replace(/\n {2}findRecordByQuery:[\s\S]*?\n\n/, '\n'));
    const run = await runCli(['config', 'check', '--config-dir', dir], {
      ...ENV,
      DATA_DIR: path.join(dir, 'data'),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual(
      expect.arrayContaining([
        'crm.yaml backend remote: GET /records answers 501 (generic-api.yaml has no endpoints.findRecordByQuery)',
        'crm.yaml backend remote: GET /records/:id answers 501 (generic-api.yaml has no endpoints.findRecordByQuery)',
      ]),
    );
  });

  it('When backend is remote without generic-api.yaml, then the check fails at the backend line', async () => {
    fs.rmSync(path.join(dir, 'generic-api.yaml'));
    const run = await runCli(['config', 'check', '--config-dir', dir], {
      ...ENV,
      DATA_DIR: path.join(dir, 'data'),
    });
    expect(run).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `${dir}/crm.yaml:5: backend: remote needs generic-api.yaml (the remote CRM's endpoints), which is missing`,
      ],
    });
  });
});

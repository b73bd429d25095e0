import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, ROOT } from '../support/run-cli';
import { startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';

let t: TestApp;
let server: Server;
let env: NodeJS.ProcessEnv;
const EXAMPLE = path.join(ROOT, 'examples/sessions/new-caller.json');

beforeAll(async () => {
  t = await startTestApp();
  server = t.app.express.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  env = {
    CRM_BRIDGE_URL: `http://127.0.0.1:${port}`,
    API_USERNAME: TEST_CREDENTIALS.username,
    API_PASSWORD: TEST_CREDENTIALS.password,
    API_KEY: TEST_CREDENTIALS.apiKey,
    WEB_ADMIN_PASSWORD: 'x-admin-password',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-sim-')),
  };
});
afterAll(async () => {
  server.close();
  await t.close();
});

describe('crm-bridge simulate against the built-in CRM', () => {
  test('When the shipped example runs the full flow, then the CRM API returns the account, record, comments and attachment it made', async () => {
    const run = await runCli(['simulate', '--session', EXAMPLE], env);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    const done = run.stdout.at(-1) ?? '';
    const [, accountId, recordId] =
      /account: (\S+), record: (\S+), comments: 5, files: 1/.exec(done) ?? [];
    expect(accountId).toBeDefined();

    const account = await t.api.get(`/api/v1/accounts/${accountId}`);
    expect(account.body.data).toMatchObject({
      name: 'James Bond',
      phone: '+1 222 333 4444',
      email: 'james.bond@agents.example',
    });
    const record = await t.api.get(`/api/v1/records/${recordId}`);
    expect(record.body.data).toMatchObject({
      accountId,
      subject: 'Call 6868 (Order info)',
      status: 'solved',
      rating: 5,
    });
    const comments = await t.api.get(`/api/v1/records/${recordId}/comments`);
    expect(comments.body.data.map((c: { body: string }) => c.body.split('\n')[0])).toEqual([
      'File uploaded: call-6868.json (session_metadata)',
      'CSAT rating: 5/5',
      'Call 6868 finished',
      'Custom data',
      'Call 6868 started',
    ]);
    const attachments = await t.api.get(`/api/v1/records/${recordId}/attachments`);
    expect(attachments.body.data).toMatchObject([
      { filename: 'call-6868.json', contentType: 'application/json' },
    ]);

    expect(run.stdout).toContain('✓ findAccountByQuery: no account matches; creating one');
    expect(run.stdout.some((l) => l.includes(TEST_CREDENTIALS.password))).toBe(false);
    expect(run.stdout).toContain('    Authorization: [secret]');

    // The same caller again: the account is found and the open record reused.
    const again = await runCli(['simulate', '--session', EXAMPLE, '--flow', 'record'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`✓ findAccountByQuery: account ${accountId} found`);
  });

  test('When --dry-run is given, then the requests are printed and nothing reaches the CRM', async () => {
    const before = (await t.api.get('/api/v1/accounts')).body.meta.total;
    const run = await runCli(
      ['simulate', '--session', EXAMPLE, '--flow', 'account', '--dry-run'],
      env,
    );
    expect(run.code).toBe(0);
    expect(
      run.stdout.some(
        (l) => l.startsWith('→ POST ') && l.endsWith('/api/v1/accounts   (createAccount)'),
      ),
    ).toBe(true);
    expect(run.stdout.at(-1)).toMatch(/^Nothing was sent\./);
    expect((await t.api.get('/api/v1/accounts')).body.meta.total).toBe(before);
  });

  test('When the CRM refuses the credentials, then simulate exits 1 naming the endpoint and status', async () => {
    const run = await runCli(['simulate', '--session', EXAMPLE], {
      ...env,
      API_PASSWORD: 'wrong-password',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      '✗ findAccountByQuery: answered 401: {"error":{"code":"unauthorized","message":"the credentials given are not valid","details":[]}}',
    ]);
  });

  test('When the session file is broken, then the error names the file and field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-sim-file-'));
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ variables: { NAME: { first: 'x' } } }));
    const run = await runCli(['simulate', '--session', file], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([`✗ ${file}: variables.NAME: must be a string, a number or null`]);
    const usage = await runCli(['simulate', '--flow', 'everything', '--session', file], env);
    expect(usage.code).toBe(2);
  });
});

describe('crm-bridge render', () => {
  test.each([
    ['{NAME} <last_name>', 'James Bond Bond'],
    [
      '=CONCAT_OR((Phone:equals:<PHONE_NUMBER>), (Id:equals:<ACCOUNT_ID>))',
      '(Phone:equals:+1 222 333 4444)',
    ],
    ['=DEFAULT_VALUE({ACCOUNT_ID}, none)', 'none'],
    ['{CALL_DURATION}', '07:05'],
  ])(
    'When the template is %s, then it prints the resolved value alone',
    async (template, expected) => {
      const run = await runCli(['render', '--template', template, '--session', EXAMPLE], env);
      expect(run).toEqual({ code: 0, stdout: [expected], stderr: [] });
    },
  );

  test('When searching, then the Automatic phone format is the search pattern', async () => {
    const run = await runCli(
      ['render', '--template', '<PHONE_NUMBER>', '--purpose', 'search', '--session', EXAMPLE],
      env,
    );
    expect(run.stdout).toEqual(['*222*333*4444']);
  });

  test('When the template resolves to empty, then nothing is printed', async () => {
    const run = await runCli(['render', '--template', '{ACCOUNT_ID}', '--session', EXAMPLE], env);
    expect(run).toEqual({ code: 0, stdout: [], stderr: [] });
  });

  test('When the template has a syntax error, then it exits 1 naming the column', async () => {
    const run = await runCli(['render', '--template', '=CONCAT_OR((a)', '--session', EXAMPLE], env);
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(/^--template: column \d+: /);
  });
});

import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, describeInChromium, SCREENSHOTS } from './chromium';
import { journalOn, startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';
import { ADMIN } from '../web/web-helpers';

describeInChromium('The request journal in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let server: Server;
  let base: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;

  /** An API call over real HTTP, as the platform makes it. */
  const callApi = (urlPath: string, requestId: string, body?: unknown) =>
    fetch(`${base}${urlPath}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${TEST_CREDENTIALS.username}:${TEST_CREDENTIALS.password}`).toString('base64')}`,
        'X-Request-Id': requestId,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp(journalOn);
    server = t.app.express.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1100, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  test('When an API call is made, then staff find it by filter and expand it to its bodies', async () => {
    const created = await callApi('/api/v1/accounts', 'browser-create', {
      account: { name: 'James Bond', phone: '+1 222 333 4444', email: 'james.bond@mi6.co.uk' },
    });
    expect(created.status).toBe(201);
    expect((await callApi('/api/v1/accounts/nobody', 'browser-missing')).status).toBe(404);

    await page.goto(`${base}/admin/journal`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Request journal' }).waitFor();

    await page.getByLabel('Path starts with').fill('/api/v1/accounts');
    await page.getByLabel('Status').fill('2xx');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=2xx/);
    const rows = page.locator('tbody > tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('POST /api/v1/accounts');

    const details = rows.first().locator('details').first();
    expect(await details.locator('pre').first().isVisible()).toBe(false);
    await details.locator('summary').first().click();
    const requestBody = details.locator('pre').nth(1);
    await requestBody.waitFor({ state: 'visible' });
    const shown = await requestBody.innerText();
    expect(shown).toContain('"phone": "***44"');
    expect(shown).toContain('"email": "j***@mi6.co.uk"');
    expect(await details.innerText()).toContain('"authorization": "[secret]"');
    await page.screenshot({ path: path.join(SCREENSHOTS, '08-journal.png'), fullPage: true });
  });
});

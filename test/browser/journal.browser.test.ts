import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describeInChromium, openChromium, SCREENSHOTS, serveOnLoopback } from './chromium';
import { journalOn, startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';
import { ADMIN } from '../web/web-helpers';

describeInChromium('The request journal in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
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
    served = await serveOnLoopback(t.app.express);
    base = served.base;
    browser = await openChromium();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
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

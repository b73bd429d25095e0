import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describeInChromium, openChromium, SCREENSHOTS, serveOnLoopback } from './chromium';
import { startTestApp, TEST_CREDENTIALS, type TestApp } from '../support/test-app';

describeInChromium('Swagger UI in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  /** Console errors, CSP refusals among them: the page must load without any. */
  const problems: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp();
    await t.api.post('/api/v1/accounts').send({ name: 'Docs Bond', phone: '+12223334444' });
    served = await serveOnLoopback(t.app.express);
    base = served.base;
    browser = await openChromium({ viewport: { width: 1200, height: 900 } });
    page = browser.page;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
  });

  test('When /docs is opened, then every operation of the document renders, with no CSP refusal', async () => {
    const document = (await t.anonymous.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).flatMap((ops) => Object.keys(ops)).length;

    await page.goto(`${base}/docs`);
    await page.getByRole('heading', { name: /crm-bridge API/ }).waitFor();
    await expect(page.locator('.opblock').count()).resolves.toBe(operations);
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'docs-01-operations.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);
  });

  test('When an operation the Portal uses is opened, then it shows its Generic API setting', async () => {
    const findAccounts = page.locator('#operations-accounts-findAccounts');
    await findAccounts.locator('.opblock-summary').click();
    await findAccounts.getByText(/Portal setting Find an account by query/).waitFor();
    await findAccounts.getByText('$.data[0]').first().waitFor();
  });

  test('When staff authorize with Basic and try an operation, then the real answer shows', async () => {
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.auth-container').filter({ hasText: 'basic' });
    await dialog.locator('input').nth(0).fill(TEST_CREDENTIALS.username);
    await dialog.locator('input[type="password"]').fill(TEST_CREDENTIALS.password);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.locator('.btn-done').click();

    const findAccounts = page.locator('#operations-accounts-findAccounts');
    await findAccounts.getByRole('button', { name: 'Try it out' }).click();
    await findAccounts.getByRole('button', { name: 'Execute' }).click();
    const live = findAccounts.locator('.live-responses-table');
    await live.getByText('Docs Bond').first().waitFor();
    await expect(
      live.locator('tbody .response-col_status').first().textContent(),
    ).resolves.toContain('200');
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'docs-02-try-it-out.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);
  });
});

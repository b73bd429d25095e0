import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  COMPANY_BASIC,
  type PlatformDouble,
  startPlatformDouble,
  withPlatform,
} from '../platform/platform-double';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN, apiAccount, apiRecord } from '../web/web-helpers';
import { describeInChromium, openChromium, SCREENSHOTS, serveOnLoopback } from './chromium';

describeInChromium('Platform calls in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let double: PlatformDouble;
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  let recordId: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    double = await startPlatformDouble();
    double.waits['10'] = 180;
    t = await startTestApp(withPlatform(double.settings()));
    served = await serveOnLoopback(t.app.express);
    base = served.base;
    const { id: accountId } = await apiAccount(t, { name: 'James Bond', phone: '+12223334444' });
    recordId = (
      await apiRecord(t, { accountId, subject: 'Order 1234', menu: 'Sales', menuId: '10' })
    ).id;

    browser = await openChromium();
    page = browser.page;
    await page.goto(`${base}/login`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/lookup`);
  });

  afterAll(async () => {
    // Each part closed only if beforeAll got that far, so a failed start cannot hang the run.
    await browser?.close();
    await served?.close();
    await t?.close();
    await double?.close();
  });

  test('When "Request a callback" is clicked on a record page, then the platform is asked and the page says which call', async () => {
    await page.goto(`${base}/records/${recordId}`);
    await page.getByText('Estimated wait: 3 min (Sales)').waitFor();
    await page.getByRole('button', { name: 'Request a callback' }).click();

    await page.waitForURL(`${base}/records/${recordId}`);
    expect(await page.getByRole('status').textContent()).toContain('Callback requested: call 6868');
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'platform-callback.png'),
      fullPage: true,
    });
    const [sent] = double.to('/apps/api/v1/calls');
    expect(sent?.headers.authorization).toBe(COMPANY_BASIC);
    expect(JSON.parse(sent?.body.toString() ?? '')).toEqual({
      call_type: 'IncomingCall',
      end_user_number: '+12223334444',
      menu_id: 10,
      ticket_id: recordId,
      lang: 'en',
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { sessionVariables } from '../../src/generic-api/session-variables';
import { buildLookupUrl } from '../../src/web/lookup-url';
import { describeInChromium, openChromium, SCREENSHOTS, serveOnLoopback } from './chromium';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import { ADMIN, apiAccount, apiRecord } from '../web/web-helpers';

const TRANSCRIPT = Buffer.from('Agent: Hello James\nCustomer: Where is order 1234?\n');
const KNOWN_CALL = {
  id: 6868,
  call_type: 'IvrCall',
  status: 'connected',
  end_user: { name: 'James Bond', phone_number: '+12223334444' },
  menu_path: { name: 'Orders/Order info' },
  selected_menu: { id: 12, name: 'Order info' },
};
const UNKNOWN_CALL = {
  ...KNOWN_CALL,
  id: 6869,
  end_user: { phone_number: '+13105550123' },
};

describeInChromium('The pages in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let base: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  let accountId: string;
  let recordId: string;

  const lookupUrl = (session: Record<string, unknown>): string => {
    const template = testConfig(t.dataDir).server.lookupUrls.ivr ?? '';
    const url = new URL(buildLookupUrl(template, sessionVariables(session)));
    return `${base}${url.pathname}${url.search}`;
  };
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp();
    served = await serveOnLoopback(t.app.express);
    base = served.base;

    accountId = (
      await apiAccount(t, {
        name: 'James Bond',
        phone: '+12223334444',
        email: 'james.bond@agents.example',
        cuid: 'james.bond',
        loyaltyTier: 'gold',
      })
    ).id;
    recordId = (
      await apiRecord(t, {
        accountId,
        subject: 'Where is order 1234?',
        description: 'Customer asked about a late delivery.',
        status: 'open',
        menu: 'Orders/Order info',
      })
    ).id;
    await t.api
      .post(`/api/v1/records/${recordId}/comments`)
      .send({ body: 'Call 6868 connected (Orders/Order info)' });
    await t.api.post(`/api/v1/records/${recordId}/attachments`).send({
      file: TRANSCRIPT.toString('base64'),
      filename: 'chat-6868.txt',
      contentType: 'text/plain',
    });

    browser = await openChromium({ acceptDownloads: true });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
  });

  test('When staff sign in, then they land on the lookup page', async () => {
    await page.goto(`${base}/login`);
    await screenshot('01-login');
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/lookup`);
    await page.getByRole('heading', { level: 1, name: 'Look up a customer' }).waitFor();
  });

  test('When the lookup URL of a known caller is opened, then their account page shows', async () => {
    await page.goto(lookupUrl(KNOWN_CALL));
    await page.waitForURL(`${base}/accounts/${accountId}`);
    await page.getByRole('heading', { level: 1, name: 'James Bond' }).waitFor();
    expect(await page.getByText('gold').isVisible()).toBe(true);
    await screenshot('02-account');
  });

  test('When the record is followed and its attachment downloaded, then the bytes are the uploaded ones', async () => {
    await page.getByRole('link', { name: 'Where is order 1234?' }).click();
    await page.waitForURL(`${base}/records/${recordId}`);
    await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
    await screenshot('03-record');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'chat-6868.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chat-6868.txt');
    const file = await download.path();
    expect(Buffer.compare(fs.readFileSync(file), TRANSCRIPT)).toBe(0);
  });

  test('When an unknown caller is looked up, then the screen pop creates the account and record', async () => {
    await page.goto(lookupUrl(UNKNOWN_CALL));
    await page.getByRole('heading', { level: 1, name: 'New customer' }).waitFor();
    expect(await page.getByLabel('Phone number').inputValue()).toBe('+13105550123');
    expect(await page.getByLabel('Queue').inputValue()).toBe('Orders/Order info');
    await page.getByLabel('Name').fill('Vesper Lynd');
    await screenshot('04-screen-pop');
    await page.getByRole('button', { name: 'Create customer and record' }).click();
    await page.waitForURL(/\/records\/[^/]+$/);
    await page.getByRole('heading', { level: 1, name: 'Call from +13105550123' }).waitFor();
    await page.getByRole('link', { name: 'Vesper Lynd' }).waitFor();
    await screenshot('05-new-record');

    await page.goto(lookupUrl(UNKNOWN_CALL));
    await page.getByRole('heading', { level: 1, name: 'Vesper Lynd' }).waitFor();
  });

  test('When the outbox and admin pages are opened, then they render', async () => {
    await t.mailer.send({
      from: 'no-reply@crm-bridge.local',
      to: 'crm-inbox@example.com',
      subject: 'Session outcome: call 6868 (finished)',
      text: JSON.stringify(KNOWN_CALL, null, 2),
    });
    await page.goto(`${base}/outbox`);
    await page.getByRole('link', { name: 'Session outcome: call 6868 (finished)' }).click();
    await page.getByRole('heading', { level: 2, name: 'Text' }).waitFor();
    await screenshot('06-outbox-message');
    await page.goto(`${base}/admin`);
    await page.getByRole('heading', { level: 2, name: 'Effective configuration' }).waitFor();
    await screenshot('07-admin');
  });
});

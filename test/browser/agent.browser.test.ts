import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describeInChromium, openChromium, SCREENSHOTS, serveOnLoopback } from './chromium';
import { startTestApp, type TestApp } from '../support/test-app';
import { ADMIN, apiAccount, apiRecord } from '../web/web-helpers';

/**
 * The fake platform: one tiny server, reached as `localhost` it is the adapter's origin, as
 * `127.0.0.1` a third, evil one. The adapter page frames the evil page, which posts to the top
 * window too; then the adapter posts its own events once everything has loaded.
 */
function fakePlatformPage(url: string, port: number, recordPath: string): string {
  if (url.startsWith('/evil')) {
    return `<!DOCTYPE html><title>Evil</title><p>Evil page</p><script>
      top.postMessage({ event: 'New_Chat', data: { chat_id: 666 } }, '*');
      top.postMessage(JSON.stringify({ type: 'CRM_Record_Pop', data: { recordUrl: '/lookup?evil=1' } }), '*');
    </script>`;
  }
  return `<!DOCTYPE html><title>Fake Call Adapter</title>
    <p>Fake Call Adapter (${url.replace(/&/g, '&amp;').replace(/[<>'"]/g, '')})</p>
    <iframe src='http://127.0.0.1:${port}/evil' width='200' height='80'></iframe>
    <script>
      window.addEventListener('load', function () {
        parent.postMessage({ event: 'New_Call', data: { call_id: 6868, agent_email: 'james.bond@agents.co' } }, '*');
        parent.postMessage({ type: 'CRM_Record_Pop', data: { recordUrl: 'https://example.com/records/1' } }, '*');
        parent.postMessage(JSON.stringify({ type: 'CRM_Record_Pop', data: { recordUrl: '${recordPath}' } }), '*');
      });
    </script>`;
}

describeInChromium('The agent page in a real browser (Chromium)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveOnLoopback>>;
  let platform: Server;
  let base: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  let recordId: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    let recordPath = '';
    platform = http.createServer((req, res) => {
      const port = (platform.address() as AddressInfo).port;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(fakePlatformPage(req.url ?? '/', port, recordPath));
    });
    platform.listen(0, '127.0.0.1');
    await new Promise((resolve) => platform.once('listening', resolve));
    const adapterUrl = `http://localhost:${(platform.address() as AddressInfo).port}/agent/`;

    t = await startTestApp((config) => ({
      ...config,
      server: {
        ...config.server,
        web: { ...config.server.web, agentAdapter: { url: adapterUrl } },
      },
    }));
    served = await serveOnLoopback(t.app.express);
    base = served.base;

    const account = await apiAccount(t, { name: 'James Bond', phone: '+12223334444' });
    recordId = (await apiRecord(t, { accountId: account.id, subject: 'Where is order 1234?' })).id;
    recordPath = `/records/${recordId}`;

    browser = await openChromium({ viewport: { width: 1100, height: 1000 } });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await new Promise((resolve) => platform?.close(resolve));
    await t?.close();
  });

  test('When the adapter posts New_Call and a record pop, then the page lists, keeps and opens them; another origin is ignored', async () => {
    await page.goto(`${base}/agent?type=call`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/agent?type=call`);
    await page.getByRole('heading', { level: 1, name: 'Agent: Call Adapter' }).waitFor();

    const events = page.locator('#agent-events');
    await events.getByText('New_Call · call-6868 · saved').waitFor();
    await events.getByText(`CRM_Record_Pop · opened /records/${recordId} · saved`).waitFor();
    await events.getByText('CRM_Record_Pop · ignored: not a record of this site · saved').waitFor();

    const pane = page.frameLocator('#crm-pane');
    await pane.getByRole('heading', { level: 1, name: 'Where is order 1234?' }).waitFor();
    expect(page.frame({ name: 'crm-pane' })?.url()).toBe(`${base}/records/${recordId}`);
    await page.frameLocator('iframe[name=adapter]').getByText('Fake Call Adapter').waitFor();
    await page
      .frameLocator('iframe[name=adapter]')
      .frameLocator('iframe')
      .getByText('Evil page')
      .waitFor();

    // The evil frame posted first: by now its messages have been handled, and ignored.
    expect(await events.locator('li').allTextContents()).toEqual([
      expect.stringContaining('New_Call · call-6868 · saved'),
      expect.stringContaining('CRM_Record_Pop · ignored'),
      expect.stringContaining(`CRM_Record_Pop · opened /records/${recordId}`),
    ]);
    await page.screenshot({ path: path.join(SCREENSHOTS, '08-agent.png'), fullPage: true });

    const stored = await page.request.get(`${base}/agent/events?session=call-6868`);
    expect(stored.status()).toBe(200);
    const body = (await stored.json()) as { data: { event: string; staff: string }[] };
    expect(body.data).toEqual([
      expect.objectContaining({ event: 'New_Call', session: 'call-6868', staff: 'admin' }),
    ]);
    const evil = await page.request.get(`${base}/agent/events?session=chat-666`);
    expect(((await evil.json()) as { data: unknown[] }).data).toEqual([]);
  });
});

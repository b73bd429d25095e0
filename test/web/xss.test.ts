import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { apiAccount, apiRecord, csrfOf, newBrowser, signIn } from './web-helpers';

/** Payloads for element content, double- and single-quoted attributes. */
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const QUOTE = "' autofocus onfocus='alert(1)";
const PAYLOADS = [SCRIPT, IMG, QUOTE];

let t: TestApp;
let browser: supertest.Agent;
let account: { id: string };
let record: { id: string };

/** Nothing a payload carries may arrive as markup: no tag it opens, no attribute it adds. */
function expectInert(html: string): void {
  for (const payload of PAYLOADS) expect(html).not.toContain(payload);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/onerror=|onfocus=/i);
}

beforeAll(async () => {
  t = await startTestApp();
  browser = await signIn(t);
  account = await apiAccount(t, {
    name: SCRIPT,
    phone: '+13335550000',
    email: 'xss@example.com',
    cuid: QUOTE,
    nickname: IMG,
    [IMG]: SCRIPT,
  });
  await apiAccount(t, { name: IMG, phone: '+13335550000' });
  record = await apiRecord(t, {
    accountId: account.id,
    subject: IMG,
    status: 'open',
    menu: SCRIPT,
    notes: QUOTE,
  });
  await t.api.post(`/api/v1/records/${record.id}/comments`).send({ body: `${SCRIPT}\n${IMG}` });
  await t.api.post(`/api/v1/records/${record.id}/attachments`).send({
    file: Buffer.from('x').toString('base64'),
    filename: `${IMG}.txt`,
    contentType: 'text/html',
  });
  await t.mailer.send({
    from: 'no-reply@crm-bridge.local',
    to: 'crm-inbox@example.com',
    subject: SCRIPT,
    text: IMG,
    headers: { 'X-Crm-Bridge-Session': QUOTE },
  });
});
afterAll(() => t.close());

describe('Every page renders hostile values inert', () => {
  test('When an account has payloads in its name and custom fields, then its page escapes them', async () => {
    const res = await browser.get(`/accounts/${account.id}`);
    expect(res.status).toBe(200);
    expectInert(res.text);
    expect(res.text).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(res.text).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  test('When several accounts with payload names match, then the list escapes them', async () => {
    const res = await browser.get('/lookup').query({ ani: '+13335550000' });
    expect(res.status).toBe(200);
    expectInert(res.text);
  });

  test('When a record has payloads in subject, fields, comments and file names, then its page escapes them', async () => {
    const res = await browser.get(`/records/${record.id}`);
    expect(res.status).toBe(200);
    expectInert(res.text);
    expect(res.text).toContain('&#x27; autofocus onfocus&#x3D;&#x27;alert(1)');
  });

  test('When the lookup URL carries payloads, then the screen pop form escapes them', async () => {
    const res = await browser.get('/lookup').query({
      ani: IMG,
      email: SCRIPT,
      cuid: `${QUOTE}-unknown`,
      menu_path: IMG,
      menu_id: QUOTE,
      channel: SCRIPT,
      type: IMG,
    });
    expect(res.status).toBe(200);
    expectInert(res.text);
  });

  test('When the screen pop is posted with payloads, then the new record page escapes them', async () => {
    const pop = await browser.get('/lookup').query({ ani: '+13335559999' });
    const created = await browser
      .post('/lookup')
      .type('form')
      .send({
        _csrf: csrfOf(pop.text),
        name: SCRIPT,
        phone: '+13335559999',
        subject: IMG,
        description: QUOTE,
        menu: SCRIPT,
        channel: IMG,
        type: QUOTE,
      });
    expect(created.status).toBe(303);
    expectInert((await browser.get(created.headers.location ?? '')).text);
  });

  test('When an email has payloads in subject, headers and text, then the outbox pages escape them', async () => {
    const list = await browser.get('/outbox');
    expectInert(list.text);
    const href = /href='(\/outbox\/[^']+)'/.exec(list.text)?.[1] ?? '';
    const message = await browser.get(href);
    expect(message.status).toBe(200);
    expectInert(message.text);
  });

  test('When error messages and the login form echo input, then they escape it', async () => {
    expectInert((await browser.get(`/accounts/${encodeURIComponent(IMG)}`)).text);
    expectInert((await browser.get(`/lookup?ani=${encodeURIComponent(IMG)}&ani=1`)).text);
    const anonymous = newBrowser(t);
    const login = await anonymous.get(`/login?next=${encodeURIComponent(`/x${IMG}`)}`);
    expectInert(login.text);
    const failed = await anonymous
      .post('/login')
      .type('form')
      .send({ username: IMG, password: 'x', _csrf: csrfOf(login.text), next: `/${QUOTE}` });
    expect(failed.status).toBe(401);
    expectInert(failed.text);
  });

  test('When an attachment is downloaded, then it is never served for rendering', async () => {
    const page = await browser.get(`/records/${record.id}`);
    const href = /href='([^']+\/download)'/.exec(page.text)?.[1] ?? '';
    const res = await browser.get(href);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

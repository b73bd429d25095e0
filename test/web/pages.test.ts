import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { apiAccount, apiRecord, csrfOf, newBrowser, signIn, visibleText } from './web-helpers';

let t: TestApp;
let browser: supertest.Agent;
let james: { id: string };
let record: { id: string };
let attachmentId: string;
const TRANSCRIPT = Buffer.from('Agent: hello\nCustomer: where is order 1234?\n');

beforeAll(async () => {
  t = await startTestApp();
  browser = await signIn(t);
  james = await apiAccount(t, {
    name: 'James Bond',
    phone: '+12223334444',
    email: 'james.bond@agents.example',
    cuid: 'james.bond',
    loyaltyTier: 'gold',
    preferences: { contact: 'sms' },
  });
  record = await apiRecord(t, {
    accountId: james.id,
    subject: 'Order 1234 missing',
    status: 'open',
    menu: 'Orders/Order info',
    orderNumber: '1234',
  });
  await t.api
    .post(`/api/v1/records/${record.id}/comments`)
    .send({ body: 'Called about order 1234\nShipped today.' });
  const upload = await t.api.post(`/api/v1/records/${record.id}/attachments`).send({
    file: TRANSCRIPT.toString('base64'),
    filename: 'chat-42.txt',
    contentType: 'text/plain',
  });
  attachmentId = upload.body.id as string;
  await apiAccount(t, { name: 'Twin One', phone: '+14445556666' });
  await apiAccount(t, { name: 'Twin Two', phone: '(444) 555-6666' });
});
afterAll(() => t.close());

describe('/ and /lookup', () => {
  test('When a signed-in user opens /, then they are sent to the lookup', async () => {
    const res = await browser.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/lookup');
  });

  test('When /lookup has no identity, then it shows the search form', async () => {
    const res = await browser.get('/lookup?channel=voice_call');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Look up a customer</h1>');
    expect(res.text).toMatch(/<label for='ani'>Phone number<\/label>/);
  });

  test.each([
    ['ani', '+12223334444'],
    ['ani', '222-333-4444'],
    ['ani', '*222*333*4444'],
    ['email', 'JAMES.BOND@agents.example'],
    ['cuid', 'james.bond'],
  ])('When one account matches %s=%s, then the lookup opens it', async (name, value) => {
    const res = await browser.get('/lookup').query({ [name]: value, channel: 'voice_call' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/accounts/${james.id}`);
  });

  test('When several accounts match, then the lookup lists them to choose from', async () => {
    const res = await browser.get('/lookup').query({ ani: '+1 444 555 6666' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Several customers match</h1>');
    expect(res.text).toContain('Twin One');
    expect(res.text).toContain('Twin Two');
    expect(res.text).not.toContain('James Bond');
  });

  test('When nothing matches, then the screen pop offers a form prefilled from the URL', async () => {
    const res = await browser.get('/lookup').query({
      ani: '+19998887777',
      menu_path: 'Billing/Refunds',
      menu_id: '77',
      channel: 'voice_call',
      type: 'IVR_Call',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>New customer</h1>');
    expect(res.text).toMatch(/id='phone'[^>]*value='\+19998887777'/);
    expect(res.text).toMatch(/id='subject'[^>]*value='Call from \+19998887777'/);
    expect(res.text).toMatch(/id='menu'[^>]*value='Billing\/Refunds'/);
    expect(res.text).toContain("name='type' value='IVR_Call'");
  });

  test('When the screen pop is posted, then the account and its first record exist and the record opens', async () => {
    const pop = await browser.get('/lookup').query({ ani: '+15550001111', menu_id: '77' });
    const res = await browser
      .post('/lookup')
      .type('form')
      .send({
        _csrf: csrfOf(pop.text),
        name: 'Vesper Lynd',
        phone: '+15550001111',
        email: '',
        customUserId: '',
        subject: 'Call from +15550001111',
        description: 'Asked about a refund',
        menu: 'Billing/Refunds',
        menuId: '77',
        channel: 'voice_call',
        type: 'IVR_Call',
      });
    expect(res.status).toBe(303);
    const recordId = /^\/records\/(.+)$/.exec(res.headers.location ?? '')?.[1] ?? '';
    const created = (await t.api.get(`/api/v1/records/${recordId}`)).body.data;
    expect(created).toMatchObject({
      subject: 'Call from +15550001111',
      description: 'Asked about a refund',
      menu: 'Billing/Refunds',
      menuId: '77',
      sourceType: 'PHONE',
      sessionType: 'IVR_Call',
      status: 'new',
    });
    const account = (await t.api.get(`/api/v1/accounts/${created.accountId}`)).body.data;
    expect(account).toMatchObject({ name: 'Vesper Lynd', phone: '+15550001111' });
    expect(account.email).toBeUndefined();

    const again = await browser.get('/lookup').query({ ani: '+1 555 000 1111' });
    expect(again.headers.location).toBe(`/accounts/${created.accountId}`);
  });

  test('When the screen pop has no name, phone or email, then 422 shows the form again with the problem', async () => {
    const pop = await browser.get('/lookup').query({ email: 'nobody@example.com' });
    const res = await browser
      .post('/lookup')
      .type('form')
      .send({ _csrf: csrfOf(pop.text), subject: 'Kept subject' });
    expect(res.status).toBe(422);
    expect(res.text).toContain("role='alert'");
    expect(res.text).toContain('an account needs at least a name, a phone or an email');
    expect(res.text).toMatch(/id='subject'[^>]*value='Kept subject'/);
  });

  test('When the screen pop is posted without its CSRF token, then nothing is created (403)', async () => {
    const before = (await t.api.get('/api/v1/accounts?name=No%20Token')).body.data.length;
    const res = await browser.post('/lookup').type('form').send({ name: 'No Token' });
    expect(res.status).toBe(403);
    expect((await t.api.get('/api/v1/accounts?name=No%20Token')).body.data.length).toBe(before);
  });

  test('When a lookup parameter is given twice, then 400 says so', async () => {
    const res = await browser.get('/lookup?ani=1&ani=2');
    expect(res.status).toBe(400);
    expect(res.text).toContain('&quot;ani&quot; must be given once');
  });
});

describe('/accounts/:id', () => {
  test('When an account is opened, then its fields, unknown ones too, and its records are shown', async () => {
    const res = await browser.get(`/accounts/${james.id}`);
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(res.text).toContain('<h1>James Bond</h1>');
    expect(text).toContain('Phone +12223334444');
    expect(text).toContain('Email james.bond@agents.example');
    expect(text).toContain('Custom user id (CUID) james.bond');
    expect(text).toContain('loyaltyTier custom gold');
    expect(text).toContain('preferences custom');
    expect(res.text).toContain('&quot;contact&quot;: &quot;sms&quot;');
    expect(res.text).toContain(`href='/records/${record.id}'`);
    expect(text).toContain('Order 1234 missing');
  });

  test('When the account does not exist, then a 404 page says so', async () => {
    const res = await browser.get('/accounts/no-such-account');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<h1>Not found</h1>');
    expect(res.text).toContain('account &quot;no-such-account&quot; does not exist');
  });
});

describe('/records/:id', () => {
  test('When a record is opened, then fields, status, comments, attachments and timeline are shown', async () => {
    const res = await browser.get(`/records/${record.id}`);
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(res.text).toContain('<h1>Order 1234 missing</h1>');
    expect(res.text).toContain("<span class='status'>open</span>");
    expect(res.text).toContain(`href='/accounts/${james.id}'>James Bond</a>`);
    expect(text).toContain('Queue Orders/Order info');
    expect(text).toContain('orderNumber custom 1234');
    expect(res.text).toContain('Called about order 1234\nShipped today.');
    expect(res.text).toContain(
      `href='/records/${record.id}/attachments/${attachmentId}/download' download>chat-42.txt</a>`,
    );
    const timeline = res.text.slice(res.text.indexOf("<ol class='timeline'>"));
    const order = ['Record created', 'Called about order 1234', 'Attached chat-42.txt'].map((s) =>
      timeline.indexOf(s),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('When an attachment is downloaded, then its bytes come back as a download', async () => {
    const res = await browser
      .get(`/records/${record.id}/attachments/${attachmentId}/download`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?chat-42\.txt"?$/);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(Buffer.compare(res.body as Buffer, TRANSCRIPT)).toBe(0);
  });

  test('When the download is asked for without a session, then the bytes are not given', async () => {
    const res = await newBrowser(t).get(
      `/records/${record.id}/attachments/${attachmentId}/download`,
    );
    expect(res.status).toBe(303);
  });

  test('When an attachment is asked for under another record, then 404', async () => {
    const other = await apiRecord(t, { accountId: james.id, subject: 'Other' });
    const res = await browser.get(`/records/${other.id}/attachments/${attachmentId}/download`);
    expect(res.status).toBe(404);
  });

  test('When the record does not exist, then a 404 page says so', async () => {
    const res = await browser.get('/records/no-such-record');
    expect(res.status).toBe(404);
    expect(res.text).toContain('<h1>Not found</h1>');
  });
});

describe('/outbox', () => {
  test('When the outbox holds an email, then it is listed and readable with headers, text and attachment names', async () => {
    await t.mailer.send({
      from: 'no-reply@crm-bridge.local',
      to: 'crm-inbox@example.com',
      subject: 'Session outcome: chat 73522 (finished)',
      text: '{\n  "id": 73522\n}',
      headers: { 'X-Crm-Bridge-Session': 'chat-73522' },
      attachments: [
        { filename: 'chat-73522.txt', content: Buffer.from('hi'), contentType: 'text/plain' },
      ],
    });
    const list = await browser.get('/outbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Session outcome: chat 73522 (finished)');
    const href = /href='(\/outbox\/[^']+)'/.exec(list.text)?.[1] ?? '';

    const message = await browser.get(href);
    expect(message.status).toBe(200);
    const text = visibleText(message.text);
    expect(message.text).toContain('<h1>Session outcome: chat 73522 (finished)</h1>');
    expect(text).toContain('From no-reply@crm-bridge.local');
    expect(text).toContain('To crm-inbox@example.com');
    expect(text).toContain('x-crm-bridge-session chat-73522');
    expect(message.text).toContain('&quot;id&quot;: 73522');
    expect(text).toContain('chat-73522.txt (text/plain, 2 B)');
  });

  test('When the email id is unknown, then 404', async () => {
    expect((await browser.get('/outbox/20240101T000000000Z-0123456789abcdef')).status).toBe(404);
    expect((await browser.get('/outbox/..%2Fsecrets')).status).toBe(404);
  });

  test('When mail goes by SMTP, then the outbox page says so', async () => {
    const smtp = await startTestApp({ services: { smtpUrl: 'smtp://127.0.0.1:9' } });
    try {
      const res = await (await signIn(smtp)).get('/outbox');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Outcome emails are sent by SMTP');
    } finally {
      await smtp.close();
    }
  });
});

describe('/admin', () => {
  test('When the admin page is opened, then it shows the config with every secret masked, and the queues', async () => {
    const res = await browser.get('/admin');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Administration</h1>');
    expect(res.text).toContain('Effective configuration');
    expect(res.text).toContain('outcome-email');
    expect(visibleText(res.text)).toContain('Delayed Waiting Active Completed Failed');
    expect(res.text).toContain('********');
    for (const secret of ['test-password', 'test-api-key', 'test-admin-password'])
      expect(res.text).not.toContain(secret);
    expect(res.text).toContain('username: admin');
    expect(res.text).toContain('lookupUrls:');
  });
});

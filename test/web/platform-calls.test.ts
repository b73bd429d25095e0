import type supertest from 'supertest';
import {
  answer,
  COMPANY,
  COMPANY_BASIC,
  type PlatformDouble,
  silent,
  startPlatformDouble,
  withPlatform,
} from '../platform/platform-double';
import { startTestApp, type TestApp } from '../support/test-app';
import { apiAccount, apiRecord, csrfOf, signIn, visibleText } from './web-helpers';

const CALLS = '/apps/api/v1/calls';
const WAIT_TIMES = '/apps/api/v1/wait_times';

let double: PlatformDouble;
let t: TestApp;
let browser: supertest.Agent;
let james: { id: string };
let order: { id: string };

/** An account whose last queue is `menuId`; each test uses its own queue (wait times are cached). */
async function customerOf(menuId: string, menu: string) {
  const account = await apiAccount(t, { name: `Customer of ${menu}`, phone: '+12223334444' });
  const record = await apiRecord(t, { accountId: account.id, subject: 'Help', menu, menuId });
  return { account, record };
}

/** Posts a page's callback form as the browser would: that page's CSRF token, its queue. */
async function requestCallback(page: string, fields: Record<string, string> = {}) {
  const form = await browser.get(page);
  const menuId = /<option value='(\d+)'/.exec(form.text)?.[1] ?? '';
  return browser
    .post(`${page}/callback`)
    .type('form')
    .send({ _csrf: csrfOf(form.text), menuId, ...fields });
}

/** The page a redirect leads to, as its reader sees it. */
async function followed(res: supertest.Response): Promise<string> {
  expect(res.status).toBe(303);
  return visibleText((await browser.get(res.headers.location as string)).text);
}

beforeAll(async () => {
  double = await startPlatformDouble();
  t = await startTestApp(withPlatform(double.settings({ timeoutSeconds: 0.5 })));
  browser = await signIn(t);
  james = await apiAccount(t, { name: 'James Bond', phone: '+12223334444' });
  await apiRecord(t, { accountId: james.id, subject: 'Old', menu: 'Billing', menuId: '11' });
  order = await apiRecord(t, {
    accountId: james.id,
    subject: 'Order',
    menu: 'Sales',
    menuId: '10',
  });
});
afterAll(async () => {
  await t.close();
  await double.close();
});
beforeEach(() => double.reset());

describe('Estimated wait on the pages', () => {
  test("When an account page is opened, then it shows its last queue's wait, asked of the platform with the company key", async () => {
    double.waits['10'] = 180;
    const page = await browser.get(`/accounts/${james.id}`);

    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain('Estimated wait: 3 min (Sales)');
    const [asked] = double.to(WAIT_TIMES);
    expect(asked?.method).toBe('GET');
    expect(asked?.query).toEqual({ lang: 'en', menu_id: '10' });
    expect(asked?.headers.authorization).toBe(COMPANY_BASIC);
  });

  test('When the page is opened again at once, then the wait time comes from the short cache', async () => {
    const { account } = await customerOf('20', 'Returns');
    await browser.get(`/accounts/${account.id}`);
    await browser.get(`/accounts/${account.id}`);
    expect(double.to(WAIT_TIMES).map((r) => r.query.menu_id)).toEqual(['20']);
  });

  test.each([
    ['21', answer(500, {}), 'wait time unavailable: the platform failed (HTTP 500)'],
    ['22', answer(401, {}), 'wait time unavailable: the platform rejected the company key/secret'],
    ['23', silent, 'wait time unavailable: the platform did not answer within 0.5 s'],
  ])(
    'When the platform fails the wait time of queue %s, then the page still opens and says %j',
    async (menuId, handler, says) => {
      double.waitTimes = handler;
      const { record } = await customerOf(menuId, `Queue ${menuId}`);
      const page = await browser.get(`/records/${record.id}`);

      expect(page.status).toBe(200);
      expect(visibleText(page.text)).toContain(`Estimated wait: ${says}`);
      expect(page.text).toContain('Request a callback');
    },
  );

  test('When the customer has no queue yet, then the page says so and offers a queue id field', async () => {
    const account = await apiAccount(t, { name: 'New Customer', phone: '+13105550123' });
    const page = await browser.get(`/accounts/${account.id}`);
    expect(visibleText(page.text)).toContain(
      'Estimated wait: no queue known for this customer yet.',
    );
    expect(page.text).toMatch(/<input id='callback-menu' name='menuId'/);
    expect(double.to(WAIT_TIMES)).toHaveLength(0);
  });
});

describe('Request a callback', () => {
  test('When the button is used on an account page, then the platform gets exactly the documented request and the page says which call', async () => {
    const res = await requestCallback(`/accounts/${james.id}`);

    expect(res.headers.location).toBe(`/accounts/${james.id}`);
    expect(await followed(res)).toContain('Callback requested: call 6868');
    const [sent, ...more] = double.to(CALLS);
    expect(more).toHaveLength(0);
    expect(sent?.method).toBe('POST');
    expect(sent?.target).toBe(CALLS);
    expect(sent?.headers.authorization).toBe(COMPANY_BASIC);
    expect(JSON.parse(sent?.body.toString() ?? '')).toEqual({
      call_type: 'IncomingCall',
      end_user_number: '+12223334444',
      menu_id: 10,
      lang: 'en',
    });
    // A flash message is shown once.
    expect(visibleText((await browser.get(`/accounts/${james.id}`)).text)).not.toContain(
      'Callback requested',
    );
  });

  test('When the button is used on a record page, then the record is the ticket to pop', async () => {
    const res = await requestCallback(`/records/${order.id}`);

    expect(await followed(res)).toContain('Callback requested: call 6868');
    expect(JSON.parse(double.to(CALLS)[0]?.body.toString() ?? '')).toEqual({
      call_type: 'IncomingCall',
      end_user_number: '+12223334444',
      menu_id: 10,
      ticket_id: order.id,
      lang: 'en',
    });
  });

  test('When another known queue is chosen, then the callback goes to that queue', async () => {
    await requestCallback(`/accounts/${james.id}`, { menuId: '11' });
    expect(JSON.parse(double.to(CALLS)[0]?.body.toString() ?? '')).toMatchObject({ menu_id: 11 });
  });

  test.each([
    [
      401,
      { message: 'Unauthorized' },
      'Callback not requested: the platform rejected the company key/secret',
    ],
    [
      422,
      { message: 'Invalid menu id' },
      'Callback not requested: the platform refused (HTTP 422): Invalid menu id',
    ],
  ])(
    'When the platform answers %i, then the page shows why, not an error page',
    async (status, body, says) => {
      double.calls = answer(status, body);
      const text = await followed(await requestCallback(`/accounts/${james.id}`));
      expect(text).toContain(says);
      expect(text).toContain('James Bond');
    },
  );

  test('When the platform does not answer in time, then the page says so', async () => {
    double.calls = silent;
    const text = await followed(await requestCallback(`/records/${order.id}`));
    expect(text).toContain('Callback not requested: the platform did not answer within 0.5 s');
  });

  test('When the account keeps its number in a local format, then the platform gets it in E.164', async () => {
    const account = await apiAccount(t, { name: 'Local Format', phone: '(310) 555-0123' });
    await apiRecord(t, { accountId: account.id, subject: 'Call me', menu: 'Sales', menuId: '10' });
    await requestCallback(`/accounts/${account.id}`);
    expect(JSON.parse(double.to(CALLS)[0]?.body.toString() ?? '')).toMatchObject({
      end_user_number: '+13105550123',
    });
  });

  test('When the form is posted as JSON with the token in a header, then it is read as an empty form, not a 500', async () => {
    const page = await browser.get(`/accounts/${james.id}`);
    const res = await browser
      .post(`/accounts/${james.id}/callback`)
      .set('X-CSRF-Token', csrfOf(page.text))
      .send({ menuId: '10' });
    expect(await followed(res)).toContain('menuId (the queue id) must be a number');
    expect(double.to(CALLS)).toHaveLength(0);
  });

  test('When the queue id is not a number, then nothing is sent and the page names the field', async () => {
    const text = await followed(
      await requestCallback(`/accounts/${james.id}`, { menuId: '10 OR 1' }),
    );
    expect(text).toContain('Callback not requested: menuId (the queue id) must be a number');
    expect(double.to(CALLS)).toHaveLength(0);
  });

  test('When the account has no phone number, then there is no button and a forced post sends nothing', async () => {
    const account = await apiAccount(t, { name: 'No Phone', email: 'no.phone@example.com' });
    await apiRecord(t, {
      accountId: account.id,
      subject: 'Mail only',
      menu: 'Sales',
      menuId: '10',
    });
    const page = await browser.get(`/accounts/${account.id}`);
    expect(visibleText(page.text)).toContain('No phone number to call back.');
    expect(page.text).not.toContain('Request a callback');

    const res = await browser
      .post(`/accounts/${account.id}/callback`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), menuId: '10' });
    expect(await followed(res)).toContain(
      'Callback not requested: there is no phone number to call',
    );
    expect(double.to(CALLS)).toHaveLength(0);
  });

  test('When the form comes without the CSRF token, then it is refused and nothing is sent', async () => {
    const res = await browser
      .post(`/accounts/${james.id}/callback`)
      .type('form')
      .send({ menuId: '10' });
    expect(res.status).toBe(403);
    expect(visibleText(res.text)).toContain('the form has expired or did not come from this site');
    expect(double.to(CALLS)).toHaveLength(0);
  });

  test('When nobody is signed in, then the callback is refused', async () => {
    const res = await t.anonymous
      .post(`/accounts/${james.id}/callback`)
      .type('form')
      .send({ menuId: '10' });
    expect(res.status).toBe(401);
    expect(double.to(CALLS)).toHaveLength(0);
  });
});

test('/admin shows the platform section with the company key and secret masked', async () => {
  const text = visibleText((await browser.get('/admin')).text);
  expect(text).toContain('tenantUrl');
  expect(text).not.toContain(COMPANY.key);
  expect(text).not.toContain(COMPANY.secret);
});

describe('Without platform config', () => {
  let bare: TestApp;
  let staff: supertest.Agent;
  let account: { id: string };
  beforeAll(async () => {
    bare = await startTestApp();
    staff = await signIn(bare);
    account = await apiAccount(bare, { name: 'James Bond', phone: '+12223334444' });
  });
  afterAll(() => bare.close());

  test('When an account page is opened, then it says why there are no platform calls and shows no button', async () => {
    const page = await staff.get(`/accounts/${account.id}`);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain(
      'Platform calls are off: platform.tenantUrl, companyKey and companySecret are not set (PLATFORM_TENANT_URL, PLATFORM_COMPANY_KEY, PLATFORM_COMPANY_SECRET)',
    );
    expect(page.text).not.toContain('Request a callback');
  });

  test('When a callback is posted anyway, then the page says platform calls are off', async () => {
    const page = await staff.get(`/accounts/${account.id}`);
    const res = await staff
      .post(`/accounts/${account.id}/callback`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), menuId: '10' });
    expect(res.status).toBe(303);
    const text = visibleText((await staff.get(`/accounts/${account.id}`)).text);
    expect(text).toContain('Callback not requested: platform calls are off');
  });
});

import { PlatformClient } from '../../src/platform/platform-client';
import { PlatformError } from '../../src/platform/platform-error';
import { formatWait } from '../../src/platform/wait-time';
import { closedPort } from '../generic-api/loopback';
import {
  answer,
  COMPANY_BASIC,
  type PlatformDouble,
  silent,
  startPlatformDouble,
} from './platform-double';

let double: PlatformDouble;
let client: PlatformClient;

beforeAll(async () => {
  double = await startPlatformDouble();
  client = new PlatformClient(double.settings());
});
afterAll(() => double.close());
beforeEach(() => double.reset());

/** The PlatformError a call rejects with (failing the test when it resolves or throws other). */
async function refusalOf(call: Promise<unknown>): Promise<PlatformError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('Callback Call API (POST /apps/api/v1/calls)', () => {
  test('When a callback is requested, then exactly the documented request is sent and the call id comes back', async () => {
    const call = await client.requestCallback({
      endUserNumber: '+12223334444',
      menuId: '12',
      ticketId: 'rec_177821',
    });

    expect(call).toEqual({ id: '6868', status: 'queued' });
    const [sent, ...more] = double.received;
    expect(more).toHaveLength(0);
    expect(sent?.method).toBe('POST');
    expect(sent?.target).toBe('/apps/api/v1/calls');
    expect(sent?.headers.authorization).toBe(COMPANY_BASIC);
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(sent?.body.toString() ?? '')).toEqual({
      call_type: 'IncomingCall',
      end_user_number: '+12223334444',
      menu_id: 12,
      ticket_id: 'rec_177821',
      lang: 'en',
    });
  });

  test('When there is no ticket, then no ticket_id is sent (the platform finds or creates one)', async () => {
    await client.requestCallback({ endUserNumber: '+12223334444', menuId: '12', lang: 'pt-BR' });
    expect(JSON.parse(double.received[0]?.body.toString() ?? '')).toEqual({
      call_type: 'IncomingCall',
      end_user_number: '+12223334444',
      menu_id: 12,
      lang: 'pt-BR',
    });
  });

  test.each([
    [401, { message: 'Unauthorized' }, 'the platform rejected the company key/secret'],
    [422, { message: 'invalid menu id' }, 'the platform refused (HTTP 422): invalid menu id'],
    [
      422,
      { errors: { menu_id: ['is invalid'] } },
      'the platform refused (HTTP 422): menu_id is invalid',
    ],
    [
      403,
      { error: 'forbidden' },
      'the platform does not allow this company key to do that: forbidden',
    ],
    [503, 'down for maintenance', 'the platform failed (HTTP 503)'],
  ])('When the platform answers %i %j, then the error says %j', async (status, body, message) => {
    double.calls = answer(status, body);
    const error = await refusalOf(client.requestCallback({ endUserNumber: '+1222', menuId: '12' }));
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
  });

  test('When the platform answers 200 without a call id, then that is an error, not a call', async () => {
    double.calls = answer(200, { status: 'queued' });
    const error = await refusalOf(client.requestCallback({ endUserNumber: '+1222', menuId: '12' }));
    expect(error.message).toBe('the platform answered without a call id');
  });

  test('When the platform does not answer in time, then the error names the timeout', async () => {
    double.calls = silent;
    const impatient = new PlatformClient(double.settings({ timeoutSeconds: 0.2 }));
    const error = await refusalOf(impatient.requestCallback({ endUserNumber: '+1', menuId: '12' }));
    expect(error.message).toBe('the platform did not answer within 0.2 s');
  });

  test('When the platform answers with more than 1 MB, then the answer is cut off with a clear error', async () => {
    double.calls = answer(200, { id: 6868, padding: 'x'.repeat(1024 * 1024) });
    const error = await refusalOf(client.requestCallback({ endUserNumber: '+1', menuId: '12' }));
    expect(error.message).toBe('the platform answered with more data than expected');
  });

  test('When nothing listens at the tenant URL, then the error says connection refused', async () => {
    const tenantUrl = `http://127.0.0.1:${await closedPort()}`;
    const nowhere = new PlatformClient(double.settings({ tenantUrl }));
    const error = await refusalOf(nowhere.requestCallback({ endUserNumber: '+1', menuId: '12' }));
    expect(error.message).toBe(`cannot reach the platform at ${tenantUrl}: connection refused`);
  });
});

describe('Estimated Wait Time API (GET /apps/api/v1/wait_times)', () => {
  test("When a queue's wait is asked, then the request carries lang, menu_id and Basic auth, and that queue's entry is read", async () => {
    double.waits['10'] = 120;
    const wait = await client.waitTime({ menuId: '10' });

    expect(wait).toEqual({ menuId: '10', waitSeconds: 120, path: '1/10' });
    const [sent] = double.received;
    expect(sent?.method).toBe('GET');
    expect(sent?.path).toBe('/apps/api/v1/wait_times');
    expect(sent?.query).toEqual({ lang: 'en', menu_id: '10' });
    expect(sent?.headers.authorization).toBe(COMPANY_BASIC);
    expect(sent?.body).toHaveLength(0);
  });

  test('When the tenant reports waits in minutes, then the unit is configurable', async () => {
    double.waits['11'] = 3;
    const inMinutes = new PlatformClient(double.settings({ waitTimeUnit: 'minutes' }));
    expect(await inMinutes.waitTime({ menuId: '11' })).toMatchObject({ waitSeconds: 180 });
  });

  test.each([
    [
      { wait_times: [] },
      'the platform answered the wait-time request with something other than a list',
    ],
    [[{ menu_id: 7, wait: 10 }], 'the platform has no wait time for queue 12'],
    [[{ menu_id: '12', wait: 'soon' }], "the platform's wait time for queue 12 is not a number"],
  ])('When the answer is %j, then the error says %j', async (body, message) => {
    double.waitTimes = answer(200, body);
    expect((await refusalOf(client.waitTime({ menuId: '12' }))).message).toBe(message);
  });

  test('When a page asks with a shorter timeout, then the shorter one bounds the request', async () => {
    double.waitTimes = silent;
    const error = await refusalOf(client.waitTime({ menuId: '12', timeoutSeconds: 0.1 }));
    expect(error.message).toBe('the platform did not answer within 0.1 s');
  });
});

test.each([
  [0, 'no wait'],
  [30, 'under 1 min'],
  [60, '1 min'],
  [150, '3 min'],
])('A wait of %i s reads %j', (seconds, text) => {
  expect(formatWait(seconds)).toBe(text);
});

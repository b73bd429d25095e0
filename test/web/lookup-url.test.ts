import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commands } from '../../src/cli/commands';
import { sessionVariables } from '../../src/generic-api/session-variables';
import { runCli } from '../../src/cli/run-cli';
import {
  buildLookupUrl,
  defaultLookupKind,
  dropEmptyParams,
  lookupType,
  lookupVariables,
} from '../../src/web/lookup-url';
import { startTestApp, testConfig } from '../support/test-app';
import { apiAccount, signIn } from './web-helpers';

const IVR =
  'http://localhost:3000/lookup?ani={ANI}&menu_path={MENU_PATH}&channel={CHANNEL}&type={TYPE}';
const WEB = 'http://localhost:3000/lookup?cuid={CUID}&email={EMAIL}&channel={CHANNEL}&type={TYPE}';

const CALL = {
  id: 6868,
  call_type: 'IvrCall',
  status: 'finished',
  end_user: {
    id: 4242,
    identifier: 'james.bond',
    name: 'James Bond',
    phone_number: '+12223334444',
  },
  menu_path: { name: 'Orders/Order info', materialized_path: '1/12' },
  selected_menu: { id: 12, name: 'Order info', parent_id: 1 },
};
const CHAT = {
  id: 73522,
  chat_type: 'web',
  status: 'finished',
  end_user: { identifier: 'vesper', email: 'vesper@example.com' },
};

describe('dropEmptyParams', () => {
  test.each([
    ['https://crm/l?a=1&b=&c=3', 'https://crm/l?a=1&c=3'],
    ['https://crm/l?a=&b=', 'https://crm/l'],
    ['https://crm/l?a&b=2', 'https://crm/l?b=2'],
    ['https://crm/l', 'https://crm/l'],
    ['https://crm/#/lookup?ani=&email=x%40y', 'https://crm/#/lookup?email=x%40y'],
    ['https://crm/l?a=1&b=#/v?c=&d=4', 'https://crm/l?a=1#/v?d=4'],
  ])('When the URL is %s, then only non-empty parameters stay: %s', (url, expected) => {
    expect(dropEmptyParams(url)).toBe(expected);
  });
});

describe('lookup variables', () => {
  test('When a session has a phone number, queue and custom user id, then ANI, MENU_ID and CUID come from them', () => {
    expect(
      lookupVariables({ PHONE_NUMBER: '+12223334444', QUEUE_ID: 12, CUSTOM_USER_ID: 'jb' }),
    ).toMatchObject({ ANI: '+12223334444', MENU_ID: 12, CUID: 'jb' });
  });

  test('When the lookup names are given themselves, then they win', () => {
    expect(lookupVariables({ PHONE_NUMBER: '+1', ani: '+2', TYPE: 'Voicemail' })).toMatchObject({
      ANI: '+2',
      TYPE: 'Voicemail',
    });
  });

  test.each([
    ['IvrCall', 'IVR_Call'],
    ['ivr_call', 'IVR_Call'],
    ['OutboundCall', 'Outbound_Call'],
    ['voicemail', 'Voicemail'],
    ['sms', 'SMS'],
    ['IncomingCall', 'IncomingCall'],
  ])('When the session type is %s, then {TYPE} is %s', (given, expected) => {
    expect(lookupType(given)).toBe(expected);
  });

  test('When the session is a call, then the IVR URL is used; a chat uses the web URL', () => {
    expect(defaultLookupKind({ variables: {}, session: CALL })).toBe('ivr');
    expect(defaultLookupKind({ variables: {}, session: CHAT })).toBe('web');
    expect(defaultLookupKind({ variables: { CHANNEL: 'chat' } })).toBe('web');
  });
});

describe('buildLookupUrl', () => {
  test('When a call is rendered, then values are percent-encoded and the phone is as received', () => {
    const url = buildLookupUrl(IVR, {
      PHONE_NUMBER: '+12223334444',
      MENU_PATH: 'Orders/Order info',
      CHANNEL: 'voice_call',
      SESSION_TYPE: 'IvrCall',
    });
    expect(url).toBe(
      'http://localhost:3000/lookup?ani=%2B12223334444&menu_path=Orders%2FOrder%20info&channel=voice_call&type=IVR_Call',
    );
  });

  test('When a variable is missing, then its parameter is left out', () => {
    expect(buildLookupUrl(WEB, { EMAIL: 'a@b.co', CHANNEL: 'chat' })).toBe(
      'http://localhost:3000/lookup?email=a%40b.co&channel=chat',
    );
  });
});

describe('crm-bridge lookup-url', () => {
  let dir: string;
  const out: string[] = [];
  const err: string[] = [];
  const run = (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    return runCli(
      ['lookup-url', ...args],
      { env: { DATA_DIR: dir }, out: (l) => out.push(l), err: (l) => err.push(l) },
      commands,
    );
  };
  const sessionFile = (name: string, content: object): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-lookup-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('When the session is a call, then the shipped IVR URL is printed with only non-empty parameters', async () => {
    expect(await run('--session', sessionFile('call.json', { session: CALL }))).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'http://localhost:3000/lookup?ani=%2B12223334444&menu_path=Orders%2FOrder%20info&channel=voice_call&type=IVR_Call',
    ]);
  });

  test('When the session is a chat, then the web URL is printed', async () => {
    expect(await run('--session', sessionFile('chat.json', { session: CHAT }))).toBe(0);
    expect(out).toEqual([
      'http://localhost:3000/lookup?cuid=vesper&email=vesper%40example.com&channel=chat&type=Web',
    ]);
  });

  test('When --kind is given, then it overrides the session', async () => {
    expect(await run('--session', sessionFile('c.json', { session: CALL }), '--kind', 'web')).toBe(
      0,
    );
    expect(out).toEqual([
      'http://localhost:3000/lookup?cuid=james.bond&channel=voice_call&type=IVR_Call',
    ]);
  });

  test('When --kind or --session is wrong, then the usage is printed with exit 2', async () => {
    expect(await run('--session', 'x.json', '--kind', 'sms')).toBe(2);
    expect(err[0]).toContain('--kind must be ivr or web');
    expect(await run()).toBe(2);
  });

  test('When the session file is missing, then exit 1 names it', async () => {
    expect(await run('--session', path.join(dir, 'missing.json'))).toBe(1);
    expect(err[0]).toContain('missing.json');
  });
});

describe('The lookup page accepts what the builder makes', () => {
  test('When the built URL for a known caller is opened, then it lands on their account', async () => {
    const t = await startTestApp();
    try {
      const account = await apiAccount(t, { name: 'James Bond', phone: '+1 222 333 4444' });
      const browser = await signIn(t);
      const template = testConfig(t.dataDir).server.lookupUrls.ivr ?? '';
      for (const session of [CALL, { ...CALL, end_user: { phone_number: '2223334444' } }]) {
        const url = new URL(buildLookupUrl(template, sessionVariables(session)));
        const res = await browser.get(url.pathname + url.search);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(`/accounts/${account.id}`);
      }
    } finally {
      await t.close();
    }
  });
});

import {
  createVariables,
  describeVariable,
  isKnownVariable,
  suggestVariable,
  variableCatalogue,
  variableNames,
} from '../../../src/generic-api/template';
import { render } from './template-helpers';

const REFERENCE_TABLE = [
  'AGENT_ID',
  'AGENT_CUSTOM_ID',
  'AGENT_EMAIL',
  'NAME',
  'FIRST_NAME',
  'LAST_NAME',
  'CCAIP_ID',
  'EMAIL',
  'SESSION_TYPE',
  'PHONE_NUMBER',
  'CALL_ID',
  'CHAT_ID',
  'LANG',
  'CUSTOM_USER_ID',
  'ACCOUNT_ID',
  'RECORD_ID',
  'SESSION_ID',
  'MENU_PATH',
  'OUTBOUND_PHONE_NUMBER',
  'QUEUE_NAME',
  'QUEUE_ID',
  'SMART_ACTION_SESSION_ID',
  'RATING',
  'FEEDBACK',
  'CALL_DURATION',
  'HOLD_TIME',
  'WAIT_TIME',
  'DEVICE_TYPE',
  'DISCONNECTED_BY',
  'CHANNEL',
  'TICKET_SUBJECT',
  'TICKET_DESCRIPTION',
  'TICKET_DESCRIPTION_HTML',
  'COMMENT_BODY',
  'FILE_DATA',
];
const LOOKUP_AND_UPLOAD = ['ANI', 'CUID', 'MENU_ID', 'TYPE', 'ATTACHMENT_ID'];
const EXTENSIONS = [
  'SESSION_STATUS',
  'RECORD_STATUS',
  'FILE_NAME',
  'FILE_KIND',
  'ATTACHMENT_URL',
  'EVENT',
  'CAMPAIGN_ID',
  'CAMPAIGN_NAME',
  'COMMENT_ID',
];

function mixedCase(name: string): string {
  return [...name].map((c, i) => (i % 2 === 0 ? c : c.toLowerCase())).join('');
}

describe('The variable catalogue', () => {
  it('When listed, then it holds every variable of the reference table, in its order, then those of lookup URLs and uploads, then the crm-bridge extensions', () => {
    expect(variableNames).toEqual([...REFERENCE_TABLE, ...LOOKUP_AND_UPLOAD, ...EXTENSIONS]);
  });

  it('When any variable is described, then it has a one-line description of its own', () => {
    for (const { name, description } of variableCatalogue) {
      expect(description.length).toBeGreaterThan(10);
      expect(description).not.toContain('\n');
      expect(describeVariable(name.toLowerCase())).toBe(description);
    }
    expect(new Set(variableCatalogue.map((v) => v.description)).size).toBe(variableNames.length);
  });

  it('When the catalogue is modified, then it refuses', () => {
    expect(Object.isFrozen(variableNames)).toBe(true);
    expect(Object.isFrozen(variableCatalogue)).toBe(true);
  });

  it('When a name is asked about in any case, then it is known; an unknown one is not', () => {
    expect(isKnownVariable('Call_ID')).toBe(true);
    expect(isKnownVariable('call_id')).toBe(true);
    expect(isKnownVariable('CALLID')).toBe(false);
    expect(describeVariable('NOPE')).toBeUndefined();
  });

  describe.each(variableNames)('%s', (name) => {
    const values = { [name]: `value of ${name}` };

    it.each([
      ['braces', `{${name}}`],
      ['angle brackets', `<${name}>`],
      ['braces, lower case', `{${name.toLowerCase()}}`],
      ['angle brackets, lower case', `<${name.toLowerCase()}>`],
      ['braces, mixed case', `{${mixedCase(name)}}`],
      ['angle brackets, mixed case', `<${mixedCase(name)}>`],
    ])('When written with %s, then it renders its value', (_, source) => {
      expect(render(`[${source}]`, values)).toBe(`[value of ${name}]`);
    });

    it('When it has no value, then it renders as nothing', () => {
      expect(render(`[{${name}}]`)).toBe('[]');
    });
  });
});

describe('Variables', () => {
  it('When values are given with keys in any case, then they are found in any case', () => {
    const vars = createVariables({ call_id: '42', Email: 'a@b.c' });
    expect(vars.get('CALL_ID')).toBe('42');
    expect(vars.get('Call_Id')).toBe('42');
    expect(vars.has('email')).toBe(true);
    expect(vars.values).toEqual({ CALL_ID: '42', EMAIL: 'a@b.c' });
  });

  it('When a value is null or undefined, then the variable has no value; an empty string is a value', () => {
    const vars = createVariables({ NAME: null, EMAIL: undefined, ACCOUNT_ID: '' });
    expect(vars.has('NAME')).toBe(false);
    expect(vars.has('EMAIL')).toBe(false);
    expect(vars.has('ACCOUNT_ID')).toBe(true);
    expect(vars.get('ACCOUNT_ID')).toBe('');
  });

  it('When two keys differ only in case, then the last with a value wins and null never overwrites', () => {
    expect(createVariables({ email: 'first', EMAIL: 'second' }).get('Email')).toBe('second');
    expect(createVariables({ email: 'kept', EMAIL: null }).get('Email')).toBe('kept');
  });

  it('When built, then they inherit nothing', () => {
    const vars = createVariables({ NAME: 'x' });
    expect(Object.getPrototypeOf(vars.values)).toBeNull();
    expect(vars.get('constructor')).toBeUndefined();
    expect(vars.has('toString')).toBe(false);
  });
});

describe('Suggestions for unknown variable names', () => {
  it.each([
    ['ACOUNT_ID', 'ACCOUNT_ID'],
    ['acount_id', 'ACCOUNT_ID'],
    ['EMIAL', 'EMAIL'],
    ['PHONE_NUMER', 'PHONE_NUMBER'],
    ['LASTNAME', 'LAST_NAME'],
    ['CALLID', 'CALL_ID'],
    ['ACCOUNT', 'ACCOUNT_ID'],
    ['PHONE', 'PHONE_NUMBER'],
    ['SUBJECT', 'TICKET_SUBJECT'],
    ['DESCRIPTION', 'TICKET_DESCRIPTION'],
  ])('When %s is written, then %s is suggested', (typo, meant) => {
    expect(suggestVariable(typo)).toBe(meant);
  });

  it.each(['b', 'br', 'div', 'span', 'strong', 'ID', 'TICKET', 'XYZZY'])(
    'When %s is written, then nothing is suggested (not close to one name)',
    (word) => {
      expect(suggestVariable(word)).toBeUndefined();
    },
  );
});

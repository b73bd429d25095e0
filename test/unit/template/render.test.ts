import {
  compileTemplate,
  isEmptyValue,
  renderTemplate,
  type Variables,
} from '../../../src/generic-api/template';
import { derive, render } from './template-helpers';

const CRITERIA =
  '=CONCAT_OR((Id:equals:<ACCOUNT_ID>), (Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))';

describe('Rendering templates', () => {
  describe("the reference's CONCAT_OR example (Find an Account by Query)", () => {
    const criteria = compileTemplate(CRITERIA, 'params.criteria');
    // The session as the platform has it at execution time: a key is either present (possibly
    // with an empty value, as the example's ACCOUNT_ID is) or absent.
    const sessionWith = (keys: Record<string, string>): Variables =>
      derive(keys, { purpose: 'search' });

    it.each([
      ['ACCOUNT_ID', { ACCOUNT_ID: '' }, '(Id:equals:)'],
      [
        'ACCOUNT_ID, EMAIL',
        { ACCOUNT_ID: '', EMAIL: 'james.bond@007' },
        '(Id:equals:) or (Email:equals:james.bond@007)',
      ],
      [
        'PHONE_NUMBER, EMAIL',
        { PHONE_NUMBER: '+12223334444', EMAIL: 'james.bond@007' },
        '(Phone:equals:+12223334444) or (Email:equals:james.bond@007)',
      ],
    ])('When the keys present are %s, then the value is the reference row', (_, keys, expected) => {
      expect(renderTemplate(criteria, sessionWith(keys))).toBe(expected);
    });

    it('When ACCOUNT_ID is absent, then its CONCAT_OR argument is dropped', () => {
      expect(renderTemplate(criteria, sessionWith({ EMAIL: 'james.bond@007' }))).toBe(
        '(Email:equals:james.bond@007)',
      );
    });

    it('When ACCOUNT_ID has a value, then it is substituted into its argument', () => {
      expect(renderTemplate(criteria, sessionWith({ ACCOUNT_ID: '123' }))).toBe('(Id:equals:123)');
    });

    it('When no key is present, then the value is empty and the parameter is removed', () => {
      const value = renderTemplate(criteria, sessionWith({}));
      expect(value).toBe('');
      expect(isEmptyValue(value)).toBe(true);
    });
  });

  describe('variables in plain text', () => {
    it('When a variable has no value, then it renders as nothing and the text around it stays', () => {
      expect(render('https://crm.example.com/accounts/{ACCOUNT_ID}?x=1')).toBe(
        'https://crm.example.com/accounts/?x=1',
      );
    });

    it('When every variable of a plain value is missing, then the value is the literal text alone', () => {
      expect(render('Hello {NAME}!')).toBe('Hello !');
    });

    it('When the value is a single missing variable, then it is empty', () => {
      expect(render('{RECORD_ID}')).toBe('');
    });

    it('When a value looks like a variable or a function, then it is substituted as plain text', () => {
      expect(render('{NAME}', { NAME: '{EMAIL} =CONCAT_OR(x)' })).toBe('{EMAIL} =CONCAT_OR(x)');
    });
  });

  describe('DEFAULT_VALUE', () => {
    const owner = '=DEFAULT_VALUE({AGENT_EMAIL}, support@example.com)';

    it('When the first argument has a value, then it is the result', () => {
      expect(render(owner, { AGENT_EMAIL: 'agent@example.com' })).toBe('agent@example.com');
    });

    it('When the first argument is dropped because its variable is absent, then the second is the result', () => {
      expect(render(owner)).toBe('support@example.com');
    });

    it('When the first argument renders empty, then the second is the result (null or empty)', () => {
      expect(render(owner, { AGENT_EMAIL: '' })).toBe('support@example.com');
    });

    it('When the first argument has text around a present-but-empty variable, then it is kept', () => {
      expect(render('=DEFAULT_VALUE(agent:{AGENT_EMAIL}, none)', { AGENT_EMAIL: '' })).toBe(
        'agent:',
      );
    });

    it('When both arguments are dropped, then the result is empty', () => {
      expect(render('=DEFAULT_VALUE({AGENT_EMAIL}, {AGENT_ID})')).toBe('');
    });

    it('When the default is an empty argument, then the result is empty (the parameter is removed)', () => {
      expect(render('=DEFAULT_VALUE({AGENT_EMAIL}, )')).toBe('');
    });

    it('When the default is itself a variable, then it is resolved', () => {
      expect(render('=DEFAULT_VALUE({AGENT_EMAIL}, {AGENT_ID})', { AGENT_ID: '7' })).toBe('7');
    });
  });

  describe('CONCAT_OR and CONCAT_AND', () => {
    it('When all arguments are kept, then they are joined with " or " / " and "', () => {
      const values = { EMAIL: 'e', ANI: 'a' };
      expect(render('=CONCAT_OR(x, {EMAIL}, {ANI})', values)).toBe('x or e or a');
      expect(render('=CONCAT_AND(x, {EMAIL}, {ANI})', values)).toBe('x and e and a');
    });

    it('When there is one argument, then it is the result without a separator', () => {
      expect(render('=CONCAT_AND({EMAIL})', { EMAIL: 'e' })).toBe('e');
    });

    it('When an argument is a literal, then it is kept whatever the variables', () => {
      expect(render('=CONCAT_AND((Status:equals:open), {EMAIL})')).toBe('(Status:equals:open)');
    });

    it('When an argument has several variables, then it is dropped only if all are absent', () => {
      const template = '=CONCAT_OR((Name:equals:{FIRST_NAME} {AGENT_ID}), x)';
      expect(render(template, { AGENT_ID: '7' })).toBe('(Name:equals: 7) or x');
      expect(render(template)).toBe('x');
    });

    it('When an argument is empty or blank, then it is dropped (no dangling separator)', () => {
      expect(render('=CONCAT_OR(a, , b,   )')).toBe('a or b');
      expect(render('=CONCAT_OR({EMAIL}, b)', { EMAIL: '' })).toBe('b');
    });

    it('When a quoted argument is a single space, then it is kept', () => {
      expect(render('=CONCAT_AND(a, " ", b)')).toBe('a and   and b');
    });

    it('When every argument is dropped, then the result is empty', () => {
      expect(render('=CONCAT_OR({EMAIL}, <ANI>)')).toBe('');
    });

    it('When a nested call yields nothing, then it is dropped like any empty argument', () => {
      expect(render('=CONCAT_AND(=CONCAT_OR({EMAIL}, {ANI}), (Status:equals:open))')).toBe(
        '(Status:equals:open)',
      );
    });

    it('When calls nest, then each is evaluated inside out', () => {
      const template =
        '=CONCAT_AND(CONCAT_OR((Phone:equals:{PHONE_NUMBER}), (Email:equals:{EMAIL})), ' +
        '=DEFAULT_VALUE((Owner:equals:{AGENT_EMAIL}), (Owner:equals:nobody)))';
      expect(render(template, { PHONE_NUMBER: 'p', EMAIL: 'e' })).toBe(
        '(Phone:equals:p) or (Email:equals:e) and (Owner:equals:nobody)',
      );
    });
  });

  describe('encoding', () => {
    it('When encode is given, then it is applied to each substituted value and never to literal text', () => {
      expect(
        render(
          'https://crm.example.com/search?q={NAME}&email=<EMAIL>',
          { NAME: 'Bond & Co', EMAIL: 'j@b.c' },
          { encode: encodeURIComponent },
        ),
      ).toBe('https://crm.example.com/search?q=Bond%20%26%20Co&email=j%40b.c');
    });

    it('When encode is given to a function, then separators and literal argument text stay as written', () => {
      expect(
        render(CRITERIA, { ACCOUNT_ID: 'a/b', EMAIL: 'j@b.c' }, { encode: (v) => `[${v}]` }),
      ).toBe('(Id:equals:[a/b]) or (Email:equals:[j@b.c])');
    });

    it('When a variable is absent, then encode is not called for it', () => {
      const encode = jest.fn((v: string) => v);
      render('{NAME}{EMAIL}', { EMAIL: 'e' }, { encode });
      expect(encode.mock.calls).toEqual([['e']]);
    });
  });

  describe('JSON_STRING', () => {
    const DATA = `=JSON_STRING('{"Subject":"Call {CALL_ID} for {NAME}","To":"{EMAIL}"}')`;

    it('When values hold quotes, backslashes and line breaks, then they are escaped and the JSON stays valid', () => {
      const value = render(DATA, { CALL_ID: '42', NAME: 'Bond "007"\\ \nJames', EMAIL: 'j@b.c' });
      expect(value).toBe('{"Subject":"Call 42 for Bond \\"007\\"\\\\ \\nJames","To":"j@b.c"}');
      expect(JSON.parse(value)).toEqual({
        Subject: 'Call 42 for Bond "007"\\ \nJames',
        To: 'j@b.c',
      });
    });

    it('When a variable is absent, then it renders as nothing inside the literal JSON', () => {
      expect(render(DATA, { CALL_ID: '42' })).toBe('{"Subject":"Call 42 for ","To":""}');
    });

    it('When every variable is absent, then the argument is dropped and the value is empty', () => {
      expect(render(DATA)).toBe('');
    });

    it('When an outer encode is given, then it applies after the JSON escaping', () => {
      expect(render('=JSON_STRING({NAME})', { NAME: 'a"b' }, { encode: encodeURIComponent })).toBe(
        'a%5C%22b',
      );
    });

    it('When its argument is a call, then the values inside the call are escaped too', () => {
      expect(render('=JSON_STRING(=DEFAULT_VALUE({NAME}, "{EMAIL}"))', { EMAIL: '"e"' })).toBe(
        '\\"e\\"',
      );
    });
  });

  describe('isEmptyValue', () => {
    it('When the rendered value is the empty string, then it means "remove the parameter"; anything else is kept', () => {
      expect(isEmptyValue('')).toBe(true);
      expect(isEmptyValue(' ')).toBe(false);
      expect(isEmptyValue('--')).toBe(false);
    });
  });

  describe('a realistic endpoint', () => {
    it('When a createRecord endpoint is rendered for a session, then each parameter gets its value', () => {
      const params = {
        subject: '{TICKET_SUBJECT}',
        description: '{TICKET_DESCRIPTION_HTML}',
        contact: '{FIRST_NAME} {LAST_NAME}',
        phone: '{PHONE_NUMBER}',
        owner: '=DEFAULT_VALUE({AGENT_EMAIL}, queue@example.com)',
        duration: 'Call lasted <CALL_DURATION>',
        account: '{ACCOUNT_ID}',
        callId: '{call_id}',
      };
      const vars = derive(
        {
          NAME: 'James Bond',
          PHONE_NUMBER: '+12223334444',
          TICKET_SUBJECT: 'Call',
          TICKET_DESCRIPTION: 'Line 1\nLine <2>',
          CALL_DURATION: 3725,
          CALL_ID: 42,
        },
        { formatPhone: (raw) => raw.replace('+1', '+1 '), purpose: 'create' },
      );
      const rendered = Object.fromEntries(
        Object.entries(params)
          .map(([key, source]) => [key, renderTemplate(compileTemplate(source, key), vars)])
          .filter(([, value]) => !isEmptyValue(value ?? '')),
      );
      expect(rendered).toEqual({
        subject: 'Call',
        description: 'Line 1<br>Line &lt;2&gt;',
        contact: 'James Bond',
        phone: '+1 2223334444',
        owner: 'queue@example.com',
        duration: 'Call lasted 62:05',
        callId: '42',
      });
    });
  });
});

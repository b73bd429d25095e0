import { MISSING_LAST_NAME } from '../../../src/generic-api/template';
import { derive, taggingPhoneFormat } from './template-helpers';

describe('Deriving variables from a session', () => {
  describe('names', () => {
    it('When NAME has two words, then FIRST_NAME is the first and LAST_NAME the second', () => {
      const vars = derive({ NAME: 'James Bond' });
      expect(vars.get('FIRST_NAME')).toBe('James');
      expect(vars.get('LAST_NAME')).toBe('Bond');
    });

    it('When NAME has more words, then LAST_NAME is everything after the first, as written', () => {
      const vars = derive({ NAME: '  Maria  de la   Cruz ' });
      expect(vars.get('FIRST_NAME')).toBe('Maria');
      expect(vars.get('LAST_NAME')).toBe('de la   Cruz');
    });

    it('When NAME is separated by a tab or newline, then it is still split at the first gap', () => {
      expect(derive({ NAME: 'James\tBond' }).get('LAST_NAME')).toBe('Bond');
      expect(derive({ NAME: 'James\nBond' }).get('FIRST_NAME')).toBe('James');
    });

    it('When NAME is one word, then it is FIRST_NAME and LAST_NAME is "--"', () => {
      const vars = derive({ NAME: 'Madonna' });
      expect(vars.get('FIRST_NAME')).toBe('Madonna');
      expect(vars.get('LAST_NAME')).toBe('--');
      expect(MISSING_LAST_NAME).toBe('--');
    });

    it('When there is no NAME, then FIRST_NAME has no value and LAST_NAME is "--"', () => {
      const vars = derive({});
      expect(vars.has('FIRST_NAME')).toBe(false);
      expect(vars.get('LAST_NAME')).toBe('--');
    });

    it('When NAME is blank, then FIRST_NAME has no value and LAST_NAME is "--"', () => {
      const vars = derive({ NAME: '   ' });
      expect(vars.has('FIRST_NAME')).toBe(false);
      expect(vars.get('LAST_NAME')).toBe('--');
    });

    it('When FIRST_NAME and LAST_NAME are given, then they win over NAME', () => {
      const vars = derive({ NAME: 'James Bond', first_name: 'Jim', Last_Name: 'B.' });
      expect(vars.get('FIRST_NAME')).toBe('Jim');
      expect(vars.get('LAST_NAME')).toBe('B.');
    });

    it('When LAST_NAME is given blank, then it counts as missing and is derived', () => {
      expect(derive({ NAME: 'James Bond', LAST_NAME: '' }).get('LAST_NAME')).toBe('Bond');
      expect(derive({ LAST_NAME: ' ' }).get('LAST_NAME')).toBe('--');
    });
  });

  describe('CUSTOM_USER_ID', () => {
    it('When there is none and an EMAIL, then it is the left-hand side of the email', () => {
      expect(derive({ EMAIL: 'test.user3@test.co' }).get('CUSTOM_USER_ID')).toBe('test.user3');
    });

    it('When the session is from the mobile SDK, then it is derived', () => {
      const vars = derive({ EMAIL: 'test.user3@test.co' }, { channel: 'Mobile' });
      expect(vars.get('CUSTOM_USER_ID')).toBe('test.user3');
    });

    it('When the session is from another SDK, then it is not derived', () => {
      expect(
        derive({ EMAIL: 'test.user3@test.co' }, { channel: 'web' }).has('CUSTOM_USER_ID'),
      ).toBe(false);
    });

    it('When one is given, then it wins over the email', () => {
      const vars = derive({ EMAIL: 'test.user3@test.co', CUSTOM_USER_ID: 'u-17' });
      expect(vars.get('CUSTOM_USER_ID')).toBe('u-17');
    });

    it('When the email has no left-hand side or no @, then it has no value', () => {
      expect(derive({ EMAIL: '@test.co' }).has('CUSTOM_USER_ID')).toBe(false);
      expect(derive({ EMAIL: 'not-an-email' }).has('CUSTOM_USER_ID')).toBe(false);
      expect(derive({}).has('CUSTOM_USER_ID')).toBe(false);
    });

    it('When the local part contains a quoted @, then everything before the last @ is used', () => {
      expect(derive({ EMAIL: ' "a@b"@test.co ' }).get('CUSTOM_USER_ID')).toBe('"a@b"');
    });
  });

  describe('phone numbers', () => {
    it('When PHONE_NUMBER and OUTBOUND_PHONE_NUMBER are given, then both go through the configured format for the purpose', () => {
      const input = { PHONE_NUMBER: '2223334444', OUTBOUND_PHONE_NUMBER: '5556667777' };
      const forSearch = derive(input, { formatPhone: taggingPhoneFormat, purpose: 'search' });
      expect(forSearch.get('PHONE_NUMBER')).toBe('search:2223334444');
      expect(forSearch.get('OUTBOUND_PHONE_NUMBER')).toBe('search:5556667777');
      const forCreate = derive(input, { formatPhone: taggingPhoneFormat, purpose: 'create' });
      expect(forCreate.get('PHONE_NUMBER')).toBe('create:2223334444');
    });

    it('When a phone number arrives as a JSON number, then it is formatted from its digits', () => {
      const vars = derive({ phone_number: 12223334444 }, { formatPhone: taggingPhoneFormat });
      expect(vars.get('PHONE_NUMBER')).toBe('create:12223334444');
    });

    it('When a phone number is missing or blank, then the format is not asked', () => {
      const formatPhone = jest.fn(taggingPhoneFormat);
      const vars = derive({ PHONE_NUMBER: '' }, { formatPhone });
      expect(formatPhone).not.toHaveBeenCalled();
      expect(vars.get('PHONE_NUMBER')).toBe('');
      expect(vars.has('OUTBOUND_PHONE_NUMBER')).toBe(false);
    });

    it('When ANI is given, then it is passed as received', () => {
      const vars = derive({ ANI: '2223334444' }, { formatPhone: taggingPhoneFormat });
      expect(vars.get('ANI')).toBe('2223334444');
    });
  });

  describe('durations', () => {
    it.each([
      [0, '00:00'],
      [5, '00:05'],
      [65, '01:05'],
      [599, '09:59'],
      [3599, '59:59'],
      [3600, '60:00'],
      [3725, '62:05'],
      [90.4, '01:30'],
      [89.6, '01:30'],
      [360000, '6000:00'],
    ])('When %p seconds are given, then they render as %s', (seconds, expected) => {
      const vars = derive({ CALL_DURATION: seconds, HOLD_TIME: seconds, WAIT_TIME: seconds });
      expect(vars.get('CALL_DURATION')).toBe(expected);
      expect(vars.get('HOLD_TIME')).toBe(expected);
      expect(vars.get('WAIT_TIME')).toBe(expected);
    });

    it('When seconds are given as a numeric string, then they render as mm:ss', () => {
      expect(derive({ CALL_DURATION: '3725' }).get('CALL_DURATION')).toBe('62:05');
      expect(derive({ wait_time: ' 42.0 ' }).get('WAIT_TIME')).toBe('00:42');
    });

    it.each(['04:05', '1:02:03', 'n/a', '-5', ''])(
      'When %p is given, then it passes through unchanged',
      (text) => {
        expect(derive({ HOLD_TIME: text }).get('HOLD_TIME')).toBe(text);
      },
    );

    it('When a negative number is given, then it is written out rather than guessed at', () => {
      expect(derive({ HOLD_TIME: -5 }).get('HOLD_TIME')).toBe('-5');
    });
  });

  describe('TICKET_DESCRIPTION_HTML', () => {
    it('When only TICKET_DESCRIPTION is given, then the HTML is the description escaped with <br> line breaks', () => {
      const vars = derive({ TICKET_DESCRIPTION: `Tom & "Jerry" <b>'s\r\nline2\nline3\rline4` });
      expect(vars.get('TICKET_DESCRIPTION_HTML')).toBe(
        'Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s<br>line2<br>line3<br>line4',
      );
      expect(vars.get('TICKET_DESCRIPTION')).toBe(`Tom & "Jerry" <b>'s\r\nline2\nline3\rline4`);
    });

    it('When the HTML is given explicitly, then it wins', () => {
      const vars = derive({ TICKET_DESCRIPTION: 'a', TICKET_DESCRIPTION_HTML: '<p>a</p>' });
      expect(vars.get('TICKET_DESCRIPTION_HTML')).toBe('<p>a</p>');
    });

    it('When there is no description, then there is no HTML', () => {
      expect(derive({}).has('TICKET_DESCRIPTION_HTML')).toBe(false);
    });

    it('When the description is empty, then the HTML is empty too', () => {
      expect(derive({ TICKET_DESCRIPTION: '' }).get('TICKET_DESCRIPTION_HTML')).toBe('');
    });
  });

  describe('numbers and keys', () => {
    it.each([
      [42, '42'],
      [-0, '0'],
      [1e21, '1000000000000000000000'],
      [123456789012345680000, '123456789012345683968'],
      [1.5e-7, '0.00000015'],
      [1e-7, '0.0000001'],
      [-2.5e-8, '-0.000000025'],
      [0.1, '0.1'],
      [4.5, '4.5'],
    ])('When %p is given as a number, then it renders as %s (no exponent)', (value, expected) => {
      expect(derive({ RATING: value }).get('RATING')).toBe(expected);
    });

    it('When a number is not finite, then the variable has no value', () => {
      expect(
        derive({ RATING: Number.NaN, QUEUE_ID: Number.POSITIVE_INFINITY }).values,
      ).not.toHaveProperty('RATING');
    });

    it('When keys are in any case, then the variables are found in any case', () => {
      const vars = derive({ call_id: 7, Chat_Id: 'c-1' });
      expect(vars.get('Call_ID')).toBe('7');
      expect(vars.get('chat_id')).toBe('c-1');
    });

    it('When a value is null or undefined, then the variable has no value', () => {
      const vars = derive({ ACCOUNT_ID: null, RECORD_ID: undefined, EMAIL: '' });
      expect(vars.has('ACCOUNT_ID')).toBe(false);
      expect(vars.has('RECORD_ID')).toBe(false);
      expect(vars.get('EMAIL')).toBe('');
    });

    it('When the input is derived, then it is left untouched and the result is its own', () => {
      const input = { NAME: 'James Bond', CALL_DURATION: 65 };
      const vars = derive(input);
      expect(input).toEqual({ NAME: 'James Bond', CALL_DURATION: 65 });
      expect(vars.values).not.toBe(input);
      expect(Object.getPrototypeOf(vars.values)).toBeNull();
    });
  });
});

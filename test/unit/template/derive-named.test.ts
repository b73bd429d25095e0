import fc from 'fast-check';
import { buildRequest } from '../../../src/generic-api/request-builder';
import {
  deriveVariables,
  variableNames,
  type DeriveOptions,
  type VariableInput,
} from '../../../src/generic-api/template';
import { endpoint, uploadEndpoint } from '../generic-api/compile-helpers';
import { taggingPhoneFormat } from './template-helpers';

/** Names as callers write them (any case), plus a few that are not in the catalogue. */
const writtenName = fc.oneof(
  fc
    .constantFrom(...variableNames)
    .chain((name) =>
      fc.constantFrom(name, name.toLowerCase(), name[0] + name.slice(1).toLowerCase()),
    ),
  fc.constantFrom('CUSTOM_FIELD', 'x-extra', 'Straße', '__proto__', 'constructor'),
);

/** Values that reach every branch of a derivation: blanks, names, emails, durations, numbers. */
const value = fc.oneof(
  fc.constantFrom(undefined, null, '', '  ', 'James Bond', '  Maria  de la Cruz ', 'Madonna'),
  fc.constantFrom('a@b.co', ' "a@b"@x.io ', '@x.io', '65', '3725', '04:05', 'line\r\nbreak <&>'),
  fc.constantFrom(0, 65, 90.4, -1, 1e21, 1e-7, Number.NaN, 12223334444),
  fc.string({ maxLength: 12 }),
);

/** Session values with every key upper case, as flows hold them. */
const upperCaseInput = fc.dictionary(fc.constantFrom(...variableNames), value, { maxKeys: 20 });
/** Session values keyed in any case, two spellings of one name among them. */
const anyCaseInput = fc.dictionary(writtenName, value, { maxKeys: 20 });

const options = fc.record({
  purpose: fc.constantFrom<DeriveOptions['purpose']>('create', 'search'),
  channel: fc.constantFrom(undefined, 'mobile', 'Mobile', 'web'),
});

const wanted = fc.uniqueArray(fc.constantFrom(...variableNames), { maxLength: 12 });

/** Values given over the session's, as a comment's COMMENT_BODY is: none, or a few. */
const over = fc.option(fc.oneof(upperCaseInput, anyCaseInput), { nil: undefined });

function fullThenPicked(
  input: VariableInput,
  derive: DeriveOptions,
  names: readonly string[],
): Record<string, string> {
  const all = deriveVariables(input, derive).values;
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = all[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

describe('Deriving only the variables an endpoint names', () => {
  it.each([
    ['every key is upper case (as flows hold them)', upperCaseInput],
    ['keys are in any case', anyCaseInput],
  ])(
    'When %s, then each named variable has exactly the value full derivation gives it',
    (_label, input) => {
      fc.assert(
        fc.property(input, over, options, wanted, (given, extra, { purpose, channel }, names) => {
          const derive: DeriveOptions = {
            formatPhone: taggingPhoneFormat,
            purpose,
            ...(channel === undefined ? {} : { channel }),
          };
          const named = deriveVariables(given, { ...derive, names, over: extra }).values;
          expect({ ...named }).toEqual(fullThenPicked({ ...given, ...extra }, derive, names));
        }),
        { numRuns: 500 },
      );
    },
  );

  it('When values are given over the input, then they are the values of a spread of both', () => {
    fc.assert(
      fc.property(anyCaseInput, over, options, (given, extra, { purpose }) => {
        const derive: DeriveOptions = { formatPhone: taggingPhoneFormat, purpose };
        expect({ ...deriveVariables(given, { ...derive, over: extra }).values }).toEqual({
          ...deriveVariables({ ...given, ...extra }, derive).values,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('When only some variables are named, then the phone format is asked only for those', () => {
    const formatPhone = jest.fn(taggingPhoneFormat);
    const input = { PHONE_NUMBER: '2223334444', OUTBOUND_PHONE_NUMBER: '5556667777' };
    const vars = deriveVariables(input, { formatPhone, purpose: 'search', names: ['EMAIL'] });
    expect(formatPhone).not.toHaveBeenCalled();
    expect(vars.has('PHONE_NUMBER')).toBe(false);
  });

  it('When a request is built from the named variables, then it is the same request', () => {
    const endpoints = [
      endpoint('createRecord', {
        url: 'https://crm.example.com/api/accounts/{ACCOUNT_ID}/cases',
        params: {
          criteria: '=CONCAT_OR((Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))',
          owner: '=DEFAULT_VALUE({AGENT_EMAIL}, {CUSTOM_USER_ID})',
          first: '{FIRST_NAME}',
          last: '{LAST_NAME}',
          html: '{TICKET_DESCRIPTION_HTML}',
          waited: '{WAIT_TIME}',
        },
        headers: { 'X-Session': '{SESSION_ID}' },
      }),
      endpoint('findAccountByQuery', {
        url: 'https://crm.example.com/api/accounts',
        method: 'GET',
        params: { q: '=CONCAT_AND(<NAME>, <OUTBOUND_PHONE_NUMBER>)', limit: 1 },
      }),
    ];
    fc.assert(
      fc.property(anyCaseInput, options, (given, { purpose }) => {
        const derive: DeriveOptions = { formatPhone: taggingPhoneFormat, purpose };
        for (const target of endpoints) {
          const named = deriveVariables(given, { ...derive, names: target.variables });
          expect(buildRequest(target, named)).toEqual(
            buildRequest(target, deriveVariables(given, derive)),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('When an endpoint is compiled, then it lists every variable it names, the attachment URL included', () => {
    const upload = uploadEndpoint({
      url: 'https://crm.example.com/api/records/{RECORD_ID}/files',
      type: 'base64',
      params: { data: '{FILE_DATA}', name: '=DEFAULT_VALUE({FILE_NAME}, file)' },
      headers: { 'X-Agent': '{agent_email}' },
      attachmentType: 'id',
      attachmentIdLocation: '$.id',
      attachmentBuilderUrl: 'https://crm.example.com/files/{ATTACHMENT_ID}?record={RECORD_ID}',
    });
    expect(upload.variables).toEqual([
      'RECORD_ID',
      'FILE_DATA',
      'FILE_NAME',
      'AGENT_EMAIL',
      'ATTACHMENT_ID',
    ]);
  });
});

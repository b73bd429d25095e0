import type { OutboundRequest } from '../../../src/generic-api/outbound';
import { buildRequest, type UploadFile } from '../../../src/generic-api/request-builder';
import { createVariables, type Variables } from '../../../src/generic-api/template';
import { type MultipartPart, parseMultipart } from '../../support/multipart';
import { endpoint } from './compile-helpers';

/** Parses a multipart request with busboy, the parser behind multer, in the order of the parts. */
const parseRequestParts = (request: OutboundRequest): Promise<MultipartPart[]> =>
  parseMultipart(request.headers['Content-Type'] ?? '', request.body);

const vars = (values: Record<string, string | null | undefined>): Variables =>
  createVariables(values);

const bodyText = (request: OutboundRequest): string | undefined => request.body?.toString('utf8');

const CRITERIA =
  '=CONCAT_OR((Id:equals:<ACCOUNT_ID>), (Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))';

describe('buildRequest: GET', () => {
  const find = endpoint('findAccountByQuery', {
    url: 'https://crm.example.com/api/accounts',
    params: { phone: '{PHONE_NUMBER}', email: '{EMAIL}', limit: 1 },
  });

  it('When an endpoint is GET, then its params are the query string and there is no body', () => {
    const request = buildRequest(find, vars({ PHONE_NUMBER: '+1 222 333 4444', EMAIL: 'j@b.co' }));
    expect(request).toEqual({
      endpoint: 'findAccountByQuery',
      method: 'GET',
      url: 'https://crm.example.com/api/accounts?phone=%2B1%20222%20333%204444&email=j%40b.co&limit=1',
      headers: {},
    });
  });

  it('When a param renders empty, then it is left out of the query string', () => {
    const request = buildRequest(find, vars({ PHONE_NUMBER: '', EMAIL: 'j@b.co' }));
    expect(request.url).toBe('https://crm.example.com/api/accounts?email=j%40b.co&limit=1');
  });

  it('When every param renders empty, then the URL gets no query string at all', () => {
    const empty = endpoint('findAccountByQuery', {
      url: 'https://crm.example.com/api/accounts',
      params: { email: '{EMAIL}' },
    });
    expect(buildRequest(empty, vars({})).url).toBe('https://crm.example.com/api/accounts');
  });

  it('When the URL already has a query, then the params are appended to it', () => {
    const withQuery = endpoint('findAccountByQuery', {
      url: 'https://crm.example.com/api/accounts?fields=all',
      params: { email: '{EMAIL}' },
    });
    const trailing = endpoint('findAccountByQuery', {
      url: 'https://crm.example.com/api/accounts?',
      params: { email: '{EMAIL}' },
    });
    expect(buildRequest(withQuery, vars({ EMAIL: 'a b' })).url).toBe(
      'https://crm.example.com/api/accounts?fields=all&email=a%20b',
    );
    expect(buildRequest(trailing, vars({ EMAIL: 'a b' })).url).toBe(
      'https://crm.example.com/api/accounts?email=a%20b',
    );
  });

  it('When a variable is substituted into the URL, then its value is percent-encoded', () => {
    const byId = endpoint('findAccountById', {
      url: 'https://crm.example.com/api/accounts/{ACCOUNT_ID}?lang={LANG}',
      params: { 'full name': '{NAME}' },
    });
    const request = buildRequest(byId, vars({ ACCOUNT_ID: 'a/b?c d', LANG: 'en&x', NAME: 'Zoë' }));
    expect(request.url).toBe(
      'https://crm.example.com/api/accounts/a%2Fb%3Fc%20d?lang=en%26x&full%20name=Zo%C3%AB',
    );
  });

  it('When a value holds a lone surrogate, then it is sent as U+FFFD instead of failing', () => {
    const byId = endpoint('findAccountById', {
      url: 'https://crm.example.com/api/accounts/{ACCOUNT_ID}',
      params: { name: '{NAME}' },
    });
    expect(buildRequest(byId, vars({ ACCOUNT_ID: 'a\uD800', NAME: '\uDC00b' })).url).toBe(
      'https://crm.example.com/api/accounts/a%EF%BF%BD?name=%EF%BF%BDb',
    );
  });

  it.each([
    [{ ACCOUNT_ID: '' }, '(Id:equals:)'],
    [{ ACCOUNT_ID: '', EMAIL: 'james.bond@007' }, '(Id:equals:) or (Email:equals:james.bond@007)'],
    [
      { PHONE_NUMBER: '+12223334444', EMAIL: 'james.bond@007' },
      '(Phone:equals:+12223334444) or (Email:equals:james.bond@007)',
    ],
  ])(
    'When the CONCAT_OR criteria param has keys %p, then the query carries %p',
    (values, expected) => {
      const byCriteria = endpoint('findAccountByQuery', {
        url: 'https://crm.example.com/api/accounts',
        params: { criteria: CRITERIA },
      });
      const request = buildRequest(byCriteria, vars(values));
      expect(new URL(request.url).searchParams.get('criteria')).toBe(expected);
      expect(request.url).toBe(
        `https://crm.example.com/api/accounts?criteria=${encodeURIComponent(expected)}`,
      );
    },
  );
});

describe('buildRequest: JSON bodies', () => {
  const params = { name: '{NAME}', phone: '{PHONE_NUMBER}', email: '{EMAIL}', vip: true, tier: 2 };
  const james = vars({ NAME: 'James "007" Bond\n', PHONE_NUMBER: '+12223334444', EMAIL: '' });

  it('When the data format is property, then the params are one JSON object', () => {
    const request = buildRequest(
      endpoint('createAccount', { url: 'https://crm.example.com/api/accounts', params }),
      james,
    );
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(bodyText(request)).toBe(
      '{"name":"James \\"007\\" Bond\\n","phone":"+12223334444","vip":"true","tier":"2"}',
    );
  });

  it('When the data format is a map container, then the params are nested under its name', () => {
    const request = buildRequest(
      endpoint('createAccount', {
        url: 'https://crm.example.com/api/accounts',
        dataFormat: 'container',
        containerName: 'account',
        params: { name: '{NAME}', email: '{EMAIL}' },
      }),
      james,
    );
    expect(bodyText(request)).toBe('{"account":{"name":"James \\"007\\" Bond\\n"}}');
  });

  it('When the data format is an array container, then the params are one object in a list', () => {
    const request = buildRequest(
      endpoint('createAccount', {
        url: 'https://crm.example.com/api/accounts',
        dataFormat: 'container',
        containerType: 'array',
        containerName: 'data',
        params: { Last_Name: '{LAST_NAME}', Phone: '{PHONE_NUMBER}' },
      }),
      vars({ LAST_NAME: 'Bond', PHONE_NUMBER: '+12223334444' }),
    );
    expect(JSON.parse(bodyText(request) ?? '')).toEqual({
      data: [{ Last_Name: 'Bond', Phone: '+12223334444' }],
    });
    expect(bodyText(request)).toBe('{"data":[{"Last_Name":"Bond","Phone":"+12223334444"}]}');
  });

  it('When the method is PUT or PATCH, then the body is built the same way', () => {
    for (const method of ['PUT', 'PATCH'] as const) {
      const request = buildRequest(
        endpoint('updateRecord', {
          url: 'https://crm.example.com/api/records/{RECORD_ID}',
          method,
          params: { subject: '{TICKET_SUBJECT}' },
        }),
        vars({ RECORD_ID: 'r 1', TICKET_SUBJECT: 'Call' }),
      );
      expect(request).toMatchObject({ method, url: 'https://crm.example.com/api/records/r%201' });
      expect(bodyText(request)).toBe('{"subject":"Call"}');
    }
  });

  it('When a param name is unusual, then it is still one exact JSON key', () => {
    const request = buildRequest(
      endpoint('createAccount', {
        url: 'https://crm.example.com/api/accounts',
        params: { 'a"b': '{NAME}', constructor: 'x', näme: 'y' },
      }),
      vars({ NAME: 'n' }),
    );
    expect(bodyText(request)).toBe('{"a\\"b":"n","constructor":"x","näme":"y"}');
  });
});

describe('buildRequest: form bodies', () => {
  it('When bodyEncoding is form, then the params are application/x-www-form-urlencoded', () => {
    const request = buildRequest(
      endpoint('createRecord', {
        url: 'https://crm.example.com/api/records',
        bodyEncoding: 'form',
        params: { subject: '{TICKET_SUBJECT}', description: '{TICKET_DESCRIPTION}', n: '{NAME}' },
      }),
      vars({ TICKET_SUBJECT: 'Call & chat', TICKET_DESCRIPTION: 'a+b=c\nd', NAME: '' }),
    );
    expect(request.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(bodyText(request)).toBe('subject=Call%20%26%20chat&description=a%2Bb%3Dc%0Ad');
    expect(Object.fromEntries(new URLSearchParams(bodyText(request)))).toEqual({
      subject: 'Call & chat',
      description: 'a+b=c\nd',
    });
  });

  it.each([
    ['map', 'ticket%5Bsubject%5D=Hi&ticket%5Bpriority%5D=1', { 'ticket[subject]': 'Hi' }],
    [
      'array',
      'ticket%5B0%5D%5Bsubject%5D=Hi&ticket%5B0%5D%5Bpriority%5D=1',
      { 'ticket[0][subject]': 'Hi' },
    ],
  ])('When a form body has a %p container, then names use bracket notation', (type, body, some) => {
    const request = buildRequest(
      endpoint('createRecord', {
        url: 'https://crm.example.com/api/records',
        bodyEncoding: 'form',
        dataFormat: 'container',
        containerType: type,
        containerName: 'ticket',
        params: { subject: '{TICKET_SUBJECT}', priority: 1 },
      }),
      vars({ TICKET_SUBJECT: 'Hi' }),
    );
    expect(bodyText(request)).toBe(body);
    expect(Object.fromEntries(new URLSearchParams(bodyText(request)))).toMatchObject(some);
  });
});

describe('buildRequest: headers', () => {
  const withHeaders = endpoint('createRecord', {
    url: 'https://crm.example.com/api/records',
    headers: {
      'X-Agent': '=DEFAULT_VALUE({AGENT_EMAIL}, bot@example.com)',
      'X-Session': '{SESSION_ID}',
      'X-Name': '{NAME}',
      'X-Source': 'ccaip',
    },
  });

  it('When headers are configured, then they are rendered and empty ones are left out', () => {
    const request = buildRequest(withHeaders, vars({ NAME: 'James Bond' }));
    expect(request.headers).toEqual({
      'X-Agent': 'bot@example.com',
      'X-Name': 'James Bond',
      'X-Source': 'ccaip',
      'Content-Type': 'application/json',
    });
  });

  it('When a header value holds line breaks or non-Latin-1 text, then it is made sendable', () => {
    const request = buildRequest(
      withHeaders,
      vars({ NAME: 'James\r\nX-Evil: 1', SESSION_ID: '李' }),
    );
    expect(request.headers['X-Name']).toBe('James  X-Evil: 1');
    expect(request.headers['X-Session']).toBe('%E6%9D%8E');
  });
});

describe('buildRequest: uploads', () => {
  /** Every byte value, with a CRLF and something that looks like a boundary. */
  const BYTES = Buffer.concat([
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from('\r\n------crm-bridge-\r\n--\r\n'),
  ]);
  const file: UploadFile = { data: BYTES, filename: 'chat-42.txt', contentType: 'text/plain' };
  const uploadUrl = 'https://crm.example.com/api/records/{RECORD_ID}/attachments';
  const base = { url: uploadUrl, attachmentUrlLocation: '$.url' };

  it('When the upload type is base64, then the file param holds the base64 and nothing is added', () => {
    const upload = endpoint('uploadFile', {
      ...base,
      type: 'base64',
      params: { file: '{FILE_DATA}', id: '{RECORD_ID}', note: '{COMMENT_BODY}' },
    });
    const request = buildRequest(upload, vars({ RECORD_ID: '42' }), file);
    expect(request.url).toBe('https://crm.example.com/api/records/42/attachments');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(bodyText(request)).toBe(`{"file":"${BYTES.toString('base64')}","id":"42"}`);
    const body = JSON.parse(bodyText(request) ?? '') as { file: string };
    expect(Buffer.from(body.file, 'base64').equals(BYTES)).toBe(true);
  });

  it('When a base64 upload configures filename and content type params, then they are sent', () => {
    const upload = endpoint('uploadFile', {
      ...base,
      dataFormat: 'container',
      containerName: 'attachment',
      params: { data: '<file_data>', filename: 'transcript.txt', content_type: 'text/plain' },
    });
    const request = buildRequest(upload, vars({ RECORD_ID: '42' }), file);
    expect(JSON.parse(bodyText(request) ?? '')).toEqual({
      attachment: {
        data: BYTES.toString('base64'),
        filename: 'transcript.txt',
        content_type: 'text/plain',
      },
    });
  });

  it('When a base64 upload is form encoded, then the base64 is one form field', () => {
    const upload = endpoint('uploadFile', {
      ...base,
      bodyEncoding: 'form',
      params: { file: '{FILE_DATA}' },
    });
    const request = buildRequest(upload, vars({ RECORD_ID: '42' }), file);
    expect(new URLSearchParams(bodyText(request)).get('file')).toBe(BYTES.toString('base64'));
  });

  it('When the file is empty, then the file param is still sent', () => {
    const upload = endpoint('uploadFile', { ...base, params: { file: '{FILE_DATA}' } });
    const empty = { ...file, data: Buffer.alloc(0) };
    expect(bodyText(buildRequest(upload, vars({ RECORD_ID: '42' }), empty))).toBe('{"file":""}');
  });

  const multipart = endpoint('uploadFile', {
    ...base,
    type: 'multipart',
    params: { id: '{RECORD_ID}', empty: '{EMAIL}', file: '{FILE_DATA}', note: 'from {NAME}' },
  });

  it('When the upload type is multipart, then busboy reads the file part and the fields exactly', async () => {
    const request = buildRequest(multipart, vars({ RECORD_ID: '42', NAME: 'Zoë' }), file);
    expect(request.headers['Content-Type']).toMatch(
      /^multipart\/form-data; boundary=----crm-bridge-[0-9a-f]{32}$/,
    );
    expect(await parseRequestParts(request)).toEqual([
      { name: 'id', value: '42' },
      { name: 'file', filename: 'chat-42.txt', mimeType: 'text/plain', data: BYTES },
      { name: 'note', value: 'from Zoë' },
    ]);
  });

  it('When a multipart body is built, then its framing is exact RFC 7578 with CRLFs', () => {
    const request = buildRequest(multipart, vars({ RECORD_ID: '42' }), {
      ...file,
      data: Buffer.from('hello'),
    });
    const boundary = (request.headers['Content-Type'] ?? '').split('boundary=')[1];
    expect(bodyText(request)).toBe(
      [
        `--${boundary}`,
        'Content-Disposition: form-data; name="id"',
        '',
        '42',
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="chat-42.txt"',
        'Content-Type: text/plain',
        '',
        'hello',
        `--${boundary}`,
        'Content-Disposition: form-data; name="note"',
        '',
        'from ',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
  });

  it('When two multipart requests are built, then each has its own random boundary', () => {
    const first = buildRequest(multipart, vars({ RECORD_ID: '1' }), file);
    const second = buildRequest(multipart, vars({ RECORD_ID: '1' }), file);
    expect(first.headers['Content-Type']).not.toBe(second.headers['Content-Type']);
  });

  it.each([
    ['a "quoted" name.txt', 'a "quoted" name.txt'],
    ['résumé 李.pdf', 'résumé 李.pdf'],
    ["it's (1)*.txt", "it's (1)*.txt"],
    ['line\r\nbreak.txt', 'line__break.txt'],
    ['', 'file'],
  ])('When the filename is %p, then the parser reads %p', async (filename, expected) => {
    const request = buildRequest(multipart, vars({ RECORD_ID: '42' }), { ...file, filename });
    const parts = await parseRequestParts(request);
    expect(parts.find((p) => p.name === 'file')?.filename).toBe(expected);
  });

  it('When a filename holds quotes or backslashes, then they are escaped in the quoted string', () => {
    const request = buildRequest(multipart, vars({ RECORD_ID: '42' }), {
      ...file,
      filename: 'a "b" \\ c.txt',
    });
    expect(bodyText(request)).toContain('; filename="a \\"b\\" \\\\ c.txt"\r\n');
  });

  it('When the content type is blank or holds a line break, then the part header stays valid', async () => {
    for (const [contentType, expected] of [
      ['', 'application/octet-stream'],
      ['image/png\r\nX-Evil: 1', 'application/octet-stream'],
      ['text/plain; charset="utf-8"', 'text/plain'],
    ] as const) {
      const request = buildRequest(multipart, vars({ RECORD_ID: '42' }), { ...file, contentType });
      const parts = await parseRequestParts(request);
      expect(parts.find((p) => p.name === 'file')?.mimeType).toBe(expected);
    }
  });

  it('When uploadFile is built without a file, or another endpoint with one, then it throws', () => {
    expect(() => buildRequest(multipart, vars({}))).toThrow('uploadFile needs the file to upload');
    const create = endpoint('createRecord', { url: 'https://crm.example.com/api/records' });
    expect(() => buildRequest(create, vars({}), file)).toThrow(
      'createRecord does not upload files',
    );
  });
});

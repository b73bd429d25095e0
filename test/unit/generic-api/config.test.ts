import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileGenericApi } from '../../../src/generic-api/compiled-config';
import { JSONPATH_FILTER_MESSAGE } from '../../../src/generic-api/jsonpath';
import type { AppConfig } from '../../../src/shared/config/app-config';
import { loadConfig, type ConfigResult } from '../../../src/shared/config/load-config';

const SHIPPED_CONFIG = path.resolve(__dirname, '../../../config');

const VALID_SERVER = `api:
  auth:
    basic:
      - username: ccaip
        password: letmein
`;

/** The account flow, complete: the smallest generic-api.yaml that passes. Lines 1 to 7. */
const ACCOUNT_FLOW = [
  'auth: { method: none }',
  'endpoints:',
  '  findAccountByQuery:',
  '    url: https://crm.example.com/api/accounts',
  "    params: { criteria: '=CONCAT_OR((Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))' }",
  '  createAccount:',
  '    url: https://crm.example.com/api/accounts',
];

/** The record flow on top of ACCOUNT_FLOW: lines 8 to 9. */
const RECORD_FLOW = [
  ...ACCOUNT_FLOW,
  '  createRecord:',
  '    url: https://crm.example.com/api/records',
];

let workDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-generic-api-'));
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A config directory with valid server.yaml and crm.yaml and the given generic-api.yaml. */
function configDir(genericApi: readonly string[] | null): string {
  const dir = path.join(workDir, 'config');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'server.yaml'), VALID_SERVER);
  fs.copyFileSync(path.join(SHIPPED_CONFIG, 'crm.yaml'), path.join(dir, 'crm.yaml'));
  if (genericApi !== null) {
    fs.writeFileSync(path.join(dir, 'generic-api.yaml'), `${genericApi.join('\n')}\n`);
  }
  return dir;
}

function load(dir: string, env: NodeJS.ProcessEnv = {}): ConfigResult {
  return loadConfig({
    configDir: dir,
    dataDir: path.join(workDir, 'data'),
    mode: 'embedded',
    env,
    writeSecrets: false,
  });
}

function loaded(lines: readonly string[] | null): AppConfig {
  const result = load(configDir(lines));
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.config;
}

/** The problems of generic-api.yaml as `line: path: message`. */
function problems(lines: readonly string[]): string[] {
  const result = load(configDir(lines));
  if (result.ok) throw new Error('expected problems, the config loaded');
  return result.problems.map((p) => {
    expect(path.basename(p.file)).toBe('generic-api.yaml');
    return `${p.line}: ${p.path}: ${p.message}`;
  });
}

describe('generic-api.yaml: loading', () => {
  it('When generic-api.yaml is absent, then the config loads without a Generic API', () => {
    expect(loaded(null).genericApi).toBeUndefined();
  });

  it('When generic-api.yaml is present, then it is loaded with its defaults applied', () => {
    const config = loaded([
      ...RECORD_FLOW,
      '  updateRecord:',
      '    url: https://crm.example.com/api/records/{RECORD_ID}',
      '    params: { rating: 5, urgent: true }',
    ]).genericApi;
    expect(config).toMatchObject({
      auth: { method: 'none' },
      phoneNumberFormat: 'automatic',
      defaultRegion: 'US',
      timeoutSeconds: 5,
      reuseOpenRecords: true,
      defaultAgent: {},
      comments: {
        sessionStart: true,
        sessionEnd: true,
        csat: true,
        transfer: true,
        disposition: true,
        customData: true,
      },
    });
    expect(config?.endpoints.findAccountByQuery).toMatchObject({
      method: 'GET',
      headers: {},
      dataFormat: 'property',
      bodyEncoding: 'json',
      responseDataLocation: '$',
      idField: 'id',
    });
    expect(config?.endpoints.createAccount?.method).toBe('POST');
    expect(config?.endpoints.updateRecord?.method).toBe('PATCH');
    expect(config?.endpoints.updateRecord?.params).toEqual({ rating: '5', urgent: 'true' });
  });

  it('When the shipped generic-api.yaml is loaded, then it compiles with every flow available', () => {
    const result = load(SHIPPED_CONFIG, {
      API_PASSWORD: 'pw',
      API_KEY: 'key',
      WEB_ADMIN_PASSWORD: 'admin',
    });
    if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
    const config = result.config.genericApi;
    if (config === undefined) throw new Error('the shipped config has a generic-api.yaml');
    expect(config.auth).toEqual({ method: 'basic', username: 'ccaip', password: 'pw' });
    expect(config.endpoints.findAccountByQuery?.url).toBe('http://localhost:3000/api/v1/accounts');
    const compiled = compileGenericApi(config);
    expect(compiled.flows).toEqual({
      account: true,
      record: true,
      update: true,
      comment: true,
      upload: true,
    });
    expect(compiled.endpoints.uploadFile?.upload).toMatchObject({
      type: 'multipart',
      fileParam: 'file',
      attachment: { type: 'url', urlLocation: '$.url', idLocation: '$.id' },
    });
  });
});

describe('generic-api.yaml: templates', () => {
  it('When a param does not compile, then the problem names its key line, path and column', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW,
        '  findAccountById:',
        '    url: https://crm.example.com/api/accounts/{ACCOUNT_ID}',
        '    params:',
        "      criteria: '=CONCAT_OR((Id:equals:<ACCOUNT_ID>)'",
      ]),
    ).toEqual([
      "11: endpoints.findAccountById.params.criteria: column 36: expected ')' to close CONCAT_OR(",
    ]);
  });

  it('When a URL names an unknown variable, then the column points at it', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW,
        '  findAccountById:',
        "    url: 'https://crm.example.com/api/accounts/{ACOUNT_ID}'",
      ]),
    ).toEqual([
      '9: endpoints.findAccountById.url: column 38: unknown variable {ACOUNT_ID}; did you mean {ACCOUNT_ID}?',
    ]);
  });

  it('When a header or an attachment builder URL does not compile, then each is reported', () => {
    expect(
      problems([
        ...RECORD_FLOW,
        '  uploadFile:',
        '    url: https://crm.example.com/api/records/{RECORD_ID}/files',
        "    params: { file: '{FILE_DATA}' }",
        "    headers: { X-Agent: '=DEFAULT_VALUE({AGENT_EMAIL})' }",
        '    attachmentType: id',
        '    attachmentIdLocation: $.id',
        "    attachmentBuilderUrl: 'https://crm.example.com/files/{ATTACHMENT}'",
      ]),
    ).toEqual([
      '13: endpoints.uploadFile.headers.X-Agent: column 29: expected exactly 2 arguments in DEFAULT_VALUE(, found 1',
      '16: endpoints.uploadFile.attachmentBuilderUrl: column 31: unknown variable {ATTACHMENT}; did you mean {ATTACHMENT_ID}?',
    ]);
  });

  it('When {ATTACHMENT_ID} or {FILE_DATA} is used outside its endpoint, then it is refused', () => {
    expect(
      problems([
        ...RECORD_FLOW,
        "    params: { accountId: '{ACCOUNT_ID}', attachment: '{ATTACHMENT_ID}' }",
        '  comment:',
        '    url: https://crm.example.com/api/records/{RECORD_ID}/comments',
        "    params: { body: '{COMMENT_BODY}', file: '{FILE_DATA}' }",
      ]),
    ).toEqual([
      '10: endpoints.createRecord.params.attachment: {ATTACHMENT_ID} is only available in uploadFile.attachmentBuilderUrl',
      '13: endpoints.comment.params.file: {FILE_DATA} is only available as a parameter of uploadFile',
    ]);
  });

  it('When a header is one crm-bridge sets itself, then it is refused', () => {
    expect(
      problems([...ACCOUNT_FLOW, "    headers: { Content-Type: 'text/plain', X-Source: ccaip }"]),
    ).toEqual([
      '8: endpoints.createAccount.headers.Content-Type: Content-Type is set by crm-bridge; remove it',
    ]);
  });
});

describe('generic-api.yaml: URLs', () => {
  it.each([
    [
      '/api/accounts',
      'must be an absolute http(s) URL, e.g. https://crm.example.com/api/v1/accounts/{ACCOUNT_ID}',
    ],
    [
      'ftp://crm.example.com/accounts',
      'must be an absolute http(s) URL, e.g. https://crm.example.com/api/v1/accounts/{ACCOUNT_ID}',
    ],
    [
      'https://{ACCOUNT_ID}.example.com/',
      'the scheme and host must be written out; variables may only follow the host',
    ],
    [
      'https://crm.example.com{ACCOUNT_ID}',
      'the scheme and host must be written out; variables may only follow the host',
    ],
    [
      '=DEFAULT_VALUE({NAME}, https://crm.example.com)',
      'functions (=DEFAULT_VALUE, =CONCAT_OR, =CONCAT_AND, =JSON_STRING) are only available in params',
    ],
    ['https://crm.example.com/api accounts', 'must not contain spaces (write %20)'],
    ['https://crm.example.com/#/accounts', 'must not contain a fragment (#...): it is never sent'],
  ])('When an endpoint URL is %p, then it is refused', (url, message) => {
    expect(problems([...ACCOUNT_FLOW.slice(0, 6), `    url: '${url}'`])).toEqual([
      `7: endpoints.createAccount.url: ${message}`,
    ]);
  });

  it('When a URL has variables after a literal host, or a query already, then it is accepted', () => {
    const config = loaded([
      ...ACCOUNT_FLOW,
      '  findAccountById:',
      "    url: 'http://localhost:3000/api/accounts/{ACCOUNT_ID}?fields=all&lang={LANG}'",
    ]).genericApi;
    expect(config?.endpoints.findAccountById?.url).toContain('{ACCOUNT_ID}');
  });

  it('When a lookup URL is not absolute, then it is refused at its key', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW,
        'lookupUrls:',
        "  account: 'https://crm.example.com/accounts/{ACCOUNT_ID}'",
        "  record: '/records/{RECORD_ID}'",
      ]),
    ).toEqual([
      '10: lookupUrls.record: must be an absolute http(s) URL, e.g. https://crm.example.com/api/v1/accounts/{ACCOUNT_ID}',
    ]);
  });

  it('When a lookup URL routes by fragment, then it is accepted (a browser opens it), while an endpoint URL is not', () => {
    const config = loaded([
      ...ACCOUNT_FLOW,
      'lookupUrls:',
      "  record: 'https://espo.example.com/#Case/view/{RECORD_ID}'",
    ]);
    expect(config.genericApi?.lookupUrls.record).toBe(
      'https://espo.example.com/#Case/view/{RECORD_ID}',
    );
    expect(
      problems([...ACCOUNT_FLOW.slice(0, 6), '    url: https://crm.example.com/#accounts']),
    ).toEqual([
      '7: endpoints.createAccount.url: must not contain a fragment (#...): it is never sent',
    ]);
  });

  it('When recordStatusMap is set, then it is the status map the flows use', () => {
    const config = loaded([
      ...ACCOUNT_FLOW,
      'recordStatusMap:',
      '  finished: Closed',
      '  connected: Open',
    ]);
    expect(compileGenericApi(config.genericApi!).recordStatusMap).toEqual({
      finished: 'Closed',
      connected: 'Open',
    });
  });

  it('When findAccountById has no {ACCOUNT_ID} in its URL, then it is refused', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW,
        '  findAccountById:',
        '    url: https://crm.example.com/api/accounts',
      ]),
    ).toEqual([
      '9: endpoints.findAccountById.url: must contain {ACCOUNT_ID}: this endpoint finds the account by its id',
    ]);
  });

  it('When a record endpoint does not name the record anywhere, then it is refused', () => {
    expect(
      problems([
        ...RECORD_FLOW,
        '  comment:',
        '    url: https://crm.example.com/api/comments',
        "    params: { text: '{COMMENT_BODY}' }",
      ]),
    ).toEqual([
      '11: endpoints.comment.url: must name the record: use {RECORD_ID} in the url, params or headers',
    ]);
  });
});

describe('generic-api.yaml: JSONPath locations', () => {
  it.each([
    ['$.data[?(@.id==1)]', JSONPATH_FILTER_MESSAGE],
    ['$.data[(@.length-1)]', JSONPATH_FILTER_MESSAGE],
    ['$..[?(@.phone)]', JSONPATH_FILTER_MESSAGE],
    ['data[0]', 'must start with $ (the whole response), e.g. $.data[0]'],
    ['$.data[0', "'[' at column 7 is never closed"],
    ['$.data]', "']' at column 7 closes nothing"],
    ["$['a", "unclosed '"],
  ])('When responseDataLocation is %p, then it is refused', (location, message) => {
    expect(problems([...ACCOUNT_FLOW, `    responseDataLocation: "${location}"`])).toEqual([
      `8: endpoints.createAccount.responseDataLocation: ${message}`,
    ]);
  });

  it('When an attachment location has a filter, then it is refused at its key', () => {
    expect(
      problems([
        ...RECORD_FLOW,
        '  uploadFile:',
        '    url: https://crm.example.com/api/records/{RECORD_ID}/files',
        "    params: { file: '{FILE_DATA}' }",
        '    attachmentType: url',
        "    attachmentUrlLocation: '$.files[?(@.url)].url'",
        "    attachmentIdLocation: '$.files[(@.length-1)].id'",
      ]),
    ).toEqual([
      `14: endpoints.uploadFile.attachmentUrlLocation: ${JSONPATH_FILTER_MESSAGE}`,
      `15: endpoints.uploadFile.attachmentIdLocation: ${JSONPATH_FILTER_MESSAGE}`,
    ]);
  });

  it('When a location is a plain path with quotes and recursion, then it is accepted', () => {
    const config = loaded([...ACCOUNT_FLOW, `    responseDataLocation: "$..records[0]['the id']"`]);
    expect(config.genericApi?.endpoints.createAccount?.responseDataLocation).toBe(
      "$..records[0]['the id']",
    );
  });
});

describe('generic-api.yaml: request body settings', () => {
  it('When dataFormat is container without a containerName, then containerName is required', () => {
    expect(problems([...ACCOUNT_FLOW, '    dataFormat: container'])).toEqual([
      '6: endpoints.createAccount.containerName: required when dataFormat is container (the parent object name)',
    ]);
  });

  it('When container settings are given with dataFormat property, then each is refused', () => {
    expect(
      problems([...ACCOUNT_FLOW, '    containerType: array', '    containerName: accounts']),
    ).toEqual([
      '8: endpoints.createAccount.containerType: only used with dataFormat: container',
      '9: endpoints.createAccount.containerName: only used with dataFormat: container',
    ]);
  });

  it('When a GET endpoint asks for a container or a form body, then both are refused', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW.slice(0, 5),
        '    dataFormat: container',
        '    containerName: account',
        '    bodyEncoding: form',
        ...ACCOUNT_FLOW.slice(5),
      ]),
    ).toEqual([
      '6: endpoints.findAccountByQuery.dataFormat: container does not apply: a GET request has no body (its params go in the query string)',
      '8: endpoints.findAccountByQuery.bodyEncoding: form does not apply: a GET request has no body (its params go in the query string)',
    ]);
  });
});

describe('generic-api.yaml: uploadFile', () => {
  const upload = (...lines: string[]) => [
    ...RECORD_FLOW,
    '  uploadFile:',
    '    url: https://crm.example.com/api/records/{RECORD_ID}/files',
    ...lines,
  ];

  it('When attachmentType is id without its location and builder URL, then both are required', () => {
    expect(
      problems(upload("    params: { file: '{FILE_DATA}' }", '    attachmentType: id')),
    ).toEqual([
      '10: endpoints.uploadFile.attachmentIdLocation: required with attachmentType id (JSONPath of the id)',
      '10: endpoints.uploadFile.attachmentBuilderUrl: required with attachmentType id (the download URL)',
    ]);
  });

  it('When attachmentType is url without attachmentUrlLocation, then it is required', () => {
    expect(problems(upload("    params: { file: '{FILE_DATA}' }"))).toEqual([
      '10: endpoints.uploadFile.attachmentUrlLocation: required with attachmentType url (JSONPath of the download URL); or set attachmentType: id',
    ]);
  });

  it('When no param holds {FILE_DATA}, then the params are refused', () => {
    expect(
      problems(upload("    params: { name: '{NAME}' }", '    attachmentUrlLocation: $.url')),
    ).toEqual([
      '12: endpoints.uploadFile.params: needs a parameter whose value is {FILE_DATA} (the file), e.g. file: "{FILE_DATA}"',
    ]);
  });

  it('When {FILE_DATA} is part of a value or held by two params, then each is refused', () => {
    expect(
      problems(
        upload(
          '    params:',
          "      data: 'base64,{FILE_DATA}'",
          "      file: '{FILE_DATA}'",
          "      copy: '<file_data>'",
          '    attachmentUrlLocation: $.url',
        ),
      ),
    ).toEqual([
      '13: endpoints.uploadFile.params.data: {FILE_DATA} must be the whole value of its parameter',
      '15: endpoints.uploadFile.params.copy: only one parameter may hold the file; file already does',
    ]);
  });

  it('When the attachment builder URL has no {ATTACHMENT_ID}, then it is refused', () => {
    expect(
      problems(
        upload(
          "    params: { file: '{FILE_DATA}' }",
          '    attachmentType: id',
          '    attachmentIdLocation: $.id',
          "    attachmentBuilderUrl: 'https://crm.example.com/records/{RECORD_ID}'",
        ),
      ),
    ).toEqual(['15: endpoints.uploadFile.attachmentBuilderUrl: must contain {ATTACHMENT_ID}']);
  });

  it('When a multipart upload asks for a container or a form body, then both are refused', () => {
    expect(
      problems(
        upload(
          "    params: { file: '{FILE_DATA}' }",
          '    type: multipart',
          '    dataFormat: container',
          '    containerName: attachment',
          '    bodyEncoding: form',
          '    attachmentUrlLocation: $.url',
        ),
      ),
    ).toEqual([
      '14: endpoints.uploadFile.dataFormat: container does not apply: a multipart upload sends its params as form-data fields',
      '16: endpoints.uploadFile.bodyEncoding: form does not apply: a multipart upload sends its params as form-data fields',
    ]);
  });

  it('When a file kind is listed twice or is unknown, then each is refused at its item', () => {
    expect(
      problems(
        upload(
          "    params: { file: '{FILE_DATA}' }",
          '    attachmentUrlLocation: $.url',
          '    files:',
          '      - photos',
          '      - photos',
          '      - faxes',
        ),
      ),
    ).toEqual([expect.stringMatching(/^17: endpoints\.uploadFile\.files\.2: Invalid option/)]);
    expect(
      problems(
        upload(
          "    params: { file: '{FILE_DATA}' }",
          '    attachmentUrlLocation: $.url',
          '    files: [photos, videos, photos]',
        ),
      ),
    ).toEqual(['14: endpoints.uploadFile.files.2: photos is listed twice']);
  });

  it('When addComment is set without a comment endpoint, then it is refused', () => {
    expect(
      problems(
        upload(
          "    params: { file: '{FILE_DATA}' }",
          '    attachmentUrlLocation: $.url',
          '    addComment: true',
        ),
      ),
    ).toEqual([
      '14: endpoints.uploadFile.addComment: needs the comment endpoint, which is not configured',
    ]);
  });
});

describe('generic-api.yaml: flows', () => {
  it('When only createAccount is configured, then the missing find endpoint is named', () => {
    expect(problems(['auth: { method: none }', 'endpoints:', ...ACCOUNT_FLOW.slice(5)])).toEqual([
      '2: endpoints: findAccountByQuery (or findAccountById) is missing: the account flow needs it, and createAccount cannot run without that flow',
    ]);
  });

  it('When findAccountById stands in for findAccountByQuery, then the account flow is complete', () => {
    const config = loaded([
      'auth: { method: none }',
      'endpoints:',
      '  findAccountById: { url: "https://crm.example.com/api/accounts/{ACCOUNT_ID}" }',
      ...ACCOUNT_FLOW.slice(5),
    ]);
    expect(compileGenericApi(config.genericApi ?? fail()).flows.account).toBe(true);
  });

  it('When a comment endpoint comes without record and account endpoints, then each is named', () => {
    expect(
      problems([
        'auth: { method: none }',
        'endpoints:',
        '  comment:',
        "    url: 'https://crm.example.com/api/records/{RECORD_ID}/comments'",
      ]),
    ).toEqual([
      '2: endpoints: findAccountByQuery (or findAccountById) is missing: the account flow needs it, and comment cannot run without that flow',
      '2: endpoints: createAccount is missing: the account flow needs it, and comment cannot run without that flow',
      '2: endpoints: createRecord is missing: the record flow needs it, and comment cannot run without that flow',
    ]);
  });

  it('When findRecordByQuery comes without createRecord, then createRecord is named', () => {
    expect(
      problems([
        ...ACCOUNT_FLOW,
        '  findRecordByQuery:',
        "    url: 'https://crm.example.com/api/records'",
        "    params: { account: '{ACCOUNT_ID}' }",
      ]),
    ).toEqual([
      '2: endpoints: createRecord is missing: the record flow needs it, and findRecordByQuery cannot run without that flow',
    ]);
  });

  it('When no endpoint is configured, then the file is valid and no flow is available', () => {
    const config = loaded(['auth: { method: none }']);
    expect(compileGenericApi(config.genericApi ?? fail()).flows).toEqual({
      account: false,
      record: false,
      update: false,
      comment: false,
      upload: false,
    });
  });
});

describe('generic-api.yaml: settings', () => {
  it('When timeoutSeconds, defaultRegion or phoneNumberFormat are out of range, then each is refused', () => {
    const lines = problems([
      ...ACCOUNT_FLOW,
      'timeoutSeconds: 11',
      'defaultRegion: XX',
      'phoneNumberFormat: e.164',
    ]);
    expect(lines).toEqual([
      expect.stringMatching(/^8: timeoutSeconds: Too big/),
      '9: defaultRegion: is not a region libphonenumber knows',
      expect.stringMatching(/^10: phoneNumberFormat: Invalid option/),
    ]);
  });

  it('When auth is missing, then it is required at line 1', () => {
    expect(problems(ACCOUNT_FLOW.slice(1))).toEqual(['1: auth: required (object)']);
  });
});

function fail(): never {
  throw new Error('expected a Generic API config');
}

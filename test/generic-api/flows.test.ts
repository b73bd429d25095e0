import { compileGenericApi } from '../../src/generic-api/compiled-config';
import { genericApiSchema } from '../../src/generic-api/config/generic-api-schema';
import { type FlowEvent, type FlowInput, runFlow } from '../../src/generic-api/flows/flow-runner';
import { FlowError } from '../../src/generic-api/flows/flow-error';
import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import { json, type Loopback, type Received, startLoopback } from './loopback';

/**
 * A "homegrown CRM" with its own shapes: contacts under `results`, cases created from a
 * container array, ids as numbers. Its behaviour is set per test through `routes`.
 */
type Route = (req: Received) => [number, unknown];
let routes: Record<string, Route>;
let crm: Loopback;

beforeAll(async () => {
  crm = await startLoopback((req, res) => {
    const route = routes[`${req.method} ${req.path}`];
    if (!route) return json(res, 404, { message: `no route ${req.method} ${req.path}` });
    const [status, body] = route(req);
    json(res, status, body);
  });
});
afterAll(() => crm.close());
beforeEach(() => {
  crm.received.length = 0;
  routes = {};
});

function api(overrides: Record<string, unknown> = {}, endpoints: Record<string, unknown> = {}) {
  const base = crm.origin;
  return compileGenericApi(
    genericApiSchema.parse({
      auth: { method: 'header', headers: { 'X-Api-Key': 'k-123456' } },
      phoneNumberFormat: 'e164',
      defaultAgent: { email: 'queue@example.com' },
      ...overrides,
      endpoints: {
        findAccountById: {
          url: `${base}/contacts/{ACCOUNT_ID}`,
          responseDataLocation: '$.contact',
        },
        findAccountByQuery: {
          url: `${base}/contacts/search`,
          params: { criteria: '=CONCAT_OR((Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))' },
          responseDataLocation: '$.results[0]',
          idField: 'contact_id',
        },
        createAccount: {
          url: `${base}/contacts`,
          method: 'POST',
          params: { full_name: '{NAME}', phone: '{PHONE_NUMBER}', last: '{LAST_NAME}' },
          responseDataLocation: '$.contact',
          idField: 'contact_id',
        },
        findRecordByQuery: {
          url: `${base}/cases`,
          params: { contact: '{ACCOUNT_ID}', state: 'open' },
          responseDataLocation: '$.results[0]',
          idField: 'case_id',
        },
        createRecord: {
          url: `${base}/cases`,
          method: 'POST',
          dataFormat: 'container',
          containerType: 'array',
          containerName: 'cases',
          params: {
            contact: '{ACCOUNT_ID}',
            title: '{TICKET_SUBJECT}',
            owner: '=DEFAULT_VALUE({AGENT_EMAIL}, nobody@example.com)',
          },
          responseDataLocation: '$.cases[0]',
          idField: 'case_id',
        },
        updateRecord: {
          url: `${base}/cases/{RECORD_ID}`,
          method: 'PUT',
          params: { title: '{TICKET_SUBJECT}', state: '{RECORD_STATUS}' },
        },
        comment: {
          url: `${base}/cases/{RECORD_ID}/notes`,
          method: 'POST',
          params: { text: '{COMMENT_BODY}' },
          convertToHtml: true,
        },
        uploadFile: {
          url: `${base}/cases/{RECORD_ID}/files`,
          method: 'POST',
          type: 'base64',
          params: { content: '{FILE_DATA}', name: '{FILE_NAME}' },
          attachmentType: 'id',
          attachmentIdLocation: '$.file.id',
          attachmentBuilderUrl: `${base}/cases/{RECORD_ID}/files/{ATTACHMENT_ID}`,
          addComment: true,
          files: ['chat_transcripts'],
        },
        ...endpoints,
      },
    }),
  );
}

const sender = (a: ReturnType<typeof api>) => createHttpSender({ auth: a.auth, timeoutSeconds: 5 });
const run = (
  flow: Parameters<typeof runFlow>[0],
  input: FlowInput,
  a = api(),
  events?: FlowEvent[],
) =>
  runFlow(flow, input, {
    api: a,
    sender: sender(a),
    statusMap: { finished: 'solved' },
    onEvent: (e) => events?.push(e),
  });
const seen = () => crm.received.map((r) => `${r.method} ${r.target}`);
const bodyOf = (i: number) => JSON.parse(crm.received[i]!.body.toString('utf8')) as unknown;

describe('Find or create account', () => {
  test('When ACCOUNT_ID is known but 404s, then the query runs, finds nothing, and the account is created', async () => {
    routes['GET /contacts/old-1'] = () => [404, { message: 'gone' }];
    routes['GET /contacts/search'] = () => [200, { results: [] }];
    routes['POST /contacts'] = () => [201, { contact: { contact_id: 501 } }];
    const result = await run('account', {
      variables: {
        ACCOUNT_ID: 'old-1',
        NAME: 'James Bond',
        PHONE_NUMBER: '(222) 333-4444',
        EMAIL: null,
      },
    });
    expect(result.accountId).toBe('501');
    expect(seen()).toEqual([
      'GET /contacts/old-1',
      'GET /contacts/search?criteria=(Phone%3Aequals%3A%2B12223334444)',
      'POST /contacts',
    ]);
    expect(crm.received[2]!.body.toString()).toBe(
      '{"full_name":"James Bond","phone":"+12223334444","last":"Bond"}',
    );
    expect(crm.received[2]!.headers['content-type']).toBe('application/json');
    expect(crm.received.every((r) => r.headers['x-api-key'] === 'k-123456')).toBe(true);
  });

  test('When the account is found by id, then nothing else is asked', async () => {
    routes['GET /contacts/7'] = () => [200, { contact: { id: 7 } }];
    const result = await run('account', { variables: { ACCOUNT_ID: 7 } });
    expect(result.accountId).toBe('7');
    expect(seen()).toEqual(['GET /contacts/7']);
  });

  test('When there is nothing to search by, then the query is skipped rather than taking any account', async () => {
    routes['POST /contacts'] = () => [201, { contact: { contact_id: 9 } }];
    const events: FlowEvent[] = [];
    await run('account', { variables: { NAME: 'Nobody Known' } }, api(), events);
    expect(seen()).toEqual(['POST /contacts']);
    expect(events).toContainEqual(
      expect.objectContaining({
        endpoint: 'findAccountByQuery',
        message: expect.stringContaining('skipped'),
      }),
    );
  });

  test('When the phone number cannot be parsed, then it is sent unchanged and reported once', async () => {
    routes['GET /contacts/search'] = () => [200, { results: [{ contact_id: 3 }] }];
    const events: FlowEvent[] = [];
    await run('account', { variables: { PHONE_NUMBER: 'ext. 12' } }, api(), events);
    expect(seen()).toEqual(['GET /contacts/search?criteria=(Phone%3Aequals%3Aext.%2012)']);
    expect(events.filter((e) => e.type === 'warning')).toEqual([
      {
        type: 'warning',
        message: '"ext. 12" is not a phone number crm-bridge can format; it is sent unchanged',
      },
    ]);
  });

  test('When the CRM answers 500, then the error names the endpoint, status and message', async () => {
    routes['GET /contacts/search'] = () => [500, { message: 'database down' }];
    const failure = run('account', { variables: { EMAIL: 'a@b.co' } });
    await expect(failure).rejects.toBeInstanceOf(FlowError);
    await expect(failure).rejects.toThrow(
      'findAccountByQuery: answered 500: {"message":"database down"}',
    );
  });

  test('When the create answer has no id at the location, then the error names the location', async () => {
    routes['GET /contacts/search'] = () => [200, { results: [] }];
    routes['POST /contacts'] = () => [201, { created: true }];
    await expect(run('account', { variables: { EMAIL: 'a@b.co' } })).rejects.toThrow(
      /createAccount: answered 201 but \$\.contact holds no object with "contact_id"/,
    );
  });
});

describe('Find or create record', () => {
  beforeEach(() => {
    routes['GET /contacts/search'] = () => [200, { results: [{ contact_id: 'c1' }] }];
  });

  test('When an open record exists and reuse is on, then it is reused', async () => {
    routes['GET /cases'] = () => [200, { results: [{ case_id: 'k9' }] }];
    const result = await run('record', { variables: { EMAIL: 'a@b.co' } });
    expect(result).toMatchObject({ accountId: 'c1', recordId: 'k9' });
    expect(seen()).toEqual([
      'GET /contacts/search?criteria=(Email%3Aequals%3Aa%40b.co)',
      'GET /cases?contact=c1&state=open',
    ]);
  });

  test('When reuse is off, then a record is created as a Container array with the default agent', async () => {
    routes['POST /cases'] = () => [201, { cases: [{ case_id: 12 }] }];
    const result = await run(
      'record',
      { variables: { EMAIL: 'a@b.co', TICKET_SUBJECT: 'Chat 1' } },
      api({ reuseOpenRecords: false }),
    );
    expect(result.recordId).toBe('12');
    expect(seen()).toEqual([
      'GET /contacts/search?criteria=(Email%3Aequals%3Aa%40b.co)',
      'POST /cases',
    ]);
    expect(bodyOf(1)).toEqual({
      cases: [{ contact: 'c1', title: 'Chat 1', owner: 'queue@example.com' }],
    });
  });
});

describe('Comments, update and uploads', () => {
  const session = {
    id: 73522,
    chat_type: 'Web',
    status: 'finished',
    chat_duration: 125,
    rating: 4,
    feedback: 'Good <b>help</b>',
    agent_info: { name: 'Eve' },
    transfers: [{ from_agent: { name: 'Eve' }, to_agent: { name: 'Q' } }],
  };

  beforeEach(() => {
    routes['POST /cases/k1/notes'] = () => [201, {}];
    routes['PUT /cases/k1'] = () => [200, {}];
    routes['POST /cases/k1/files'] = () => [201, { file: { id: 'f-77' } }];
  });

  test('When the full flow runs for a chat, then comments are HTML, the status is mapped and the transcript is uploaded', async () => {
    const transcript = Buffer.from('10:00 end_user James: hello\n');
    const result = await run('full', {
      variables: { RECORD_ID: 'k1', ACCOUNT_ID: 'c1', TICKET_SUBJECT: 'Chat 73522' },
      session,
      files: [
        {
          kind: 'chat_transcripts',
          filename: 'chat-73522.txt',
          contentType: 'text/plain',
          data: transcript,
        },
        { kind: 'photos', filename: 'p.jpg', contentType: 'image/jpeg', data: Buffer.from([1]) },
      ],
    });
    expect(seen()).toEqual([
      'POST /cases/k1/notes',
      'PUT /cases/k1',
      'POST /cases/k1/notes',
      'POST /cases/k1/notes',
      'POST /cases/k1/notes',
      'POST /cases/k1/files',
      'POST /cases/k1/notes',
    ]);
    expect(bodyOf(0)).toEqual({ text: 'Chat 73522 started<br>Type: Web<br>Agent: Eve' });
    expect(bodyOf(1)).toEqual({ title: 'Chat 73522', state: 'solved' });
    expect(bodyOf(2)).toEqual({ text: 'Transferred from Eve to Q' });
    expect(bodyOf(4)).toEqual({
      text: 'CSAT rating: 4/5<br>Feedback: Good &lt;b&gt;help&lt;/b&gt;',
    });
    expect(bodyOf(5)).toEqual({ content: transcript.toString('base64'), name: 'chat-73522.txt' });
    expect(bodyOf(6)).toEqual({
      text: `File uploaded: chat-73522.txt (chat_transcripts)<br>${crm.origin}/cases/k1/files/f-77`,
    });
    expect(result).toMatchObject({
      recordId: 'k1',
      comments: 5,
      uploads: [
        {
          kind: 'chat_transcripts',
          filename: 'chat-73522.txt',
          id: 'f-77',
          url: `${crm.origin}/cases/k1/files/f-77`,
        },
      ],
    });
  });

  test('When a dry run is asked, then every request is reported and none is sent', async () => {
    const events: FlowEvent[] = [];
    const a = api();
    await runFlow(
      'full',
      { variables: { EMAIL: 'a@b.co', NAME: 'A B' }, session },
      { api: a, sender: sender(a), dryRun: true, onEvent: (e) => events.push(e) },
    );
    expect(crm.received).toEqual([]);
    const requests = events.flatMap((e) =>
      e.type === 'request' ? [`${e.request.method} ${new URL(e.request.url).pathname}`] : [],
    );
    expect(requests.slice(0, 4)).toEqual([
      'GET /contacts/search',
      'POST /contacts',
      'GET /cases',
      'POST /cases',
    ]);
    expect(requests).toContain('PUT /cases/dry-run-record-id');
  });

  test('When an endpoint the flow needs is missing, then the error says it is not configured', async () => {
    await expect(
      run(
        'comment',
        { variables: { RECORD_ID: 'k1', COMMENT_BODY: 'x' } },
        api({}, { comment: undefined, uploadFile: undefined }),
      ),
    ).rejects.toThrow('comment: is not configured in generic-api.yaml');
  });
});

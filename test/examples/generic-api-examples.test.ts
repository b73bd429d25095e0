/**
 * The configs in examples/generic-api/, each loaded the way crm-bridge loads config/ and run
 * against a test double that answers in the shape of the CRM it was written for. The requests
 * the double received are asserted exactly: method, path, decoded query, credentials, content
 * type and body (JSON and form bodies byte for byte, multipart parts through busboy).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileGenericApi } from '../../src/generic-api/compiled-config';
import {
  type FlowEvent,
  type FlowInput,
  type FlowName,
  type FlowResult,
  runFlow,
} from '../../src/generic-api/flows/flow-runner';
import { createGenericApiSender } from '../../src/generic-api/generic-api-client';
import { readSessionFile } from '../../src/generic-api/session-file';
import type { AppConfig } from '../../src/shared/config/app-config';
import { formatProblem, loadConfig } from '../../src/shared/config/load-config';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';
import { parseMultipart } from '../support/multipart';
import { json, startLoopback, type Loopback, type Received } from '../generic-api/loopback';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples/generic-api');

/** server.yaml's own secrets, set so that nothing is generated while loading. */
const SERVER_ENV = {
  API_PASSWORD: 'api-pass',
  API_KEY: 'api-key',
  WEB_ADMIN_PASSWORD: 'web-pass',
  OAUTH_CLIENT_SECRET: 'oauth-secret',
  SESSION_SECRET: 'session-secret',
};

type Part =
  { name: string; value: string } | { name: string; filename: string; type: string; data: string };

/** The parts of a multipart body in order; file data as base64 to compare as text. */
async function multipartParts(contentType: string, body: Buffer): Promise<Part[]> {
  return (await parseMultipart(contentType, body)).map((p) =>
    p.filename === undefined
      ? { name: p.name, value: p.value ?? '' }
      : {
          name: p.name,
          filename: p.filename,
          type: p.mimeType ?? '',
          data: (p.data ?? Buffer.alloc(0)).toString('base64'),
        },
  );
}

/** A request as the double received it, in the terms the assertions use. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The credentials header of the example (X-Api-Key or Authorization). */
  auth: string | undefined;
  /** Without parameters: a multipart boundary is random. */
  contentType: string | undefined;
  /** JSON and form bodies as the exact text sent; multipart as its parts; none as undefined. */
  body: string | Part[] | undefined;
}

/** What the double received, with `authHeader` as the credentials to show. */
async function seen(authHeader: string): Promise<Seen[]> {
  return Promise.all(
    double.received.map(async (r) => {
      const contentType = r.headers['content-type'];
      const auth = r.headers[authHeader.toLowerCase()];
      const multipart = contentType?.startsWith('multipart/form-data') === true;
      return {
        method: r.method,
        path: r.path,
        query: r.query,
        auth: Array.isArray(auth) ? auth.join(', ') : auth,
        contentType: contentType?.split(';')[0],
        body: multipart
          ? await multipartParts(contentType ?? '', r.body)
          : r.body.length === 0
            ? undefined
            : r.body.toString('utf8'),
      };
    }),
  );
}

/**
 * The requests an example is expected to make, each carrying the example's credentials. Bodies
 * are the exact bytes: JSON compact with keys in the configured order, form fields encoded with
 * encodeURIComponent (a space is %20).
 */
function expectedRequests(auth: string) {
  const sent = (method: string, p: string, contentType: string, body: string | Part[]): Seen => ({
    method,
    path: p,
    query: {},
    auth,
    contentType,
    body,
  });
  return {
    get: (p: string, query: Record<string, string> = {}): Seen => ({
      method: 'GET',
      path: p,
      query,
      auth,
      contentType: undefined,
      body: undefined,
    }),
    json: (method: string, p: string, body: unknown) =>
      sent(method, p, 'application/json', JSON.stringify(body)),
    /** A JSON body written out by hand, for what JSON.stringify cannot show plainly. */
    raw: (method: string, p: string, contentType: string, body: string) =>
      sent(method, p, contentType, body),
    form: (method: string, p: string, fields: [string, string][]) =>
      sent(
        method,
        p,
        'application/x-www-form-urlencoded',
        fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
      ),
    multipart: (method: string, p: string, parts: Part[]) =>
      sent(method, p, 'multipart/form-data', parts),
  };
}

// --- The test double -----------------------------------------------------------------------

/** What a route answers: a status and a JSON body, or a status alone (204 has no body). */
type Route = (req: Received) => [number, unknown?];
let routes: Record<string, Route>;
let double: Loopback;

beforeAll(async () => {
  double = await startLoopback((req, res) => {
    const route = routes[`${req.method} ${req.path}`];
    if (!route) return json(res, 404, { error: `no route for ${req.method} ${req.path}` });
    const [status, body] = route(req);
    if (body !== undefined) return json(res, status, body);
    res.writeHead(status);
    res.end();
  });
});
afterAll(() => double.close());

/** Ids handed out in sequence by a route that creates: `note-1`, `note-2`, ... */
function ids(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

// --- Config, session and flow, as `simulate` wires them -------------------------------------

let workDir: string;
let stores: Store[];

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-examples-'));
  stores = [];
  routes = {};
  double.received.length = 0;
});

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  fs.rmSync(workDir, { recursive: true, force: true });
});

/**
 * The shipped server.yaml and crm.yaml with the example as generic-api.yaml, loaded like
 * `config check` does. Nothing may be reported, and no secret may be generated: every variable
 * the example reads is one `env` sets.
 */
function loadExample(example: string, env: Record<string, string>): AppConfig {
  const configDir = path.join(workDir, 'config');
  fs.mkdirSync(configDir);
  for (const file of ['server.yaml', 'crm.yaml']) {
    fs.copyFileSync(path.join(ROOT, 'config', file), path.join(configDir, file));
  }
  fs.copyFileSync(path.join(EXAMPLES, example), path.join(configDir, 'generic-api.yaml'));
  const result = loadConfig({
    configDir,
    dataDir: path.join(workDir, 'data'),
    mode: 'embedded',
    env: { ...SERVER_ENV, ...env },
    writeSecrets: false,
  });
  expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  if (!result.ok) throw new Error('the example did not load');
  expect(result.secrets).toEqual([]);
  expect(result.config.genericApi).toBeDefined();
  return result.config;
}

interface SessionFileSpec {
  session: Record<string, unknown>;
  variables?: Record<string, string | number | null>;
  files?: { kind: string; name: string; data: Buffer }[];
}

/** A session file as `simulate --session` reads it, with its files beside it. */
function sessionInput(spec: SessionFileSpec): FlowInput {
  const dir = path.join(workDir, 'session');
  fs.mkdirSync(dir, { recursive: true });
  for (const file of spec.files ?? []) fs.writeFileSync(path.join(dir, file.name), file.data);
  const file = path.join(dir, 'session.json');
  const files = (spec.files ?? []).map((f) => ({ kind: f.kind, path: f.name }));
  fs.writeFileSync(file, JSON.stringify({ ...spec, files }));
  return readSessionFile(file);
}

interface Run {
  result: FlowResult;
  events: FlowEvent[];
}

/** One flow, with the sender generic-api.yaml describes and crm.yaml's status map. */
async function run(
  config: AppConfig,
  flow: FlowName,
  input: FlowInput,
  dryRun = false,
): Promise<Run> {
  const api = compileGenericApi(config.genericApi!);
  const sender = await createGenericApiSender({
    api,
    openStore: async () => {
      const store = await createStore({ dataDir: path.join(workDir, 'data') });
      stores.push(store);
      return store;
    },
  });
  const events: FlowEvent[] = [];
  const result = await runFlow(flow, input, {
    api,
    sender,
    dryRun,
    statusMap: config.crm.recordStatuses.fromSessionStatus,
    onEvent: (event) => events.push(event),
  });
  return { result, events };
}

/** What a dry run reports it would send: `METHOD path?query`, the origin left out. */
const plannedRequests = (events: FlowEvent[]): string[] =>
  events.flatMap((e) =>
    e.type === 'request' ? [`${e.request.method} ${e.request.url.replace(double.origin, '')}`] : [],
  );

// --- Sessions --------------------------------------------------------------------------------

/** A finished inbound call, as the platform's manager API returns it (new-caller.json's call). */
const CALL = {
  id: 6868,
  lang: 'en',
  call_type: 'IncomingCall',
  status: 'finished',
  created_at: '2026-11-22T09:12:00.000Z',
  connected_at: '2026-11-22T09:13:05.000Z',
  ends_at: '2026-11-22T09:20:10.000Z',
  wait_duration: 65,
  call_duration: 425,
  hold_duration: 30,
  rating: 5,
  feedback: 'Quick and friendly',
  has_feedback: true,
  disconnected_by: 'end_user',
  end_user: {
    id: 4242,
    identifier: 'james.bond',
    name: 'James Bond',
    phone_number: '+12223334444',
  },
  agent_info: { id: 7, name: 'Eve Moneypenny', email: 'eve@mi6.example' },
  menu_path: { name: 'Orders/Order info', materialized_path: '1/12' },
  selected_menu: { id: 12, name: 'Order info', parent_id: 1 },
  transfers: [],
  custom_data: { device: { value: 'iOS', type: 'string', label: 'Device Type' } },
};
const CALL_VARIABLES = {
  EMAIL: 'james.bond@agents.example',
  TICKET_DESCRIPTION: 'Asked where order 1234 is; shipped today.',
};
const RECORDING = Buffer.from('ID3\u0004\u0000fake mp3 frames', 'latin1');
const CALL_METADATA = Buffer.from(JSON.stringify({ id: 6868, status: 'finished' }));
const CALL_FILES = [
  { kind: 'call_recordings', name: 'recording-6868.mp3', data: RECORDING },
  { kind: 'session_metadata', name: 'call-6868.json', data: CALL_METADATA },
];

/** The comments the platform leaves on the record for CALL. */
const CALL_START =
  'Call 6868 started\nQueue: Orders/Order info\nType: IncomingCall\nAgent: Eve Moneypenny';
const CALL_CUSTOM_DATA = 'Custom data\nDevice Type: iOS';
const CALL_END =
  'Call 6868 finished\nDuration: 07:05\nWait: 01:05\nHold: 00:30\nAgent: Eve Moneypenny\nDisconnected by: end_user';
const CALL_CSAT = 'CSAT rating: 5/5\nFeedback: Quick and friendly';

const callInput = (files = CALL_FILES): FlowInput =>
  sessionInput({ session: CALL, variables: CALL_VARIABLES, files });

// --- EspoCRM ---------------------------------------------------------------------------------

describe('examples/generic-api/espocrm-api-key.yaml', () => {
  const ESPO_KEY = 'espo-api-key-1';
  const espoCrm = expectedRequests(ESPO_KEY);
  const espo = () =>
    loadExample('espocrm-api-key.yaml', { ESPO_URL: double.origin, CRM_API_KEY: ESPO_KEY });
  const contactSearch = (value: string) => ({
    'where[0][type]': 'equals',
    'where[0][attribute]': 'phoneNumber',
    'where[0][value]': value,
    select: 'id,name',
    maxSize: '1',
  });
  const openCases = (contactId: string) => ({
    'where[0][type]': 'equals',
    'where[0][attribute]': 'contactId',
    'where[0][value]': contactId,
    'where[1][type]': 'in',
    'where[1][attribute]': 'status',
    'where[1][value][0]': 'New',
    'where[1][value][1]': 'Assigned',
    'where[1][value][2]': 'Pending',
    orderBy: 'createdAt',
    order: 'desc',
    maxSize: '1',
  });

  test('When it is loaded with ESPO_URL and CRM_API_KEY set, then config check reports nothing', () => {
    const config = espo();
    expect(config.genericApi?.auth).toEqual({
      method: 'header',
      headers: { 'X-Api-Key': ESPO_KEY },
    });
  });

  test('When a new caller rings, then the contact, the Case, the Stream notes and the attachments are sent in EspoCRM shapes', async () => {
    const note = ids('note');
    const attachment = ids('att');
    routes['GET /api/v1/Contact'] = () => [200, { total: 0, list: [] }];
    routes['POST /api/v1/Contact'] = () => [200, { id: 'c-1', name: 'James Bond' }];
    routes['GET /api/v1/Case'] = () => [200, { total: 0, list: [] }];
    routes['POST /api/v1/Case'] = () => [200, { id: 'case-1', name: 'Call 6868 (Order info)' }];
    routes['PUT /api/v1/Case/case-1'] = () => [200, { id: 'case-1' }];
    routes['POST /api/v1/Note'] = () => [200, { id: note(), type: 'Post' }];
    // A stock EspoCRM would answer 400 "Bad file contents." here: it wants the file as a data:
    // URI, which the engine cannot write (see the example's comments). The double accepts it.
    routes['POST /api/v1/Attachment'] = () => [200, { id: attachment(), name: 'x' }];

    const { result } = await run(espo(), 'full', callInput());

    const download = (id: string) => `${double.origin}/?entryPoint=download&id=${id}`;
    expect(result).toEqual({
      accountId: 'c-1',
      recordId: 'case-1',
      comments: 6,
      uploads: [
        {
          kind: 'call_recordings',
          filename: 'recording-6868.mp3',
          id: 'att-1',
          url: download('att-1'),
        },
        {
          kind: 'session_metadata',
          filename: 'call-6868.json',
          id: 'att-2',
          url: download('att-2'),
        },
      ],
    });
    const streamPost = (post: string) =>
      espoCrm.json('POST', '/api/v1/Note', {
        type: 'Post',
        parentType: 'Case',
        parentId: 'case-1',
        post,
      });
    const upload = (name: string, data: Buffer) =>
      espoCrm.json('POST', '/api/v1/Attachment', {
        name,
        role: 'Attachment',
        parentType: 'Case',
        parentId: 'case-1',
        field: 'attachments',
        file: data.toString('base64'),
      });
    expect(await seen('X-Api-Key')).toEqual([
      espoCrm.get('/api/v1/Contact', contactSearch('+12223334444')),
      espoCrm.json('POST', '/api/v1/Contact', {
        firstName: 'James',
        lastName: 'Bond',
        phoneNumber: '+12223334444',
        emailAddress: 'james.bond@agents.example',
      }),
      espoCrm.get('/api/v1/Case', openCases('c-1')),
      espoCrm.json('POST', '/api/v1/Case', {
        name: 'Call 6868 (Order info)',
        description: 'Asked where order 1234 is; shipped today.',
        contactId: 'c-1',
        status: 'New',
        priority: 'Normal',
      }),
      streamPost(CALL_START),
      espoCrm.json('PUT', '/api/v1/Case/case-1', {
        name: 'Call 6868 (Order info)',
        description: 'Asked where order 1234 is; shipped today.',
      }),
      streamPost(CALL_CUSTOM_DATA),
      streamPost(CALL_END),
      streamPost(CALL_CSAT),
      upload('recording-6868.mp3', RECORDING),
      streamPost(`File uploaded: recording-6868.mp3 (call_recordings)\n${download('att-1')}`),
      upload('call-6868.json', CALL_METADATA),
      streamPost(`File uploaded: call-6868.json (session_metadata)\n${download('att-2')}`),
    ]);
    // The where[...] names travel percent-encoded, as PHP expects them.
    expect(double.received[0]?.target).toBe(
      '/api/v1/Contact?where%5B0%5D%5Btype%5D=equals&where%5B0%5D%5Battribute%5D=phoneNumber' +
        '&where%5B0%5D%5Bvalue%5D=%2B12223334444&select=id%2Cname&maxSize=1',
    );
  });

  test('When the contact id the platform remembers is gone (404), then the phone search finds the contact and its open Case is reused', async () => {
    routes['GET /api/v1/Contact/c-stale'] = () => [404, { message: 'Not Found' }];
    routes['GET /api/v1/Contact'] = () => [200, { total: 1, list: [{ id: 'c-7', name: 'J B' }] }];
    routes['GET /api/v1/Case'] = () => [200, { total: 1, list: [{ id: 'case-3', status: 'New' }] }];

    const input = sessionInput({
      session: CALL,
      variables: { ...CALL_VARIABLES, ACCOUNT_ID: 'c-stale' },
    });
    const { result } = await run(espo(), 'record', input);

    expect(result).toMatchObject({ accountId: 'c-7', recordId: 'case-3' });
    expect(await seen('X-Api-Key')).toEqual([
      espoCrm.get('/api/v1/Contact/c-stale'),
      espoCrm.get('/api/v1/Contact', contactSearch('+12223334444')),
      espoCrm.get('/api/v1/Case', openCases('c-7')),
    ]);
  });

  test('When the full flow is a dry run, then EspoCRM receives nothing and every request is reported', async () => {
    const { result, events } = await run(espo(), 'full', callInput(), true);

    expect(double.received).toEqual([]);
    expect(result).toMatchObject({
      accountId: 'dry-run-account-id',
      recordId: 'dry-run-record-id',
      comments: 6,
    });
    expect(plannedRequests(events)).toEqual([
      'GET /api/v1/Contact?where%5B0%5D%5Btype%5D=equals&where%5B0%5D%5Battribute%5D=phoneNumber&where%5B0%5D%5Bvalue%5D=%2B12223334444&select=id%2Cname&maxSize=1',
      'POST /api/v1/Contact',
      expect.stringMatching(/^GET \/api\/v1\/Case\?.*dry-run-account-id/),
      'POST /api/v1/Case',
      'POST /api/v1/Note',
      'PUT /api/v1/Case/dry-run-record-id',
      'POST /api/v1/Note',
      'POST /api/v1/Note',
      'POST /api/v1/Note',
      'POST /api/v1/Attachment',
      'POST /api/v1/Note',
      'POST /api/v1/Attachment',
      'POST /api/v1/Note',
    ]);
  });
});

// --- Zoho CRM --------------------------------------------------------------------------------

describe('examples/generic-api/zoho-criteria.yaml', () => {
  const zohoCrm = expectedRequests('Bearer zoho-access-1');
  const zoho = () =>
    loadExample('zoho-criteria.yaml', {
      ZOHO_ACCOUNTS_URL: double.origin,
      ZOHO_API_URL: double.origin,
      ZOHO_ORG_ID: '600123',
      ZOHO_CLIENT_ID: '1000.CLIENT',
      ZOHO_CLIENT_SECRET: 'zoho+secret/1',
    });
  /** Zoho's answer to a create, an update, a note or an attachment. */
  const created = (id: string) => ({
    data: [{ code: 'SUCCESS', details: { id }, message: 'record added', status: 'success' }],
  });
  const tokenIssuer = () => {
    let issued = 0;
    return (): [number, unknown] => [
      200,
      {
        access_token: `zoho-access-${++issued}`,
        scope: 'ZohoCRM.modules.ALL',
        api_domain: double.origin,
        token_type: 'Bearer',
        expires_in: 3600,
      },
    ];
  };

  test('When it is loaded, then the token URL carries soid and the grant is client_credentials', () => {
    expect(zoho().genericApi?.auth).toMatchObject({
      method: 'oauth2',
      tokenUrl: `${double.origin}/oauth/v2/token?soid=ZohoCRM.600123`,
      grant: 'client_credentials',
      clientAuth: 'body',
    });
  });

  test('When a new caller rings, then one token is fetched, the searches use criteria and Zoho gets {"data": [...]} bodies', async () => {
    const note = ids('note');
    routes['POST /oauth/v2/token'] = tokenIssuer();
    routes['GET /crm/v2/Contacts/search'] = () => [204];
    routes['POST /crm/v2/Contacts'] = () => [201, created('4150868000000624001')];
    routes['GET /crm/v2/Cases/search'] = () => [204];
    routes['POST /crm/v2/Cases'] = () => [201, created('4150868000000777001')];
    routes['PUT /crm/v2/Cases/4150868000000777001'] = () => [200, created('4150868000000777001')];
    routes['POST /crm/v2/Cases/4150868000000777001/Notes'] = () => [201, created(note())];
    routes['POST /crm/v2/Cases/4150868000000777001/Attachments'] = () => [
      200,
      created('4150868000000990001'),
    ];

    const { result } = await run(zoho(), 'full', callInput());

    const CASE = '/crm/v2/Cases/4150868000000777001';
    const attachmentUrl = `${double.origin}${CASE}/Attachments/4150868000000990001`;
    expect(result).toEqual({
      accountId: '4150868000000624001',
      recordId: '4150868000000777001',
      comments: 5,
      // Only call_recordings of the session's files is a selected kind.
      uploads: [
        {
          kind: 'call_recordings',
          filename: 'recording-6868.mp3',
          id: '4150868000000990001',
          url: attachmentUrl,
        },
      ],
    });
    const zohoNote = (content: string) =>
      zohoCrm.json('POST', `${CASE}/Notes`, {
        data: [{ Note_Title: 'CCAI Platform', Note_Content: content }],
      });
    const requests = await seen('Authorization');
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/oauth/v2/token',
        query: { soid: 'ZohoCRM.600123' },
        auth: undefined, // clientAuth: body puts the client credentials in the form
        contentType: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials&scope=ZohoCRM.modules.ALL&client_id=1000.CLIENT&client_secret=zoho%2Bsecret%2F1',
      },
      zohoCrm.get('/crm/v2/Contacts/search', {
        criteria: '(Phone:equals:+12223334444) or (Email:equals:james.bond@agents.example)',
        per_page: '1',
      }),
      zohoCrm.json('POST', '/crm/v2/Contacts', {
        data: [
          {
            First_Name: 'James',
            Last_Name: 'Bond',
            Phone: '+12223334444',
            Email: 'james.bond@agents.example',
          },
        ],
      }),
      zohoCrm.get('/crm/v2/Cases/search', {
        criteria: '(Related_To:equals:4150868000000624001) and (Status:not_equal:Closed)',
        per_page: '1',
      }),
      zohoCrm.json('POST', '/crm/v2/Cases', {
        data: [
          {
            Subject: 'Call 6868 (Order info)',
            Description: 'Asked where order 1234 is; shipped today.',
            Related_To: '4150868000000624001',
            Status: 'New',
            Phone: '+12223334444',
            Email: 'james.bond@agents.example',
          },
        ],
      }),
      zohoNote(CALL_START),
      zohoCrm.json('PUT', CASE, {
        data: [
          {
            Subject: 'Call 6868 (Order info)',
            Description: 'Asked where order 1234 is; shipped today.',
          },
        ],
      }),
      zohoNote(CALL_CUSTOM_DATA),
      zohoNote(CALL_END),
      zohoNote(CALL_CSAT),
      zohoCrm.multipart('POST', `${CASE}/Attachments`, [
        {
          name: 'file',
          filename: 'recording-6868.mp3',
          type: 'audio/mpeg',
          data: RECORDING.toString('base64'),
        },
      ]),
      zohoNote(`File uploaded: recording-6868.mp3 (call_recordings)\n${attachmentUrl}`),
    ]);
  });

  test('When the caller left no email, then CONCAT_OR keeps the phone argument alone and an open Case is reused', async () => {
    routes['POST /oauth/v2/token'] = tokenIssuer();
    routes['GET /crm/v2/Contacts/search'] = () => [
      200,
      { data: [{ id: '4150868000000624001', Last_Name: 'Bond' }], info: { count: 1 } },
    ];
    routes['GET /crm/v2/Cases/search'] = () => [
      200,
      { data: [{ id: '4150868000000777123', Status: 'On Hold' }], info: { count: 1 } },
    ];

    const input = sessionInput({ session: CALL, variables: { EMAIL: null } });
    const { result } = await run(zoho(), 'record', input);

    expect(result).toMatchObject({
      accountId: '4150868000000624001',
      recordId: '4150868000000777123',
    });
    const requests = await seen('Authorization');
    expect(requests.map((r) => [r.path, r.query.criteria])).toEqual([
      ['/oauth/v2/token', undefined],
      ['/crm/v2/Contacts/search', '(Phone:equals:+12223334444)'],
      [
        '/crm/v2/Cases/search',
        '(Related_To:equals:4150868000000624001) and (Status:not_equal:Closed)',
      ],
    ]);
  });

  test('When the full flow is a dry run, then neither the token URL nor Zoho receives anything', async () => {
    routes['POST /oauth/v2/token'] = tokenIssuer();
    const { result, events } = await run(zoho(), 'full', callInput(), true);

    expect(double.received).toEqual([]);
    expect(result).toMatchObject({ accountId: 'dry-run-account-id', comments: 5 });
    expect(plannedRequests(events)).toEqual([
      'GET /crm/v2/Contacts/search?criteria=(Phone%3Aequals%3A%2B12223334444)%20or%20(Email%3Aequals%3Ajames.bond%40agents.example)&per_page=1',
      'POST /crm/v2/Contacts',
      'GET /crm/v2/Cases/search?criteria=(Related_To%3Aequals%3Adry-run-account-id)%20and%20(Status%3Anot_equal%3AClosed)&per_page=1',
      'POST /crm/v2/Cases',
      'POST /crm/v2/Cases/dry-run-record-id/Notes',
      'PUT /crm/v2/Cases/dry-run-record-id',
      'POST /crm/v2/Cases/dry-run-record-id/Notes',
      'POST /crm/v2/Cases/dry-run-record-id/Notes',
      'POST /crm/v2/Cases/dry-run-record-id/Notes',
      'POST /crm/v2/Cases/dry-run-record-id/Attachments',
      'POST /crm/v2/Cases/dry-run-record-id/Notes',
    ]);
  });
});

// --- Container-array helpdesk ----------------------------------------------------------------

describe('examples/generic-api/container-array.yaml', () => {
  const helpdeskCrm = expectedRequests(
    `Basic ${Buffer.from('ccaip-bridge:hd-pass').toString('base64')}`,
  );
  const helpdesk = () =>
    loadExample('container-array.yaml', {
      HELPDESK_URL: double.origin,
      HELPDESK_USER: 'ccaip-bridge',
      HELPDESK_PASSWORD: 'hd-pass',
    });

  /** A finished web chat: transferred once, rated, with a disposition and a transcript. */
  const CHAT = {
    id: 2718,
    lang: 'en',
    chat_type: 'Web',
    status: 'finished',
    created_at: '2026-11-22T10:00:00.000Z',
    ends_at: '2026-11-22T10:12:46.000Z',
    wait_duration: 12,
    chat_duration: 754,
    message_count: 18,
    rating: 4,
    feedback: 'Sorted, but slow "at first"',
    disconnected_by: 'agent',
    end_user: {
      id: 5150,
      identifier: 'vesper',
      name: 'Vesper Lynd',
      email: 'vesper@treasury.example',
      phone_number: '4155550134',
    },
    agent_info: { id: 9, name: 'Bill Tanner', email: 'tanner@helpdesk.example.com' },
    menu_path: { name: 'Billing/Refunds', materialized_path: '3/31' },
    selected_menu: { id: 31, name: 'Refunds', parent_id: 3 },
    transfers: [
      {
        from_agent: { name: 'Ana Ortiz' },
        to_agent: { name: 'Bill Tanner' },
        reason: 'refund approval',
      },
    ],
    disposition_code: 'refund-issued',
    disposition_notes: 'Refund of $40 <approved>',
    custom_data: { plan: { value: 'gold', label: 'Plan' } },
    transcript: {
      entries: [
        {
          timestamp: '2026-11-22T10:00:20.000Z',
          role: 'end_user',
          body: { type: 'text', text: 'I was charged twice' },
          user_data: { name: 'Vesper Lynd' },
        },
      ],
    },
  };
  const TRANSCRIPT = Buffer.from('[10:00:20] Vesper Lynd: I was charged twice\n');
  const CHAT_METADATA = Buffer.from(JSON.stringify({ id: 2718, status: 'finished' }));
  const chatInput = () =>
    sessionInput({
      session: CHAT,
      variables: { TICKET_DESCRIPTION: 'Refund for a double charge on invoice 5521.' },
      files: [
        { kind: 'chat_transcripts', name: 'chat-2718.txt', data: TRANSCRIPT },
        { kind: 'session_metadata', name: 'chat-2718.json', data: CHAT_METADATA },
      ],
    });

  test('When a chat from a new customer finishes, then map and array containers, form-encoded notes and multipart files are sent', async () => {
    const note = ids('n');
    const attachment = ids('a');
    routes['GET /api/customers'] = () => [200, { customers: [], meta: { total: 0 } }];
    routes['POST /api/customers'] = () => [201, { customer: { customer_id: 'cus_88' } }];
    routes['GET /api/tickets'] = () => [200, { tickets: [], meta: { total: 0 } }];
    routes['POST /api/tickets/bulk'] = () => [201, { tickets: [{ ticket_id: 9001 }] }];
    routes['PATCH /api/tickets/9001'] = () => [200, { ticket: { ticket_id: 9001 } }];
    routes['POST /legacy/tickets/9001/notes'] = () => [201, { note: { id: note() } }];
    routes['POST /api/tickets/9001/attachments'] = () => {
      const id = attachment();
      return [201, { attachment: { id, download_url: `${double.origin}/files/${id}` } }];
    };

    const { result } = await run(helpdesk(), 'full', chatInput());

    expect(result).toEqual({
      accountId: 'cus_88',
      recordId: '9001',
      comments: 7,
      uploads: [
        {
          kind: 'chat_transcripts',
          filename: 'chat-2718.txt',
          id: 'a-1',
          url: `${double.origin}/files/a-1`,
        },
        {
          kind: 'session_metadata',
          filename: 'chat-2718.json',
          id: 'a-2',
          url: `${double.origin}/files/a-2`,
        },
      ],
    });
    // convertToHtml: line breaks become <br>, markup and quotes are escaped.
    const legacyNote = (html: string) =>
      helpdeskCrm.form('POST', '/legacy/tickets/9001/notes', [
        ['note[body]', html],
        ['note[author]', 'tanner@helpdesk.example.com'],
        ['note[private]', 'true'],
      ]);
    const upload = (kind: string, filename: string, type: string, data: Buffer) =>
      helpdeskCrm.multipart('POST', '/api/tickets/9001/attachments', [
        { name: 'kind', value: kind },
        { name: 'file', filename, type, data: data.toString('base64') },
      ]);
    expect(await seen('Authorization')).toEqual([
      helpdeskCrm.get('/api/customers', {
        phone: '*415*555*0134',
        email: 'vesper@treasury.example',
        per_page: '1',
      }),
      helpdeskCrm.json('POST', '/api/customers', {
        customer: {
          name: 'Vesper Lynd',
          phone: '+1 415 555 0134',
          email: 'vesper@treasury.example',
          external_id: '5150',
        },
      }),
      helpdeskCrm.get('/api/tickets', {
        customer_id: 'cus_88',
        status: 'new,open,pending',
        queue: 'Billing/Refunds',
        sort: '-created_at',
        per_page: '1',
      }),
      helpdeskCrm.json('POST', '/api/tickets/bulk', {
        tickets: [
          {
            customer_id: 'cus_88',
            subject: 'Chat 2718 (Refunds)',
            description: 'Refund for a double charge on invoice 5521.',
            channel: 'chat',
            queue: 'Billing/Refunds',
            session_id: '2718',
            assignee: 'tanner@helpdesk.example.com',
          },
        ],
      }),
      legacyNote('Chat 2718 started<br>Queue: Billing/Refunds<br>Type: Web<br>Agent: Bill Tanner'),
      helpdeskCrm.json('PATCH', '/api/tickets/9001', {
        ticket: {
          subject: 'Chat 2718 (Refunds)',
          description: 'Refund for a double charge on invoice 5521.',
          status: 'solved', // finished, through crm.yaml's fromSessionStatus
          rating: '4',
          feedback: 'Sorted, but slow "at first"',
          handle_time: '12:34',
        },
      }),
      legacyNote('Transferred from Ana Ortiz to Bill Tanner<br>Reason: refund approval'),
      legacyNote(
        'Chat 2718 finished<br>Duration: 12:34<br>Wait: 00:12<br>Agent: Bill Tanner<br>Disconnected by: agent<br>Messages: 18',
      ),
      legacyNote('CSAT rating: 4/5<br>Feedback: Sorted, but slow &quot;at first&quot;'),
      legacyNote('Disposition: refund-issued<br>Notes: Refund of $40 &lt;approved&gt;'),
      upload('chat_transcripts', 'chat-2718.txt', 'text/plain', TRANSCRIPT),
      legacyNote(`File uploaded: chat-2718.txt (chat_transcripts)<br>${double.origin}/files/a-1`),
      upload('session_metadata', 'chat-2718.json', 'application/json', CHAT_METADATA),
      legacyNote(`File uploaded: chat-2718.json (session_metadata)<br>${double.origin}/files/a-2`),
    ]);
    // The form body as a Rails or PHP app parses it: note[...] nested, %20 for spaces.
    const firstNote = double.received[4]!.body.toString('utf8');
    expect(firstNote).toBe(
      'note%5Bbody%5D=Chat%202718%20started%3Cbr%3EQueue%3A%20Billing%2FRefunds%3Cbr%3EType%3A%20Web%3Cbr%3EAgent%3A%20Bill%20Tanner' +
        '&note%5Bauthor%5D=tanner%40helpdesk.example.com&note%5Bprivate%5D=true',
    );
  });

  test('When the customer is known by id and has an open ticket in the queue, then both are reused and nothing is created', async () => {
    routes['GET /api/customers/cus_88'] = () => [200, { customer: { customer_id: 'cus_88' } }];
    routes['GET /api/tickets'] = () => [200, { tickets: [{ ticket_id: 8990, status: 'open' }] }];

    const input = sessionInput({ session: CHAT, variables: { ACCOUNT_ID: 'cus_88' } });
    const { result } = await run(helpdesk(), 'record', input);

    expect(result).toMatchObject({ accountId: 'cus_88', recordId: '8990' });
    expect((await seen('Authorization')).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/customers/cus_88',
      'GET /api/tickets',
    ]);
  });

  test('When the full flow is a dry run, then the helpdesk receives nothing and every request is reported', async () => {
    const { result, events } = await run(helpdesk(), 'full', chatInput(), true);

    expect(double.received).toEqual([]);
    expect(result).toMatchObject({ accountId: 'dry-run-account-id', comments: 7 });
    expect(plannedRequests(events)).toEqual([
      'GET /api/customers?phone=*415*555*0134&email=vesper%40treasury.example&per_page=1',
      'POST /api/customers',
      'GET /api/tickets?customer_id=dry-run-account-id&status=new%2Copen%2Cpending&queue=Billing%2FRefunds&sort=-created_at&per_page=1',
      'POST /api/tickets/bulk',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'PATCH /api/tickets/dry-run-record-id',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'POST /api/tickets/dry-run-record-id/attachments',
      'POST /legacy/tickets/dry-run-record-id/notes',
      'POST /api/tickets/dry-run-record-id/attachments',
      'POST /legacy/tickets/dry-run-record-id/notes',
    ]);
  });
});

// --- Puzzel eTask ----------------------------------------------------------------------------

describe('examples/generic-api/puzzel-etask.yaml', () => {
  const puzzelApi = expectedRequests('Bearer puzzel-token-1');
  const puzzel = () =>
    loadExample('puzzel-etask.yaml', {
      PUZZEL_URL: `${double.origin}/ContactCentre5`,
      PUZZEL_CUSTOMER_NUMBER: '12345',
      PUZZEL_ACCESS_POINT: 'etask@12345.puzzel.example',
      PUZZEL_ACCESS_TOKEN: 'puzzel-token-1',
    });
  const answerPuzzel = () => {
    routes['GET /ContactCentre5/accesstokeninformation'] = () => [
      200,
      {
        result: { customerKey: '12345', customerId: 5, userId: 42, languageCode: 'EN' },
        code: 0,
        id: '',
        message: '',
      },
    ];
    routes['POST /ContactCentre5/12345/requests'] = () => [
      200,
      { result: 987654, code: 0, message: 'Request added' },
    ];
    routes['POST /ContactCentre5/customers/12345/requests/987654/update'] = () => [
      200,
      { result: 987654, code: 0, message: 'Request updated' },
    ];
  };
  /** The JSON document inside the `data` string of a RequestAdd body. */
  const dataOf = (r: Received | undefined): unknown =>
    JSON.parse((JSON.parse(r?.body.toString('utf8') ?? '') as { data: string }).data);

  test('When a call finishes, then Puzzel gets a RequestAdd whose data is a JSON string, then a RequestUpdate', async () => {
    answerPuzzel();

    const { result } = await run(puzzel(), 'full', callInput([]));

    expect(result).toEqual({ accountId: '12345', recordId: '987654', comments: 0, uploads: [] });
    expect(await seen('Authorization')).toEqual([
      puzzelApi.get('/ContactCentre5/accesstokeninformation'),
      puzzelApi.raw(
        'POST',
        '/ContactCentre5/12345/requests',
        'application/json',
        '{"data":"{\\"From\\":\\"ccaip@example.com\\",\\"To\\":\\"etask@12345.puzzel.example\\",' +
          '\\"Subject\\":\\"CCAI Platform voice_call 6868\\",' +
          '\\"Uri\\":\\"https://crm.example.com/ccaip/sessions/6868\\",\\"VipScore\\":100}",' +
          '"type":"mail","version":"1.0"}',
      ),
      puzzelApi.json('POST', '/ContactCentre5/customers/12345/requests/987654/update', {
        additionalInfoSubject: 'Call 6868 (Order info)',
        additionalInfoUri: 'https://crm.example.com/ccaip/sessions/6868',
      }),
    ]);
    expect(dataOf(double.received[1])).toEqual({
      From: 'ccaip@example.com',
      To: 'etask@12345.puzzel.example',
      Subject: 'CCAI Platform voice_call 6868',
      Uri: 'https://crm.example.com/ccaip/sessions/6868',
      VipScore: 100,
    });
  });

  test("When the caller's name and queue hold quotes and a backslash, then data is still valid JSON and the update carries them escaped", async () => {
    answerPuzzel();
    const session = {
      ...CALL,
      end_user: { ...CALL.end_user, name: 'James "007" Bond' },
      selected_menu: { id: 12, name: 'Orders "VIP"\\urgent', parent_id: 1 },
    };
    const input = sessionInput({ session, variables: CALL_VARIABLES });

    await run(puzzel(), 'update', input);

    expect(dataOf(double.received[1])).toEqual({
      From: 'ccaip@example.com',
      To: 'etask@12345.puzzel.example',
      Subject: 'CCAI Platform voice_call 6868',
      Uri: 'https://crm.example.com/ccaip/sessions/6868',
      VipScore: 100,
    });
    expect(JSON.parse(double.received[2]!.body.toString('utf8'))).toEqual({
      additionalInfoSubject: 'Call 6868 (Orders "VIP"\\urgent)',
      additionalInfoUri: 'https://crm.example.com/ccaip/sessions/6868',
    });
  });

  test('When the full flow is a dry run, then Puzzel receives nothing and its requests are reported', async () => {
    const { result, events } = await run(puzzel(), 'full', callInput([]), true);

    expect(double.received).toEqual([]);
    expect(result).toEqual({
      accountId: 'dry-run-account-id',
      recordId: 'dry-run-record-id',
      comments: 0,
      uploads: [],
    });
    expect(plannedRequests(events)).toEqual([
      'GET /ContactCentre5/accesstokeninformation',
      'GET /ContactCentre5/accesstokeninformation', // createAccount: the same read, nothing created
      'POST /ContactCentre5/12345/requests',
      'POST /ContactCentre5/customers/12345/requests/dry-run-record-id/update',
    ]);
  });
});

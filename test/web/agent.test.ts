import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { newBrowser, signIn, visibleText } from './web-helpers';

const ADAPTER_URL = 'https://tenant.loc.ccaiplatform.com/agent/';
const NEW_CALL = {
  event: 'New_Call',
  data: {
    agent_id: 1,
    agent_email: 'james.bond@agents.co',
    queue_path: 'Developers / James',
    call_id: 6868,
    session_type: 'Voice Inbound',
  },
};

let t: TestApp;
let browser: supertest.Agent;
let csrf: string;

const csrfOfPage = (html: string): string => {
  const token = /data-csrf='([^']+)'/.exec(html)?.[1];
  if (token === undefined) throw new Error(`no data-csrf in:\n${html.slice(0, 2000)}`);
  return token;
};

/** The adapter iframe's src, HTML entities decoded as a browser would. */
const adapterSrc = (html: string): string | undefined =>
  /<iframe\s+name='adapter'[^>]*\ssrc='([^']*)'/
    .exec(html)?.[1]
    ?.replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');

beforeAll(async () => {
  t = await startTestApp((config) => ({
    ...config,
    server: {
      ...config.server,
      web: { ...config.server.web, agentAdapter: { url: ADAPTER_URL } },
    },
  }));
  browser = await signIn(t);
  csrf = csrfOfPage((await browser.get('/agent')).text);
});
afterAll(() => t.close());

describe('GET /agent', () => {
  test('When nobody is signed in, then the page sends them to sign in', async () => {
    const res = await newBrowser(t).get('/agent?type=call');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/agent?type=call')}`);
  });

  test.each([
    ['call', 'Call Adapter', "width='290'"],
    ['chat', 'Chat Adapter', "width='450'"],
  ])(
    'When type=%s, then the page frames that adapter with from=custom',
    async (type, label, size) => {
      const res = await browser.get(`/agent?type=${type}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<h1>Agent: ${label}</h1>`);
      expect(adapterSrc(res.text)).toBe(`${ADAPTER_URL}?type=${type}&from=custom`);
      expect(res.text).toContain("allow='microphone; camera; geolocation'");
      expect(res.text).toContain(size);
      expect(res.text).toContain("data-adapter-origin='https://tenant.loc.ccaiplatform.com'");
      expect(res.text).toMatch(/<iframe\s+name='crm-pane'/);
      expect(res.text).toContain("<script src='/static/agent.js' defer></script>");
    },
  );

  test('When the page is served, then its CSP frames only our origin and the adapter', async () => {
    const res = await browser.get('/agent');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-src 'self' https://tenant.loc.ccaiplatform.com");
    expect(csp).toContain("script-src 'self'");
    expect(csp.match(/frame-src/g)).toHaveLength(1);
    // Other pages keep the strict default.
    const lookup = await browser.get('/lookup');
    expect(String(lookup.headers['content-security-policy'])).not.toContain('frame-src');
  });

  test('When no adapter is configured, then the page says how to configure it', async () => {
    const plain = await startTestApp();
    try {
      const res = await (await signIn(plain)).get('/agent');
      expect(res.status).toBe(200);
      expect(visibleText(res.text)).toContain('No Agent Adapter is configured.');
      expect(res.text).not.toContain('<iframe');
    } finally {
      await plain.close();
    }
  });

  test('When the script is requested, then it is served as a static file', async () => {
    const res = await browser.get('/static/agent.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toContain('e.origin !== adapterOrigin');
  });
});

describe('/agent/events', () => {
  test('When an event is posted without the CSRF token, then it is refused and not kept', async () => {
    const res = await browser
      .post('/agent/events')
      .send({ event: 'New_Call', data: { call_id: 1 } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    const list = await browser.get('/agent/events?session=call-1');
    expect(list.body.data).toEqual([]);
  });

  test('When nobody is signed in, then posting is refused', async () => {
    const res = await newBrowser(t)
      .post('/agent/events')
      .set('X-CSRF-Token', csrf)
      .send({ event: 'New_Call', data: { call_id: 1 } });
    expect(res.status).toBe(401);
  });

  test('When the adapter events are posted, then they are kept on their session and listed', async () => {
    const post = (body: object) =>
      browser.post('/agent/events').set('X-CSRF-Token', csrf).send(body);
    const created = await post(NEW_CALL);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      event: 'New_Call',
      session: 'call-6868',
      staff: 'admin',
      data: NEW_CALL.data,
    });
    expect((await post({ event: 'End_Call', data: { call_id: '6868' } })).status).toBe(201);
    expect((await post({ event: 'New_Chat', data: { chat_id: 73522 } })).status).toBe(201);
    // Unknown names are kept; keys that are no valid field names too.
    const odd = await post({ event: 'Agent_Status', data: { 'a.b': 1, $where: 'x' } });
    expect(odd.status).toBe(201);
    expect(odd.body.data).toMatchObject({ session: null, data: { 'a.b': 1, $where: 'x' } });

    const list = await browser.get('/agent/events?session=call-6868');
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { event: string }) => e.event)).toEqual(['New_Call', 'End_Call']);
    const chat = await browser.get('/agent/events?session=chat-73522');
    expect(chat.body.data).toHaveLength(1);
    expect(await t.store.collection('agent_events').count()).toBe(4);
  });

  test.each([
    ['has no event name', 422, { data: { call_id: 1 } }],
    ['names an event like markup', 422, { event: '<script>', data: {} }],
    ['has a name over 64 characters', 422, { event: 'x'.repeat(65) }],
    ['has data that is no object', 422, { event: 'New_Call', data: [1] }],
    ['is over 64 kB', 413, { event: 'New_Call', data: { blob: 'x'.repeat(70_000) } }],
  ])('When the body %s, then it is refused with %i', async (_what, status, body) => {
    const res = await browser.post('/agent/events').set('X-CSRF-Token', csrf).send(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toBeDefined();
  });

  test('When the session is not a session key, then the list is refused', async () => {
    const res = await browser.get('/agent/events?session=%24ne');
    expect(res.status).toBe(400);
  });
});

import express, { type ErrorRequestHandler, type Request, Router } from 'express';
import type { EventSink } from '../actions/events';
import { AppError, unprocessable } from '../shared/errors/app-error';
import { toAppError } from '../shared/http/error-handler';
import { newId } from '../shared/ids';
import type { Store, StoredDocument } from '../shared/store/store-port';
import type { ShowPage } from './page';
import { requireStaff, verifyCsrf } from './staff-auth';

export const AGENT_PATH = '/agent';
export const AGENT_EVENTS_PATH = '/agent/events';
export const AGENT_EVENTS_COLLECTION = 'agent_events';

/** The events the adapters post (reference: "Events in Agent Adapters"); others are kept too. */
export { ADAPTER_EVENTS as KNOWN_AGENT_EVENTS } from '../actions/events';

const EVENT_NAME = /^[A-Za-z][\w -]{0,63}$/;
/** A call or chat id as it goes into the session key (`call-6868`). */
const SESSION_ID = /^[\w-]{1,64}$/;
const SESSION_KEY = /^(call|chat)-[\w-]{1,64}$/;
const MAX_LISTED = 200;

/** The reference's adapter sizes ("iFrame template"). */
const ADAPTERS = {
  call: { label: 'Call Adapter', width: 290, height: 600 },
  chat: { label: 'Chat Adapter', width: 450, height: 590 },
} as const;
type AdapterType = keyof typeof ADAPTERS;

export interface AgentEventDoc extends StoredDocument {
  event: string;
  /** `call-6868` / `chat-73522`, as sessionKey names sessions; null when the data has no id. */
  session: string | null;
  /** The event's data as JSON: its keys are the adapter's, and may not be valid field names. */
  data: string;
  staff: string;
  receivedAt: string;
}

export interface AgentRoutesOptions {
  /** `web.agentAdapter.url`; without it the page explains how to configure it. */
  adapterUrl: string | undefined;
  store: Store;
  show: ShowPage;
  /** Told each event once it is kept (event actions). */
  events?: EventSink;
}

const json = express.json({ limit: '64kb' });

function adapterSrc(url: string, type: AdapterType): string {
  const src = new URL(url);
  src.searchParams.set('type', type);
  src.searchParams.set('from', 'custom');
  return src.href;
}

function sessionOf(data: Record<string, unknown>): string | null {
  for (const kind of ['call', 'chat'] as const) {
    const id = data[`${kind}_id`];
    if ((typeof id === 'string' || typeof id === 'number') && SESSION_ID.test(String(id)))
      return `${kind}-${String(id)}`;
  }
  return null;
}

function readEvent(body: unknown): { event: string; data: Record<string, unknown> } {
  const posted = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { event, data = {} } = posted;
  if (typeof event !== 'string' || !EVENT_NAME.test(event)) {
    throw unprocessable('the event needs a name', [
      { field: 'event', message: 'must be an event name like New_Call (at most 64 characters)' },
    ]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw unprocessable('the event data must be an object', [
      { field: 'data', message: 'must be an object' },
    ]);
  }
  return { event, data: data as Record<string, unknown> };
}

const view = (doc: AgentEventDoc) => ({
  id: doc.id,
  event: doc.event,
  session: doc.session,
  data: JSON.parse(doc.data) as unknown,
  staff: doc.staff,
  receivedAt: doc.receivedAt,
});

/** Errors of the events endpoint as JSON: agent.js reads them, no person does. */
const jsonErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const known = toAppError(err);
  if (!known || res.headersSent) {
    next(err);
    return;
  }
  res.status(known.status).json({
    error: { code: known.code, message: known.message, details: known.details },
  });
};

const staffName = (req: Request): string => req.session.staff?.username ?? '';

/**
 * `/agent`: the platform's Call or Chat Adapter (reference: "Agent Adapters") beside a CRM pane.
 * `templates/static/agent.js` listens to the adapter's events (from its origin only), pops
 * records into the pane and posts the session events to `/agent/events`, kept in `agent_events`.
 */
export function agentRoutes({ adapterUrl, store, show, events: sink }: AgentRoutesOptions): Router {
  const router = Router();
  const events = store.collection<AgentEventDoc>(AGENT_EVENTS_COLLECTION);
  const origin = adapterUrl === undefined ? undefined : new URL(adapterUrl).origin;

  router.get(AGENT_PATH, requireStaff, (req, res) => {
    const type: AdapterType = req.query.type === 'chat' ? 'chat' : 'call';
    const other: AdapterType = type === 'chat' ? 'call' : 'chat';
    if (adapterUrl === undefined || origin === undefined) {
      show(req, res, 'agent', { title: 'Agent' });
      return;
    }
    // The pages' CSP frames only our own origin; this page also frames the adapter's.
    const csp = res.get('Content-Security-Policy');
    if (csp) res.set('Content-Security-Policy', `${csp};frame-src 'self' ${origin}`);
    show(req, res, 'agent', {
      title: `Agent: ${ADAPTERS[type].label}`,
      adapter: { ...ADAPTERS[type], src: adapterSrc(adapterUrl, type), origin },
      other: { href: `${AGENT_PATH}?type=${other}`, label: ADAPTERS[other].label },
    });
  });

  router.post(AGENT_EVENTS_PATH, requireStaff, json, verifyCsrf, async (req, res) => {
    const { event, data } = readEvent(req.body);
    const doc = await events.insert({
      id: newId(),
      event,
      session: sessionOf(data),
      data: JSON.stringify(data),
      staff: staffName(req),
      receivedAt: new Date().toISOString(),
    });
    await sink?.emit({ kind: 'adapter', name: event, id: doc.id, session: doc.session, data });
    res.status(201).json({ data: view(doc) });
  });

  router.get(AGENT_EVENTS_PATH, requireStaff, async (req, res) => {
    const { session } = req.query;
    if (session !== undefined && (typeof session !== 'string' || !SESSION_KEY.test(session))) {
      throw new AppError(400, 'bad_request', 'session must be a key like call-6868 or chat-73522');
    }
    const found = await events.find(
      session === undefined ? undefined : { field: 'session', op: 'eq', value: session },
      { sort: [{ field: 'id', direction: 'desc' }], limit: MAX_LISTED },
    );
    res.set('Cache-Control', 'no-store').json({ data: found.reverse().map(view) });
  });

  router.use(AGENT_EVENTS_PATH, jsonErrors);
  return router;
}

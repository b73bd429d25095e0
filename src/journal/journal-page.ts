import { type RequestHandler, Router } from 'express';
import { AppError } from '../shared/errors/app-error';
import type { Logger } from '../shared/log/logger';
import { pageRenderer } from '../web/page';
import { requireStaff } from '../web/staff-auth';
import { createViewEngine, formatBytes } from '../web/view-engine';
import { webErrorHandler } from '../web/web-errors';
import type { BodySnapshot } from './body-snapshot';
import type { Journal } from './journal';
import type { InboundEntry, OutboundEntry } from './journal-entry';
import { parseJournalQuery } from './journal-query';

export const JOURNAL_PAGE_PATH = '/admin/journal';
/** What the filter form sends; empty fields are no filter. */
const FORM_FIELDS = ['path', 'status', 'from', 'to', 'requestId'] as const;

function bodyView(body: BodySnapshot | undefined) {
  if (body === undefined) return { note: 'none' };
  const size = body.bytes === undefined ? '' : formatBytes(body.bytes);
  if (body.text === undefined) return { note: `${size || 'body'} not kept (binary or upload)` };
  return { text: pretty(body.text, body.truncated), note: body.truncated ? `${size}, cut` : size };
}

function pretty(text: string, truncated: boolean | undefined): string {
  if (truncated) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const queryText = (query: Record<string, unknown>): string => {
  const pairs = Object.entries(query).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
};

const outboundView = (call: OutboundEntry) => ({
  ...call,
  status: call.status ?? 'no response',
  error: call.error ? `${call.error.name}: ${call.error.message}` : '',
  requestHeaders: JSON.stringify(call.request.headers ?? {}, null, 2),
  requestBody: bodyView(call.request.body),
  responseBody: bodyView(call.response.body),
});

const entryView = (entry: InboundEntry) => ({
  ...entry,
  query: queryText(entry.query),
  status: entry.status ?? '',
  requestHeaders: JSON.stringify(entry.request.headers ?? {}, null, 2),
  requestBody: bodyView(entry.request.body),
  responseBody: bodyView(entry.response.body),
  outbound: entry.outbound.map(outboundView),
});

/** The form's values as typed, and the filters they make (or why they make none). */
function readForm(raw: Readonly<Record<string, unknown>>) {
  const given = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => typeof v !== 'string' || v.trim() !== ''),
  );
  const form = Object.fromEntries(FORM_FIELDS.map((f) => [f, String(given[f] ?? '')]));
  try {
    return { form, query: parseJournalQuery(given) };
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return { form, problem: error };
    throw error;
  }
}

function olderHref(form: Record<string, string>, cursor: string): string {
  const params = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ''));
  params.set('cursor', cursor);
  return `${JOURNAL_PAGE_PATH}?${params.toString()}`;
}

export interface JournalPageOptions {
  journal: Journal;
  templatesDir: string;
  logger: Logger;
  /** What the other pages run first: their security headers and the staff session. */
  before: RequestHandler[];
}

/** `/admin/journal`: the journal for staff, filtered by a form, each call expandable. */
export function journalPage(options: JournalPageOptions): Router {
  const { journal, logger } = options;
  const show = pageRenderer(createViewEngine(options.templatesDir));
  const router = Router();
  router.use(JOURNAL_PAGE_PATH, ...options.before);
  router.get(JOURNAL_PAGE_PATH, requireStaff, async (req, res) => {
    const { form, query, problem } = readForm(req.query);
    const page = query ? await journal.list(query) : undefined;
    show(
      req,
      res,
      'journal',
      {
        title: 'Request journal',
        enabled: journal.settings.enabled,
        form,
        entries: page?.entries.map(entryView) ?? [],
        olderHref: page?.nextCursor && olderHref(form, page.nextCursor),
        message: problem?.message,
        problems: problem?.details.map((d) => `${d.field}: ${d.message}`),
      },
      problem ? 400 : 200,
    );
  });
  router.use(JOURNAL_PAGE_PATH, webErrorHandler(show, logger));
  return router;
}

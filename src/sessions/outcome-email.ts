import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { isChatSession } from '../generic-api/session-variables';
import { errorMessage } from '../shared/errors/system-error';
import type { MailAttachment, MailMessage } from '../shared/mail/mail-port';

/** What `templates/outcome-email/*.hbs` can use. */
export interface OutcomeTemplateContext {
  kind: 'call' | 'chat';
  id: string;
  status: string;
  /** The whole session, pretty-printed: the email body the CRM parses. */
  json: string;
  /** The session object itself, for admins who want e.g. `{{session.agent_info.name}}`. */
  session: Record<string, unknown>;
}

export interface OutcomeTemplates {
  subject(context: OutcomeTemplateContext): string;
  text(context: OutcomeTemplateContext): string;
}

/** Lets an ingesting mailbox (ours included) recognise an outcome email and its session. */
export const SESSION_HEADER = 'X-Crm-Bridge-Session';

/**
 * The email for one finished session: subject and body from the admin's templates, the body
 * being the session metadata as JSON (reference/002), and for a chat with a transcript the
 * `chat-{id}.txt` attachment the platform itself would name so.
 */
export function composeOutcomeEmail(
  session: Record<string, unknown>,
  options: { from: string; to: string; templates: OutcomeTemplates },
): MailMessage {
  const context = templateContext(session);
  const key = `${context.kind}-${context.id}`;
  const transcript = context.kind === 'chat' ? transcriptText(session) : undefined;
  const attachments: MailAttachment[] =
    transcript === undefined
      ? []
      : [
          {
            filename: `${key}.txt`,
            content: Buffer.from(transcript, 'utf8'),
            contentType: 'text/plain; charset=utf-8',
          },
        ];
  return {
    from: options.from,
    to: options.to,
    // A header is one line: an edited template's line breaks (or its final newline) must not
    // end up in the Subject.
    subject: options.templates.subject(context).replace(/\s+/g, ' ').trim(),
    text: options.templates.text(context),
    ...(attachments.length > 0 && { attachments }),
    headers: { [SESSION_HEADER]: key },
  };
}

function templateContext(session: Record<string, unknown>): OutcomeTemplateContext {
  const { id } = session;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new Error('an outcome email needs the session id (string or number)');
  }
  return {
    kind: sessionKind(session),
    id: String(id),
    status: typeof session.status === 'string' ? session.status : '',
    json: JSON.stringify(session, null, 2),
    session,
  };
}

const sessionKind = (session: Record<string, unknown>): 'call' | 'chat' =>
  isChatSession(session) ? 'chat' : 'call';

/**
 * `chat-{id}.txt`: one line per transcript entry, `[time] role name: text`, in the order the
 * platform sent them. Undefined when the chat has no entries (nothing worth attaching).
 */
export function transcriptText(session: Record<string, unknown>): string | undefined {
  const { entries } = asRecord(session.transcript);
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  return entries.map((entry) => transcriptLine(asRecord(entry))).join('\n') + '\n';
}

/** Body types whose text is the message itself; any other (photo, video, ...) shows its type. */
const TEXT_BODIES = new Set(['text', 'markdown']);

function transcriptLine(entry: Record<string, unknown>): string {
  const body = asRecord(entry.body);
  const type = text(body.type) || 'text';
  const message = TEXT_BODIES.has(type)
    ? text(body.text)
    : [`[${type}]`, text(body.text)].filter(Boolean).join(' ');
  const who = [text(entry.role) || 'unknown', text(asRecord(entry.user_data).name)]
    .filter(Boolean)
    .join(' ');
  // Later lines of a multi-line message are indented so that every entry starts with "[".
  const lines = `[${formatTime(entry.timestamp)}] ${who}: ${message}`.split(/\r?\n/);
  return lines.join('\n  ');
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** `2024-05-01 10:15:03 UTC`; epoch numbers in seconds or milliseconds; anything else as is. */
function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  // Only ISO-looking strings are parsed: Date() reads "5" as May 2001.
  const date =
    typeof value === 'number'
      ? new Date(value < 1e11 ? value * 1000 : value)
      : typeof value === 'string' && ISO_DATE_TIME.test(value)
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/*
 * One isolated instance: helpers or partials registered for the web pages do not leak in.
 * noEscape because these templates produce a Subject header and a text/plain body, not HTML:
 * escaping would turn every quote of the JSON body into &quot; and break the CRM's parser.
 * knownHelpersOnly turns a typo such as `{{jsn x}}` into a load-time error, not a failed send.
 */
const handlebars = Handlebars.create();
const COMPILE_OPTIONS = { noEscape: true, knownHelpersOnly: true } as const;

const SAMPLE: OutcomeTemplateContext = {
  kind: 'chat',
  id: '0',
  status: 'finished',
  json: '{}',
  session: {},
};

/**
 * Reads and compiles `<templatesDir>/outcome-email/{subject,text}.hbs` once, at start. A missing
 * or broken template fails here, naming the file and line, rather than at the first send.
 */
export async function loadOutcomeTemplates(templatesDir: string): Promise<OutcomeTemplates> {
  const dir = join(templatesDir, 'outcome-email');
  const [subject, text] = await Promise.all([
    loadTemplate(join(dir, 'subject.hbs')),
    loadTemplate(join(dir, 'text.hbs')),
  ]);
  return { subject, text };
}

type Template = (context: OutcomeTemplateContext) => string;

async function loadTemplate(file: string): Promise<Template> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`outcome email template ${file} cannot be read: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    // compile() is lazy; precompile() runs the parser and compiler now, so errors surface here.
    handlebars.precompile(source, COMPILE_OPTIONS);
    const template = handlebars.compile<OutcomeTemplateContext>(source, COMPILE_OPTIONS);
    // A trial run catches what only rendering finds, e.g. a partial that does not exist.
    template(SAMPLE);
    return template;
  } catch (err) {
    throw new Error(`${file}${lineSuffix(err)}: ${errorMessage(err)}`, { cause: err });
  }
}

/** `:4` from a parse error ("Parse error on line 4:") or a compile error's lineNumber. */
function lineSuffix(err: unknown): string {
  const fromMessage = /on line (\d+)/.exec(errorMessage(err))?.[1];
  const fromField =
    typeof err === 'object' && err !== null && 'lineNumber' in err ? err.lineNumber : undefined;
  const line = fromMessage ?? (typeof fromField === 'number' ? String(fromField) : undefined);
  return line === undefined ? '' : `:${line}`;
}

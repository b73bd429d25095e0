import { Router } from 'express';
import { type AddressObject, simpleParser } from 'mailparser';
import { notFound } from '../shared/errors/app-error';
import type { Mailer, Outbox } from '../shared/mail/mail-port';
import type { ShowPage } from './page';
import { pathParam } from './path-param';
import { requireStaff } from './staff-auth';

const LIST_LIMIT = 200;
/** Headers shown above the text besides the usual ones: ours, and how the message was made. */
const SHOWN_HEADERS = /^(x-|message-id$|reply-to$|cc$)/i;

const isOutbox = (mailer: Mailer): mailer is Outbox =>
  mailer.kind === 'outbox' && 'list' in mailer && 'read' in mailer;

const addresses = (value: AddressObject | AddressObject[] | undefined): string =>
  value === undefined
    ? ''
    : [value]
        .flat()
        .map((a) => a.text)
        .join(', ');

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && 'text' in value)
    return String((value as { text: unknown }).text);
  return JSON.stringify(value);
}

/** `/outbox`: the emails the outbox mailer wrote; with SMTP, a page saying where they went. */
export function outboxRoutes(mailer: Mailer, show: ShowPage): Router {
  const router = Router();
  const outbox = isOutbox(mailer) ? mailer : undefined;

  router.get('/outbox', requireStaff, async (req, res) => {
    if (!outbox) {
      show(req, res, 'outbox', { title: 'Outbox', smtp: true });
      return;
    }
    const entries = await outbox.list(LIST_LIMIT);
    show(req, res, 'outbox', {
      title: 'Outbox',
      smtp: false,
      messages: entries.map((e) => ({ ...e, href: `/outbox/${encodeURIComponent(e.id)}` })),
    });
  });

  router.get('/outbox/:id', requireStaff, async (req, res) => {
    const raw = outbox ? await outbox.read(pathParam(req, 'id')) : null;
    if (!raw) throw notFound('email', pathParam(req, 'id'));
    const mail = await simpleParser(raw);
    const extra = [...mail.headers.entries()]
      .filter(([name]) => SHOWN_HEADERS.test(name))
      .map(([name, value]) => ({ name, value: headerText(value) }));
    show(req, res, 'outbox-message', {
      title: mail.subject ?? '(no subject)',
      from: addresses(mail.from),
      to: addresses(mail.to),
      date: mail.date?.toISOString() ?? '',
      headers: extra,
      text: mail.text ?? '',
      attachments: mail.attachments.map((a) => ({
        filename: a.filename ?? '(unnamed)',
        contentType: a.contentType,
        size: a.size,
      })),
    });
  });
  return router;
}

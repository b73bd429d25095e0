import { join } from 'node:path';
import type { Outbox } from './mail-port';
import { createOutboxMailer } from './outbox-mailer';
import { createSmtpMailer, type SmtpMailer } from './smtp-mailer';

export interface MailerOptions {
  /** SMTP_URL; blank or unset means the outbox. */
  smtpUrl?: string;
  /** DATA_DIR: the outbox lives in `<dataDir>/outbox`. */
  dataDir: string;
}

/**
 * SMTP when SMTP_URL is set, else the outbox. The union (rather than plain Mailer) lets the
 * /outbox page narrow on `kind` to reach list() and read().
 */
export function createMailer(options: MailerOptions): SmtpMailer | Outbox {
  const smtpUrl = options.smtpUrl?.trim();
  return smtpUrl ? createSmtpMailer(smtpUrl) : createOutboxMailer(join(options.dataDir, 'outbox'));
}

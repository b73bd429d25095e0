import { createTransport, type SendMailOptions } from 'nodemailer';
import { errorMessage } from '../errors/system-error';
import type { MailMessage, Mailer } from './mail-port';

export type SmtpMailer = Mailer & { readonly kind: 'smtp' };

/*
 * Short timeouts on purpose: during an SMTP outage a send must fail within seconds so that the
 * queue schedules a retry, instead of a worker hanging on a dead connection for minutes.
 * Query parameters of SMTP_URL (e.g. `?socketTimeout=60000`) still override them.
 */
const TIMEOUT_MS = 10_000;

/** The nodemailer form of a message; shared with the outbox so both build identical MIME. */
export function toSendMailOptions(message: MailMessage): SendMailOptions {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    headers: message.headers,
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
    // Our messages only carry in-memory content; never let a value be read as a path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** `smtp.example.com:587`: where mail goes, for error messages, without the credentials. */
function serverOf(smtpUrl: string): string {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a valid URL (expected smtp://user:pass@host:port)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  return url.host;
}

export function createSmtpMailer(smtpUrl: string): SmtpMailer {
  const server = serverOf(smtpUrl);
  // Pooled: one outcome email per finished session adds up, and a reused connection saves the
  // TCP + TLS + AUTH handshake on each of them.
  const transporter = createTransport({
    url: smtpUrl,
    pool: true,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const failed = (what: string, err: unknown): Error =>
    new Error(`SMTP ${server}: ${what} failed: ${errorMessage(err)}`, { cause: err });

  return {
    kind: 'smtp',
    async send(message) {
      try {
        const info = await transporter.sendMail(toSendMailOptions(message));
        return { messageId: info.messageId };
      } catch (err) {
        throw failed('sending', err);
      }
    },
    async ping() {
      try {
        await transporter.verify();
      } catch (err) {
        throw failed('connecting', err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

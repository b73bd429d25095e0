import { createTransport } from 'nodemailer';
import { errorMessage } from '../../shared/errors/system-error';
import type { DoctorCheck } from '../check';
import { fail, ok, type Finding } from '../finding';

const CHECK = 'smtp';

/**
 * SMTP_URL as the mailer uses it: connect, EHLO, STARTTLS when the server offers it (nodemailer
 * insists on a valid certificate) and AUTH when the URL holds credentials; nothing is sent.
 */
export function smtpCheck(smtpUrl: string): DoctorCheck {
  const url = new URL(smtpUrl);
  const target = url.host;
  const withAuth = url.username !== '';
  return {
    check: CHECK,
    target,
    async run(timeoutMs) {
      const transporter = createTransport({
        url: smtpUrl,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      try {
        await transporter.verify();
        return [
          ok(
            CHECK,
            `${target} answered EHLO${withAuth ? ' and accepted the credentials' : ' (no credentials in SMTP_URL)'}`,
          ),
        ];
      } catch (error) {
        return [failure(error, target)];
      } finally {
        transporter.close();
      }
    },
  };
}

function failure(error: unknown, target: string): Finding {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (code === 'EAUTH')
    return fail(
      CHECK,
      `${target} rejected the credentials (${message})`,
      'correct the user and password in SMTP_URL',
    );
  if (/certificate|self.signed|TLS|SSL/i.test(message))
    return fail(
      CHECK,
      `${target} TLS failed (${message})`,
      'install a valid certificate on the SMTP server, or use its correct host name',
    );
  return fail(
    CHECK,
    `${target} cannot connect (${message})`,
    'start the server or correct SMTP_URL',
  );
}

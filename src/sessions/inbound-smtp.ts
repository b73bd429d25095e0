import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ServerConfig } from '../shared/config/server-schema';
import { AppError } from '../shared/errors/app-error';
import type { Logger } from '../shared/log/logger';
import { secretMatcher } from '../shared/security/constant-time';
import type { IngestResult } from './inbound-email';

type Settings = ServerConfig['inboundEmail'];

/** An SMTP reply: 550 refuses the message for good, 451 asks the sender to try later. */
const smtpError = (code: 550 | 451 | 535, message: string): Error =>
  Object.assign(new Error(message), { responseCode: code });

/** `no-reply@ccaiplatform.com` matches itself; `ccaiplatform.com` or `@ccaiplatform.com` the domain. */
export function senderAllowed(address: string, allowed: readonly string[]): boolean {
  const lower = address.trim().toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return allowed.some((entry) => {
    const rule = entry.trim().toLowerCase();
    return rule.includes('@') && !rule.startsWith('@')
      ? rule === lower
      : rule.replace(/^@/, '') === domain;
  });
}

export interface InboundSmtpOptions {
  port: number;
  host?: string;
  settings: Settings;
  ingest: (raw: Buffer) => Promise<IngestResult>;
  logger: Logger;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * The SMTP listener that takes session-outcome emails (INBOUND_SMTP_PORT): only from allowed
 * senders, up to the size limit, optionally with STARTTLS and AUTH; a message that cannot be used
 * is refused with 550 and the reason.
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const { settings, logger } = options;
  const maxBytes = Math.round(settings.maxMessageMb * 1024 * 1024);
  const auth = settings.auth && {
    username: secretMatcher(settings.auth.username),
    password: secretMatcher(settings.auth.password),
  };
  const serverOptions: SMTPServerOptions = {
    name: 'crm-bridge',
    banner: 'crm-bridge outcome email intake',
    size: maxBytes,
    authOptional: auth === undefined,
    ...(settings.tls && {
      key: fs.readFileSync(settings.tls.keyFile),
      cert: fs.readFileSync(settings.tls.certFile),
    }),
    disabledCommands: [...(settings.tls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
    // Without TLS, AUTH PLAIN would be refused by default; allow it only when the admin asked for it.
    allowInsecureAuth: auth !== undefined && !settings.tls,
    onAuth(session, _ctx, callback) {
      const ok =
        auth !== undefined &&
        auth.username(session.username ?? '') &&
        auth.password(session.password ?? '');
      if (ok) callback(null, { user: session.username });
      else callback(smtpError(535, 'authentication failed'));
    },
    onMailFrom(address, _session, callback) {
      if (senderAllowed(address.address, settings.allowedSenders)) callback();
      else {
        logger.warn('inbound email refused: sender not allowed', { from: address.address });
        callback(smtpError(550, `sender ${address.address} is not allowed`));
      }
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(550, `message larger than ${maxBytes} bytes`));
          return;
        }
        options.ingest(Buffer.concat(chunks)).then(
          () => callback(),
          (err: unknown) => {
            if (err instanceof AppError && err.status < 500) {
              logger.warn('inbound email refused', { reason: err.message });
              callback(smtpError(550, err.message));
            } else {
              logger.error('inbound email failed', {
                error: err instanceof Error ? err.message : String(err),
              });
              callback(smtpError(451, 'could not apply the message now; try again later'));
            }
          },
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  server.on('error', (err) => logger.error('inbound SMTP error', { error: err.message }));
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

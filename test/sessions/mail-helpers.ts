import { type ParsedMail, simpleParser } from 'mailparser';
import type { AppConfig } from '../../src/shared/config/app-config';
import type { Mailer, Outbox } from '../../src/shared/mail/mail-port';

/** Outcome emails switched on, to crm-inbox@example.com, with `settings` over that. */
export const emailing =
  (settings: Partial<AppConfig['server']['outcomeEmail']> = {}) =>
  (config: AppConfig): AppConfig => ({
    ...config,
    server: {
      ...config.server,
      outcomeEmail: {
        ...config.server.outcomeEmail,
        enabled: true,
        to: 'crm-inbox@example.com',
        ...settings,
      },
    },
  });

export function asOutbox(mailer: Mailer): Outbox {
  if (mailer.kind !== 'outbox') throw new Error('expected the outbox mailer');
  return mailer as Outbox;
}

/** Every email in the outbox, parsed, oldest first. */
export async function outboxMails(mailer: Mailer): Promise<ParsedMail[]> {
  const outbox = asOutbox(mailer);
  const entries = (await outbox.list(1000)).reverse();
  const raws = await Promise.all(entries.map((e) => outbox.read(e.id)));
  return Promise.all(raws.map((raw) => simpleParser(raw ?? Buffer.alloc(0))));
}

/** Polls until `probe` holds (or fails after `ms`): emails arrive on the queue's clock. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The subjects of every email in the outbox once the first has arrived and a duplicate would have
 * too: a test of "exactly once" expects one subject here.
 */
export async function settledOutboxSubjects(
  mailer: Mailer,
  what: string,
  ms = 10_000,
): Promise<(string | undefined)[]> {
  await eventually(
    async () => ((await outboxMails(mailer)).length > 0 ? true : undefined),
    what,
    ms,
  );
  await sleep(1000); // a duplicate would arrive by now
  return (await outboxMails(mailer)).map((mail) => mail.subject);
}

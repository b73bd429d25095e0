import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../../src/shared/mail/create-mailer';
import type { MailMessage, Mailer } from '../../src/shared/mail/mail-port';
import { createOutboxMailer } from '../../src/shared/mail/outbox-mailer';
import { createSmtpMailer } from '../../src/shared/mail/smtp-mailer';

const session = {
  id: 73522,
  status: 'finished',
  agent_info: { name: 'Alice "Ace" Smité' },
  note: 'a line long enough to be folded by quoted-printable encoding, which wraps at 76 characters',
};
/** Holds what SMTP mangles when done wrong: a leading dot, non-ASCII, long lines, quotes. */
const text = `${JSON.stringify(session, null, 2)}\n.a line starting with a dot\n`;
const transcript = Buffer.from('[2024-05-01 10:15:03 UTC] end_user Jane Doé: Hi\n', 'utf8');

const message = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  from: 'no-reply@crm-bridge.local',
  to: 'crm@example.com',
  subject: 'Session outcome: chat 73522 (finished)',
  text,
  attachments: [
    { filename: 'chat-73522.txt', content: transcript, contentType: 'text/plain; charset=utf-8' },
  ],
  headers: { 'X-Crm-Bridge-Session': 'chat-73522' },
  ...overrides,
});

const addresses = (a: AddressObject | AddressObject[] | undefined): string | undefined =>
  a === undefined
    ? undefined
    : [a]
        .flat()
        .map((o) => o.text)
        .join(', ');

/** The outcome email as the CRM sees it, whichever way it travelled. */
function expectOutcomeEmail(mail: ParsedMail): void {
  expect(mail.from?.text).toBe('no-reply@crm-bridge.local');
  expect(addresses(mail.to)).toBe('crm@example.com');
  expect(mail.subject).toBe('Session outcome: chat 73522 (finished)');
  expect(mail.text).toBe(text);
  expect(mail.headers.get('x-crm-bridge-session')).toBe('chat-73522');
  expect(mail.messageId).toMatch(/^<.+@.+>$/);
  expect(mail.attachments).toHaveLength(1);
  const [attachment] = mail.attachments;
  expect(attachment?.filename).toBe('chat-73522.txt');
  expect(attachment?.contentType).toBe('text/plain');
  expect(attachment?.content.equals(transcript)).toBe(true);
}

interface Received {
  raw: Buffer;
  rcptTo: string[];
}

/** A real SMTP server on loopback that keeps every message it accepts. */
async function startSmtpServer(
  options: { auth?: { user: string; pass: string }; port?: number } = {},
) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    // Plain SMTP on loopback: the built-in test certificate would fail nodemailer's checks.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      callback(ok ? null : new Error('bad credentials'), ok ? { user: auth.username } : undefined);
    },
    onData(stream, smtpSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks),
          rcptTo: smtpSession.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = await startSmtpServer();
  await server.close();
  return server.port;
}

describe('SMTP mailer', () => {
  let server: Awaited<ReturnType<typeof startSmtpServer>>;
  let mailer: Mailer | undefined;
  beforeEach(async () => {
    server = await startSmtpServer();
  });
  afterEach(async () => {
    await mailer?.close();
    mailer = undefined;
    await server.close();
  });

  it('When an email is sent, then the SMTP server receives exactly that email', async () => {
    mailer = createSmtpMailer(`smtp://127.0.0.1:${server.port}`);
    const sent = await mailer.send(message());

    expect(server.received).toHaveLength(1);
    const [received] = server.received;
    expect(received?.rcptTo).toEqual(['crm@example.com']);
    const mail = await simpleParser(received?.raw ?? Buffer.alloc(0));
    expectOutcomeEmail(mail);
    expect(mail.messageId).toBe(sent.messageId);
  });

  it('When SMTP_URL carries credentials, then the mailer authenticates with them', async () => {
    await server.close();
    server = await startSmtpServer({ auth: { user: 'bridge', pass: 's3cret' } });
    mailer = createSmtpMailer(`smtp://bridge:s3cret@127.0.0.1:${server.port}`);
    await mailer.ping();
    await mailer.send(message());
    expect(server.received).toHaveLength(1);
  });

  it('When several emails are sent, then the pooled connection delivers each one', async () => {
    mailer = createSmtpMailer(`smtp://127.0.0.1:${server.port}`);
    const smtp = mailer;
    await Promise.all(
      [1, 2, 3].map((n) =>
        smtp.send(message({ subject: `Session outcome: call ${n} (finished)` })),
      ),
    );
    const subjects = await Promise.all(
      server.received.map(async (r) => (await simpleParser(r.raw)).subject),
    );
    expect(subjects.sort()).toEqual([1, 2, 3].map((n) => `Session outcome: call ${n} (finished)`));
  });

  it('When the SMTP server is up, then ping resolves', async () => {
    mailer = createSmtpMailer(`smtp://127.0.0.1:${server.port}`);
    await expect(mailer.ping()).resolves.toBeUndefined();
  });

  it('When the SMTP server is down, then send rejects fast with a clear error', async () => {
    const port = await closedPort();
    mailer = createSmtpMailer(`smtp://user:hunter2@127.0.0.1:${port}`);
    const started = Date.now();

    const error = await mailer.send(message()).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^SMTP 127\\.0\\.0\\.1:${port}: sending failed: .*ECONNREFUSED`),
    );
    expect((error as Error).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(mailer.ping()).rejects.toThrow(/connecting failed/);
  });

  it('When the SMTP server comes back after an outage, then the same mailer sends again', async () => {
    const port = await closedPort();
    mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`);
    await expect(mailer.send(message())).rejects.toThrow(/ECONNREFUSED/);

    await server.close();
    server = await startSmtpServer({ port });
    await mailer.send(message());

    expect(server.received).toHaveLength(1);
  });

  it('When SMTP_URL is not an smtp URL, then creating the mailer fails and hides it', () => {
    expect(() => createSmtpMailer('http://user:pw@example.com')).toThrow(
      'SMTP_URL must start with smtp:// or smtps://, not http://',
    );
    expect(() => createSmtpMailer('not a url :pw')).toThrow(/^SMTP_URL is not a valid URL/);
  });
});

describe('outbox mailer', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('When an email is sent, then it is written as an .eml file that list() shows', async () => {
    const outbox = createOutboxMailer(join(dataDir, 'outbox'));
    const before = Date.now();
    const sent = await outbox.send(message());

    const files = await readdir(join(dataDir, 'outbox'));
    expect(files).toEqual([expect.stringMatching(/^\d{8}T\d{9}Z-[0-9a-f]{16}\.eml$/)]);
    const entries = await outbox.list();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      id: files[0]?.replace(/\.eml$/, ''),
      from: 'no-reply@crm-bridge.local',
      to: 'crm@example.com',
      subject: 'Session outcome: chat 73522 (finished)',
    });
    expect(Date.parse(entry?.date ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(entry?.date ?? '')).toBeLessThanOrEqual(Date.now());
    expect(sent.messageId).toMatch(/^<.+>$/);
    await outbox.close();
  });

  it('When a message is read back, then it parses to the email that was sent', async () => {
    const outbox = createOutboxMailer(join(dataDir, 'outbox'));
    const sent = await outbox.send(message());
    const [entry] = await outbox.list();

    const raw = await outbox.read(entry?.id ?? '');
    expect(raw).not.toBeNull();
    expect(entry?.size).toBe(raw?.length);
    const mail = await simpleParser(raw ?? Buffer.alloc(0));
    expectOutcomeEmail(mail);
    expect(mail.messageId).toBe(sent.messageId);
    // What SMTP would have put on the wire: CRLF line ends only.
    expect(raw?.toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('When the SMTP and outbox adapters send the same message, then they agree', async () => {
    const server = await startSmtpServer();
    const smtp = createSmtpMailer(`smtp://127.0.0.1:${server.port}`);
    const outbox = createOutboxMailer(join(dataDir, 'outbox'));
    try {
      await smtp.send(message());
      await outbox.send(message());
      const [entry] = await outbox.list();
      const viaSmtp = await simpleParser(server.received[0]?.raw ?? Buffer.alloc(0));
      const viaOutbox = await simpleParser((await outbox.read(entry?.id ?? '')) ?? Buffer.alloc(0));
      const comparable = (m: ParsedMail) => ({
        from: m.from?.text,
        to: addresses(m.to),
        subject: m.subject,
        text: m.text,
        headerNames: [...m.headers.keys()].sort(),
        attachments: m.attachments.map((a) => [a.filename, a.contentType, a.content]),
      });
      expect(comparable(viaOutbox)).toEqual(comparable(viaSmtp));
    } finally {
      await smtp.close();
      await server.close();
    }
  });

  it('When subjects and names are not ASCII, then list() decodes them', async () => {
    const outbox = createOutboxMailer(dataDir);
    await outbox.send(
      message({
        from: '"Équipe CRM" <no-reply@crm-bridge.local>',
        subject:
          'Résultat de session: chat 73522 ✓ — terminé, avec un sujet assez long pour être replié',
      }),
    );
    const [entry] = await outbox.list();
    expect(entry?.from).toBe('Équipe CRM <no-reply@crm-bridge.local>');
    expect(entry?.subject).toBe(
      'Résultat de session: chat 73522 ✓ — terminé, avec un sujet assez long pour être replié',
    );
  });

  it('When several emails were sent, then list() shows the newest first, up to the limit', async () => {
    const outbox = createOutboxMailer(dataDir);
    for (const n of [1, 2, 3]) {
      await outbox.send(message({ subject: `mail ${n}` }));
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct milliseconds
    }
    expect((await outbox.list()).map((e) => e.subject)).toEqual(['mail 3', 'mail 2', 'mail 1']);
    expect((await outbox.list(2)).map((e) => e.subject)).toEqual(['mail 3', 'mail 2']);
  });

  it('When an id is not one of ours, then read() returns null without touching the disk', async () => {
    const outbox = createOutboxMailer(join(dataDir, 'outbox'));
    await writeFile(join(dataDir, 'x.eml'), 'secret');
    await writeFile(join(dataDir, 'x'), 'secret');
    expect(await outbox.read('../x')).toBeNull();
    expect(await outbox.read('../x.eml')).toBeNull();
    expect(await outbox.read('/etc/passwd')).toBeNull();
    expect(await outbox.read('20240501T101503123Z-0123456789abcdef')).toBeNull(); // well-formed, absent
  });

  it('When nothing was sent yet, then list() is empty', async () => {
    expect(await createOutboxMailer(join(dataDir, 'never-created')).list()).toEqual([]);
  });

  it('When the outbox directory is writable, then ping resolves and leaves nothing behind', async () => {
    const outbox = createOutboxMailer(join(dataDir, 'outbox'));
    await expect(outbox.ping()).resolves.toBeUndefined();
    expect(await readdir(join(dataDir, 'outbox'))).toEqual([]);
  });

  it('When the outbox path cannot be a directory, then ping and send reject', async () => {
    const blocked = join(dataDir, 'a-file');
    await writeFile(blocked, '');
    const outbox = createOutboxMailer(join(blocked, 'outbox'));
    await expect(outbox.ping()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(outbox.send(message())).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('createMailer', () => {
  it('When SMTP_URL is set, then mail goes through SMTP', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', dataDir: '/nonexistent' });
    expect(mailer.kind).toBe('smtp');
    await mailer.close();
  });

  it('When SMTP_URL is unset or blank, then mail goes to <dataDir>/outbox', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mailer-'));
    try {
      for (const smtpUrl of [undefined, '', '  ']) {
        const mailer = createMailer({ smtpUrl, dataDir });
        expect(mailer.kind).toBe('outbox');
        await mailer.send(message());
        await mailer.close();
      }
      expect(await readdir(join(dataDir, 'outbox'))).toHaveLength(3);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SESSION_HEADER } from '../../src/sessions/outcome-email';
import { freePort } from '../support/free-port';

/**
 * A real SMTP server on loopback that notes the session of each outcome email (its
 * X-Crm-Bridge-Session header). `hold` keeps deliveries in flight: their DATA has arrived, and
 * the server answers only on `release`.
 */
export class SmtpSink {
  /** Sessions whose email has arrived (accepted or still held), in order. */
  readonly arrived: string[] = [];
  /** Sessions whose email was accepted, in order. */
  readonly accepted: string[] = [];
  private held: Promise<void> | undefined;
  private releaseHeld: () => void = () => undefined;

  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then(async (mail) => {
          const key = String(mail.headers.get(SESSION_HEADER.toLowerCase()));
          this.arrived.push(key);
          await this.held;
          this.accepted.push(key);
        })
        .then(
          () => callback(),
          (err: Error) => callback(err),
        );
    },
  });

  private constructor(readonly url: string) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    const sink = new SmtpSink(`smtp://127.0.0.1:${port}`);
    await new Promise<void>((r) => sink.server.listen(port, '127.0.0.1', r));
    return sink;
  }

  /** How many emails for `key` were accepted. */
  count(key: string): number {
    return this.accepted.filter((k) => k === key).length;
  }

  hold(): void {
    this.held = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.held = undefined;
    this.releaseHeld();
  }

  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

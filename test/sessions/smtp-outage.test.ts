import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../../src/shared/log/logger';
import { freePort } from '../support/free-port';
import { startTestApp, type TestApp } from '../support/test-app';
import { emailing, eventually, sleep } from './mail-helpers';
import { finishedChat } from './session-fixtures';

/** A real SMTP server that keeps what it receives. */
async function startSmtp(
  port: number,
): Promise<{ received: ParsedMail[]; close: () => Promise<void> }> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const quickRetries = emailing({ retry: { attempts: 10, backoffSeconds: 0.1 } });
const backends: [string, string | undefined][] = [['local queue', undefined]];
if (process.env.REDIS_URL) backends.push(['bull on Redis', process.env.REDIS_URL]);

describe.each(backends)('An SMTP outage (%s)', (_name, redisUrl) => {
  let t: TestApp;
  afterEach(() => t.close());

  test('When SMTP is down at the due time, then the send is retried and the email arrives exactly once when SMTP is back', async () => {
    const port = await freePort();
    const logger = createLogger('silent');
    const warned = jest.spyOn(logger, 'warn');
    t = await startTestApp({
      logger,
      configure: quickRetries,
      services: {
        outcomeEmailDelayMs: 100,
        smtpUrl: `smtp://127.0.0.1:${port}`,
        ...(redisUrl && { redisUrl }),
      },
    });
    expect((await t.api.post('/api/v1/sessions').send(finishedChat())).status).toBe(202);

    // The first attempts fail: nothing listens on the port.
    await eventually(async () => {
      const job = (await t.api.get('/api/v1/sessions/chat-73522')).body.job as
        { attempts: number } | undefined;
      return job && job.attempts >= 2 ? true : undefined;
    }, 'two failed attempts');
    expect((await t.api.get('/api/v1/sessions/chat-73522')).body.email.state).toBe('scheduled');
    // Each failed attempt is logged, with when the next one comes.
    expect(warned).toHaveBeenCalledWith('outcome email attempt failed: it will be retried', {
      session: 'chat-73522',
      attempt: 1,
      attempts: 10,
      error: expect.stringMatching(/ECONNREFUSED/),
      retryInSeconds: 0.1,
    });
    expect(warned).toHaveBeenCalledWith(
      'outcome email attempt failed: it will be retried',
      expect.objectContaining({ attempt: 2, retryInSeconds: 0.3 }),
    );

    const smtp = await startSmtp(port);
    try {
      await eventually(
        async () => (smtp.received.length > 0 ? true : undefined),
        'the email once SMTP is back',
      );
      await sleep(1000); // any duplicate would arrive by now
      expect(smtp.received.map((m) => m.subject)).toEqual([
        'Session outcome: chat 73522 (finished)',
      ]);
      expect((await t.api.get('/api/v1/sessions/chat-73522')).body.email.state).toBe('sent');
    } finally {
      await t.mailer.close();
      await smtp.close();
    }
  });
});

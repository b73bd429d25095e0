import type { Mailer } from '../mail/mail-port';
import { isFinalFailure } from '../queue/job-options';
import type { JobHandler } from '../queue/queue-port';
import type { Metrics } from './metrics';

/** The mailer counting each message it hands over (`emails_sent_total`). */
export function countingMailer(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    kind: mailer.kind,
    send: async (message) => {
      const sent = await mailer.send(message);
      metrics.emailsSent.inc();
      return sent;
    },
    ping: () => mailer.ping(),
    close: () => mailer.close(),
  };
}

/**
 * The outcome-email job handler counting what the queue will do with a failure: try again
 * (`emails_retried_total`) or give up (`emails_failed_total`) — on PermanentJobError, or when
 * this was the last of `attempts`. The job does not carry its attempt limit, so it is the one
 * the jobs are scheduled with (outcomeEmail.retry.attempts).
 */
export function countingJobHandler<T>(
  handler: JobHandler<T>,
  attempts: number,
  metrics: Metrics,
): JobHandler<T> {
  return async (job) => {
    try {
      await handler(job);
    } catch (err) {
      const final = isFinalFailure(err, job.attempt, attempts);
      (final ? metrics.emailsFailed : metrics.emailsRetried).inc();
      throw err;
    }
  };
}

import type { ServerConfig } from '../shared/config/server-schema';

export type OutcomeEmailSettings = ServerConfig['outcomeEmail'];

/** Where a session's outcome email goes, or, in a sentence the API returns, why it goes nowhere. */
export type OutcomeRecipient = { to: string } | { none: string };

/**
 * The "Settings inheritance and overriding" table of reference/002, row by row:
 *
 * | global | queue | email goes to      |
 * |--------|-------|--------------------|
 * | off    | off   | nowhere            |
 * | off    | on    | the queue's address |
 * | on     | off   | the global address |
 * | on     | on    | the queue's address |
 *
 * and an empty resulting address means no email. A queue without settings counts as "off", so
 * it inherits the global setting. A queue that is on with an empty address sends nothing even
 * when the global address is set: the queue's address overrides, it does not fall back.
 */
export function outcomeRecipient(
  settings: OutcomeEmailSettings,
  queueId: string | undefined,
): OutcomeRecipient {
  // hasOwn: a queue id such as "constructor" must not find Object.prototype's members.
  const queue =
    queueId !== undefined && Object.hasOwn(settings.queues, queueId)
      ? settings.queues[queueId]
      : undefined;
  if (queue?.enabled) {
    const to = queue.to.trim();
    return to
      ? { to }
      : {
          none: `Outcome emails are enabled for queue ${queueId} but its address (outcomeEmail.queues.${queueId}.to) is empty.`,
        };
  }
  if (!settings.enabled) return { none: disabledReason(queueId, queue !== undefined) };
  const to = settings.to.trim();
  return to
    ? { to }
    : { none: 'Outcome emails are enabled but the address (outcomeEmail.to) is empty.' };
}

function disabledReason(queueId: string | undefined, queueConfigured: boolean): string {
  const disabled = 'Outcome emails are disabled (outcomeEmail.enabled is false)';
  if (queueId === undefined) return `${disabled} and the session names no queue.`;
  return queueConfigured
    ? `${disabled} and queue ${queueId} does not enable them.`
    : `${disabled} and queue ${queueId} has no settings of its own.`;
}

/**
 * Event actions: each event that an action is `on` and whose variables satisfy its `when:`
 * becomes one job on the queue, whose worker builds the action's request and sends it. The job id
 * is the action, the event and the event's key, so an event that arrives again adds nothing.
 * Retries are the queue's (exponential backoff); an answer that retrying cannot change (a 4xx
 * other than 408 and 429) fails the job at once.
 */
import type { CompiledRequest } from '../generic-api/compiled-config';
import type { Sender } from '../generic-api/outbound';
import { buildRequest } from '../generic-api/request-builder';
import { createVariables, deriveVariables, type Variables } from '../generic-api/template';
import { PermanentJobError } from '../shared/errors/permanent-job-error';
import type { Logger } from '../shared/log/logger';
import type { JobContext, JobQueue } from '../shared/queue/queue-port';
import { eventKey, eventVariables } from './event-variables';
import type { BridgeEvent, EventSink } from './events';

export const ACTIONS_QUEUE = 'event-actions';

export interface ActionJob {
  action: string;
  event: string;
  /** The event's variables, derived when it happened: the job needs nothing else to run. */
  variables: Record<string, string>;
}

export interface CompiledAction {
  readonly name: string;
  readonly on: ReadonlySet<string>;
  readonly when: (vars: Variables) => boolean;
  readonly request: CompiledRequest;
  readonly sender: Sender;
  readonly attempts: number;
  readonly backoffMs: number;
}

export interface ActionsOptions {
  actions: readonly CompiledAction[];
  queue: JobQueue<ActionJob>;
  logger: Logger;
}

/** Phone numbers go to an action's target as the event gave them. */
const asGiven = (raw: string): string => raw;

/** A 4xx other than a timeout or a rate limit says the request is wrong: sending it again won't do. */
const isPermanent = (status: number): boolean => status < 500 && status !== 408 && status !== 429;

export class ActionsService implements EventSink {
  private readonly byName: ReadonlyMap<string, CompiledAction>;

  constructor(private readonly options: ActionsOptions) {
    this.byName = new Map(options.actions.map((action) => [action.name, action]));
  }

  async emit(event: BridgeEvent): Promise<void> {
    const actions = this.options.actions.filter((action) => action.on.has(event.name));
    if (actions.length === 0) return;
    const vars = deriveVariables(eventVariables(event), {
      formatPhone: asGiven,
      purpose: 'create',
    });
    const key = `${event.name}:${eventKey(event)}`;
    for (const action of actions) {
      if (!action.when(vars)) continue;
      const jobId = `${action.name}:${key}`;
      try {
        await this.options.queue.add(
          { action: action.name, event: event.name, variables: { ...vars.values } },
          { jobId, delayMs: 0, attempts: action.attempts, backoffMs: action.backoffMs },
        );
      } catch (error) {
        // The event has happened regardless; what failed is this action, and the log says so.
        this.options.logger.error('event action not queued', {
          action: action.name,
          job: jobId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /** The worker: builds the action's request from the job's variables and sends it once. */
  readonly run = async (job: JobContext<ActionJob>): Promise<void> => {
    const action = this.byName.get(job.data.action);
    if (action === undefined) {
      throw new PermanentJobError(`action ${job.data.action} is no longer in actions.yaml`);
    }
    const request = buildRequest(action.request, createVariables(job.data.variables));
    // No answer at all (timeout, refused) rejects here, and the queue retries.
    const { status } = await action.sender.send(request);
    const outcome = { action: action.name, job: job.id, attempt: job.attempt, status };
    if (status >= 200 && status < 300) {
      this.options.logger.info('event action sent', outcome);
      return;
    }
    this.options.logger.warn('event action refused', outcome);
    const message = `${action.name}: ${request.method} answered ${status}`;
    if (isPermanent(status)) throw new PermanentJobError(`${message}; not retried`);
    throw new Error(message);
  };
}

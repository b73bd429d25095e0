import { compileRequest } from '../generic-api/compiled-config';
import { createGenericApiSender } from '../generic-api/generic-api-client';
import type { Exchange } from '../generic-api/sender/mask-exchange';
import type { Logger } from '../shared/log/logger';
import type { JobQueue, QueuePort } from '../shared/queue/queue-port';
import type { Store } from '../shared/store/store-port';
import type { ActionsConfig } from './actions-schema';
import {
  ACTIONS_QUEUE,
  type ActionJob,
  ActionsService,
  type CompiledAction,
} from './actions-service';
import { type EventSink, NO_EVENTS } from './events';
import { compileWhen } from './when';

export interface ActionsWiring {
  /** actions.yaml; undefined when the file is absent. */
  config: ActionsConfig | undefined;
  queue: QueuePort;
  /** Holds the tokens of an oauth2 target. */
  store: Store;
  logger: Logger;
  /** Sees every request an action sends, secrets masked (metrics, journal). */
  onExchange?: (exchange: Exchange) => void;
}

export interface Actions {
  /** Where the services report events; a no-op without actions. */
  events: EventSink;
  /** The actions' queue, for the dashboard; none without actions. */
  queue?: JobQueue<ActionJob>;
  /** Starts the worker that sends the actions' requests. */
  startWorker(): void;
}

/** actions.yaml compiled (templates, senders) and its queue, when any action is configured. */
export async function createActions(wiring: ActionsWiring): Promise<Actions> {
  const configured = wiring.config?.actions ?? [];
  if (configured.length === 0) return { events: NO_EVENTS, startWorker: () => undefined };
  const actions = await Promise.all(
    configured.map(async (action, index): Promise<CompiledAction> => {
      const { auth, timeoutSeconds } = action.request;
      const where = (key: string) => `actions.${index}.request.${key}`;
      return {
        name: action.name,
        on: new Set(action.on),
        when: compileWhen(action.when),
        request: compileRequest(action.name, action.request, where),
        sender: await createGenericApiSender({
          api: { auth, timeoutMs: timeoutSeconds * 1000 },
          openStore: () => Promise.resolve(wiring.store),
          ...(wiring.onExchange && { onExchange: wiring.onExchange }),
        }),
        attempts: action.retries.attempts,
        backoffMs: Math.round(action.retries.backoffSeconds * 1000),
      };
    }),
  );
  const queue = wiring.queue.queue<ActionJob>(ACTIONS_QUEUE);
  const service = new ActionsService({ actions, queue, logger: wiring.logger });
  return {
    events: service,
    queue,
    startWorker: () => queue.process(service.run, { concurrency: 4 }),
  };
}

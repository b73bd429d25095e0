import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One application's metrics, on a registry of its own (never prom-client's global one), so
 * several apps in one process — tests — keep separate series.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly storeDuration: Histogram<'operation' | 'kind'>;
  readonly outboundDuration: Histogram<'endpoint' | 'status'>;
  readonly emailsSent: Counter;
  readonly emailsFailed: Counter;
  readonly emailsRetried: Counter;
}

export function createMetrics(): Metrics {
  processMetrics(); // started now, so GC and event-loop figures cover the time before the first scrape
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests served, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    storeDuration: new Histogram({
      name: 'store_operation_duration_seconds',
      help: 'Store operations, by operation and store kind (failed ones included)',
      labelNames: ['operation', 'kind'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    outboundDuration: new Histogram({
      name: 'outbound_request_duration_seconds',
      help: 'Generic API requests on the wire, by endpoint and status ("error": no response)',
      labelNames: ['endpoint', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    emailsSent: new Counter({
      name: 'emails_sent_total',
      help: 'Outcome emails handed to the mailer',
      registers,
    }),
    emailsFailed: new Counter({
      name: 'emails_failed_total',
      help: 'Outcome emails given up on: attempts used up, or a failure retrying cannot fix',
      registers,
    }),
    emailsRetried: new Counter({
      name: 'emails_retried_total',
      help: 'Outcome-email attempts that failed and will be tried again',
      registers,
    }),
  };
}

let processRegistry: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop, GC) describe the process, not an app, and
 * collectDefaultMetrics starts a GC observer and an event-loop monitor that are never released:
 * they are collected once per process, on a registry of their own, and added to every scrape.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The exposition text of one scrape: the app's series, then the process's. */
export async function scrape(metrics: Metrics): Promise<{ contentType: string; text: string }> {
  const [app, process] = await Promise.all([
    metrics.registry.metrics(),
    processMetrics().metrics(),
  ]);
  return { contentType: metrics.registry.contentType, text: app + process };
}

/**
 * The measured pieces of the outcome-email queue suite: enqueueing (raw bull addBulk, crm-bridge's
 * SessionsService.receive, the queue port's add) and delivering (raw bull with a no-op handler,
 * crm-bridge's job handler with a no-op Mailer), each returning counted figures: jobs, time,
 * per-job latencies (or lateness), this process's and Redis's CPU, and memory.
 */
import fs from 'node:fs';
import type { Profiler } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import Bull from 'bull';
import { createApp } from '../../src/app';
import { SESSION_HEADER } from '../../src/sessions/outcome-email';
import {
  carriesSessions,
  DELIVERY_CONCURRENCY,
  OUTCOME_QUEUE,
  outcomeJob,
  type OutcomeJob,
  type SessionDoc,
  type SessionsService,
} from '../../src/sessions/sessions-service';
import type { AppConfig } from '../../src/shared/config/app-config';
import { createLogger } from '../../src/shared/log/logger';
import type { Mailer } from '../../src/shared/mail/mail-port';
import { createQueuePort } from '../../src/shared/queue/create-queue';
import type { JobQueue, QueuePort } from '../../src/shared/queue/queue-port';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';
import { cpuMicrosNow } from './loop-run';
import { outcomeSession, RECIPIENT, scheduledSessionDoc, sessionKeyOf } from './outcome-sessions';
import { profileWhile } from './profile';
import type { BenchRedis } from './redis-server';

/** Jobs handed over at once: raw bull's addBulk size, and the sessions in flight at crm-bridge. */
export const IN_FLIGHT = 1_000;
/** crm-bridge's worker concurrency (app.startWorkers); raw bull's worker gets the same. */
export const WORKER_CONCURRENCY = DELIVERY_CONCURRENCY;

export interface Retry {
  attempts: number;
  backoffMs: number;
}

/** What one measured phase counted; phases of several rounds add up. */
export interface QueueFigures {
  jobs: number;
  ms: number;
  /** Per job: enqueue latency, or delivery lateness (sent − due). */
  samplesMs: number[];
  nodeCpuMicros: number;
  redisCpuMicros: number;
  /** Redis used_memory growth, or (without Redis) this process's heap growth. */
  memoryBytes: number;
  /** Bytes of job data (the payload) the jobs carry. */
  payloadBytes: number;
  errors: number;
  wrong: number;
  firstProblem?: string;
}

export const noFigures = (): QueueFigures => ({
  jobs: 0,
  ms: 0,
  samplesMs: [],
  nodeCpuMicros: 0,
  redisCpuMicros: 0,
  memoryBytes: 0,
  payloadBytes: 0,
  errors: 0,
  wrong: 0,
});

export function addFigures(into: QueueFigures, more: QueueFigures): void {
  into.jobs += more.jobs;
  into.ms += more.ms;
  for (const sample of more.samplesMs) into.samplesMs.push(sample);
  into.nodeCpuMicros += more.nodeCpuMicros;
  into.redisCpuMicros += more.redisCpuMicros;
  into.memoryBytes += more.memoryBytes;
  into.payloadBytes += more.payloadBytes;
  into.errors += more.errors;
  into.wrong += more.wrong;
  into.firstProblem ??= more.firstProblem;
}

/** What a phase reports about its own jobs; the rest is measured around it. */
interface Outcome {
  samplesMs: number[];
  errors: number;
  wrong: number;
  firstProblem?: string;
}

const newOutcome = (): Outcome => ({ samplesMs: [], errors: 0, wrong: 0 });

function failed(outcome: Outcome, err: unknown): void {
  outcome.errors += 1;
  outcome.firstProblem ??= err instanceof Error ? err.message : String(err);
}

function wrong(outcome: Outcome, what: string): void {
  outcome.wrong += 1;
  outcome.firstProblem ??= what;
}

/** A full garbage collection, for heap figures that hold only what is still referenced. */
let collect: (() => void) | undefined;
function collectGarbage(): void {
  if (collect === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/** Runs a phase of `jobs` jobs, measuring time, CPU (here and in Redis) and memory around it. */
async function measured(
  redis: BenchRedis | undefined,
  jobs: number,
  phase: () => Promise<Outcome>,
  /** What the jobs carry, counted by the caller before the clock starts. */
  payloadBytes = 0,
): Promise<QueueFigures> {
  if (!redis) collectGarbage();
  const memoryBefore = redis ? await redis.usedMemory() : process.memoryUsage().heapUsed;
  const redisBefore = redis ? await redis.cpuMicros() : 0;
  const cpuBefore = cpuMicrosNow();
  const started = performance.now();
  const outcome = await phase();
  const ms = performance.now() - started;
  const nodeCpuMicros = cpuMicrosNow() - cpuBefore;
  const redisCpuMicros = redis ? (await redis.cpuMicros()) - redisBefore : 0;
  if (!redis) collectGarbage();
  const memoryAfter = redis ? await redis.usedMemory() : process.memoryUsage().heapUsed;
  return {
    jobs,
    ms,
    nodeCpuMicros,
    redisCpuMicros,
    memoryBytes: memoryAfter - memoryBefore,
    payloadBytes,
    ...outcome,
  };
}

/** Calls `op(n)` for n in [from, from + count), `width` at a time. */
async function inFlight(
  from: number,
  count: number,
  width: number,
  op: (n: number) => Promise<void>,
): Promise<void> {
  let next = from;
  const end = from + count;
  const worker = async (): Promise<void> => {
    for (let n = next++; n < end; n = next++) await op(n);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

// ---------------------------------------------------------------------------------------------
// Enqueueing
// ---------------------------------------------------------------------------------------------

/** bull's own add options for an outcome email, as a plain bull user would write them. */
const rawJobOptions = (n: number, delayMs: number, retry: Retry): Bull.JobOptions => ({
  jobId: sessionKeyOf(n),
  delay: delayMs,
  attempts: retry.attempts,
  backoff: { type: 'exponential', delay: retry.backoffMs },
});

/** Raw bull: the sessions themselves as job data, IN_FLIGHT per addBulk, one addBulk at a time. */
export function rawAddBulk(
  redis: BenchRedis,
  queue: Bull.Queue,
  from: number,
  count: number,
  delayMs: number,
  retry: Retry,
): Promise<QueueFigures> {
  const payload = payloadBytes(from, count, true);
  return measured(
    redis,
    count,
    async () => {
      const outcome = newOutcome();
      for (let start = from; start < from + count; start += IN_FLIGHT) {
        const jobs: { data: Record<string, unknown>; opts: Bull.JobOptions }[] = [];
        for (let n = start; n < Math.min(from + count, start + IN_FLIGHT); n++) {
          jobs.push({ data: outcomeSession(n), opts: rawJobOptions(n, delayMs, retry) });
        }
        const started = performance.now();
        try {
          const added = await queue.addBulk(jobs);
          if (added.length !== jobs.length) wrong(outcome, `addBulk added ${added.length}`);
        } catch (err) {
          failed(outcome, err);
        }
        const took = performance.now() - started;
        for (let i = 0; i < jobs.length; i++) outcome.samplesMs.push(took);
      }
      return outcome;
    },
    payload,
  );
}

/**
 * What the jobs of sessions [from, from + count) hold beyond bull's own: each session as posted
 * when they carry it (raw bull; crm-bridge on bull with the embedded store), else its key.
 */
function payloadBytes(from: number, count: number, carry: boolean): number {
  let bytes = 0;
  for (let n = from; n < from + count; n++) {
    bytes += JSON.stringify(carry ? outcomeSession(n) : { key: sessionKeyOf(n) }).length;
  }
  return bytes;
}

/** crm-bridge's scheduling path: POST /api/v1/sessions' service call, IN_FLIGHT at a time. */
export function receiveSessions(
  redis: BenchRedis | undefined,
  sessions: SessionsService,
  from: number,
  count: number,
  carry = false,
): Promise<QueueFigures> {
  const payload = payloadBytes(from, count, carry);
  return measured(
    redis,
    count,
    async () => {
      const outcome = newOutcome();
      await inFlight(from, count, IN_FLIGHT, async (n) => {
        const started = performance.now();
        try {
          const result = await sessions.receive(outcomeSession(n));
          if (result.duplicate || result.email.state !== 'scheduled') {
            wrong(outcome, `${result.key}: ${JSON.stringify(result.email)}`);
          }
        } catch (err) {
          failed(outcome, err);
        }
        outcome.samplesMs.push(performance.now() - started);
      });
      return outcome;
    },
    payload,
  );
}

/** The queue port's add alone, with the job receive() would add (carrying its session or not). */
export function portAdd(
  redis: BenchRedis | undefined,
  queue: JobQueue<OutcomeJob>,
  from: number,
  count: number,
  delayMs: number,
  retry: Retry,
  carry = false,
): Promise<QueueFigures> {
  const payload = payloadBytes(from, count, carry);
  return measured(
    redis,
    count,
    async () => {
      const outcome = newOutcome();
      await inFlight(from, count, IN_FLIGHT, async (n) => {
        const key = sessionKeyOf(n);
        const job = outcomeJob(scheduledSessionDoc(n, RECIPIENT, Date.now() + delayMs), carry);
        const started = performance.now();
        try {
          const result = await queue.add(job, { jobId: key, delayMs, ...retry });
          if (!result.added) wrong(outcome, `${key}: not added`);
        } catch (err) {
          failed(outcome, err);
        }
        outcome.samplesMs.push(performance.now() - started);
      });
      return outcome;
    },
    payload,
  );
}

// ---------------------------------------------------------------------------------------------
// Delivering
// ---------------------------------------------------------------------------------------------

export interface DeliveryPlan {
  jobs: number;
  /** The jobs come due evenly over this window. */
  windowMs: number;
  /** From the start of enqueueing to the start of the window: room to enqueue everything first. */
  leadMs: number;
  /** How long after the window to wait for stragglers before giving up. */
  graceMs: number;
}

export interface DeliveryFigures extends QueueFigures {
  /** Milliseconds the enqueueing ran past the window's start (0 when it finished before). */
  enqueueOverrunMs: number;
  /** Enqueue time, ms. */
  enqueueMs: number;
  /** A CPU profile of this process while it delivered, when one was asked for. */
  profile?: Profiler.Profile;
}

/** Records each delivery's lateness; `done` resolves when all are in or the time is up. */
class DeliveryLog {
  readonly outcome = newOutcome();
  private delivered = 0;
  lastAt = 0;
  private finish: (() => void) | undefined;

  constructor(private readonly expected: number) {}

  record(dueAt: number | undefined, what: string): void {
    const now = Date.now();
    if (dueAt === undefined) {
      wrong(this.outcome, `${what}: not a job of this run`);
      return;
    }
    this.outcome.samplesMs.push(now - dueAt);
    this.lastAt = now;
    this.delivered += 1;
    if (this.delivered === this.expected) this.finish?.();
  }

  get count(): number {
    return this.delivered;
  }

  done(deadline: number): Promise<void> {
    if (this.delivered >= this.expected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.finish = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

interface DeliveryRig {
  /** Adds every job, due at dueOf(i) for the i-th of the plan. */
  enqueue(dueOf: (i: number) => number): Promise<void>;
  start(log: DeliveryLog): void;
  /** After the measurement: checks what the deliveries left behind; a problem or undefined. */
  verify?(): Promise<string | undefined>;
  close(): Promise<void>;
}

async function deliver(
  redis: BenchRedis | undefined,
  plan: DeliveryPlan,
  rig: DeliveryRig,
  profiled = false,
): Promise<DeliveryFigures> {
  const enqueueStarted = Date.now();
  const windowStart = enqueueStarted + plan.leadMs;
  const dueOf = (i: number): number => windowStart + Math.floor((plan.windowMs * i) / plan.jobs);
  try {
    await rig.enqueue(dueOf);
    const enqueued = Date.now();
    const log = new DeliveryLog(plan.jobs);
    let profile: Profiler.Profile | undefined;
    const figures = await measured(redis, plan.jobs, async () => {
      const run = async (): Promise<void> => {
        rig.start(log);
        await log.done(windowStart + plan.windowMs + plan.graceMs);
      };
      if (profiled) profile = (await profileWhile(run)).profile;
      else await run();
      return log.outcome;
    });
    if (log.count < plan.jobs) {
      figures.errors += plan.jobs - log.count;
      figures.firstProblem ??= `only ${log.count} of ${plan.jobs} delivered by ${plan.graceMs / 1000} s after the window`;
    }
    const problem = await rig.verify?.();
    if (problem !== undefined) {
      figures.wrong += 1;
      figures.firstProblem ??= problem;
    }
    // The rate counts from the first due time to the last delivery.
    figures.ms = Math.max(1, log.lastAt - windowStart);
    return {
      ...figures,
      enqueueMs: enqueued - enqueueStarted,
      enqueueOverrunMs: Math.max(0, enqueued - windowStart),
      ...(profile && { profile }),
    };
  } finally {
    await rig.close();
  }
}

/** Raw bull: the sessions as job data, processed by a handler that does nothing. */
export function rawDelivery(
  redis: BenchRedis,
  prefix: string,
  plan: DeliveryPlan,
  retry: Retry,
): Promise<DeliveryFigures> {
  const queue = new Bull<Record<string, unknown>>(OUTCOME_QUEUE, redis.url, { prefix });
  return deliver(redis, plan, {
    async enqueue(dueOf) {
      for (let start = 0; start < plan.jobs; start += IN_FLIGHT) {
        const jobs: { data: Record<string, unknown>; opts: Bull.JobOptions }[] = [];
        for (let i = start; i < Math.min(plan.jobs, start + IN_FLIGHT); i++) {
          // bull reads `timestamp` (its typings omit it): the due time is exactly dueOf(i).
          const now = Date.now();
          const opts: Bull.JobOptions & { timestamp: number } = {
            ...rawJobOptions(i, dueOf(i) - now, retry),
            timestamp: now,
          };
          jobs.push({ data: outcomeSession(i), opts });
        }
        await queue.addBulk(jobs);
      }
    },
    start(log) {
      void queue
        .process(WORKER_CONCURRENCY, async (job) => {
          log.record(job.timestamp + (job.opts.delay ?? 0), String(job.id));
        })
        .catch(() => undefined);
    },
    async verify() {
      const counts = await queue.getJobCounts();
      return counts.completed === plan.jobs ? undefined : `bull counts ${JSON.stringify(counts)}`;
    },
    close: () => queue.close(),
  });
}

/** A Mailer whose send resolves at once, noting each session's lateness. */
function noopMailer(onSend: (sessionKey: string) => void): Mailer {
  let sent = 0;
  return {
    kind: 'smtp',
    async send(message) {
      onSend(message.headers?.[SESSION_HEADER] ?? '');
      sent += 1;
      return { messageId: `<bench-${sent}@crm-bridge.local>` };
    },
    async ping() {},
    async close() {},
  };
}

export interface AppQueueOptions {
  config: AppConfig;
  /** Bull on this Redis; without it, the local scheduler on the embedded store. */
  redis?: BenchRedis;
  prefix: string;
}

/**
 * crm-bridge's own delivery: the application composed as composeApp composes it (embedded store,
 * bull on Redis or the local scheduler) but with a no-op Mailer, the sessions kept as receive()
 * keeps them, their jobs added through the queue port, and app.startWorkers() running the real
 * job handler (SessionsService.deliver).
 */
export async function appDelivery(
  options: AppQueueOptions,
  plan: DeliveryPlan,
  retry: Retry,
  profiled = false,
): Promise<DeliveryFigures> {
  const { config, redis } = options;
  const to = config.server.outcomeEmail.to;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-deliver-'));
  let store: Store | undefined;
  let queuePort: QueuePort | undefined;
  const dueByKey = new Map<string, number>();
  let log: DeliveryLog | undefined;
  try {
    store = await createStore({ dataDir });
    queuePort = createQueuePort({
      store,
      ...(redis && { redisUrl: redis.url, prefix: options.prefix }),
    });
    const mailer = noopMailer((key) => log?.record(dueByKey.get(key), key));
    const app = await createApp({
      config,
      store,
      queue: queuePort,
      mailer,
      logger: createLogger('silent'),
    });
    const sessions = store.collection<SessionDoc>('sessions');
    const outcomeQueue = queuePort.queue<OutcomeJob>(OUTCOME_QUEUE);
    const openStore = store;
    const openPort = queuePort;
    return await deliver(
      redis,
      plan,
      {
        async enqueue(dueOf) {
          const docs = Array.from({ length: plan.jobs }, (_, i) =>
            scheduledSessionDoc(i, to, dueOf(i)),
          );
          for (let start = 0; start < plan.jobs; start += IN_FLIGHT) {
            const batch = docs.slice(start, start + IN_FLIGHT);
            for (const [i, doc] of batch.entries()) dueByKey.set(doc.id, dueOf(start + i));
            await Promise.all(batch.map((doc) => sessions.insert(doc)));
          }
          const carry = carriesSessions(openPort.kind, openStore.kind);
          await inFlight(0, plan.jobs, IN_FLIGHT, async (i) => {
            const doc = docs[i]!;
            await outcomeQueue.add(outcomeJob(doc, carry), {
              jobId: doc.id,
              delayMs: dueOf(i) - Date.now(),
              ...retry,
            });
          });
        },
        start(deliveries) {
          log = deliveries;
          app.startWorkers();
        },
        async verify() {
          // The handler marks a session sent after the send; give the last ones time to finish.
          const deadline = Date.now() + 10_000;
          for (;;) {
            const counts = await outcomeQueue.counts();
            if (counts.completed === plan.jobs) break;
            if (Date.now() > deadline) return `queue counts ${JSON.stringify(counts)}`;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          const sent = await sessions.count({ field: 'email.state', op: 'eq', value: 'sent' });
          return sent === plan.jobs ? undefined : `${sent} of ${plan.jobs} sessions marked sent`;
        },
        async close() {
          await openPort.close();
          await openStore.close();
        },
      },
      profiled,
    );
  } catch (err) {
    await queuePort?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    throw err;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

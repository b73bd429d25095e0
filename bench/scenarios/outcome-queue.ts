/**
 * The outcome-email queue (issue 4, "Speed"), each crm-bridge figure beside raw bull doing the same
 * work in the same run, on a private redis-server (stopped at the end):
 *
 * (a) Enqueue BENCH_QUEUE_JOBS (default 100,000) finished calls of ~1.1 KB, 15-minute delay:
 *     raw bull `addBulk` (the sessions as job data, 1,000 per call) vs crm-bridge's scheduling
 *     path, SessionsService.receive (validation, the embedded store, the queue port) on the app
 *     composeApp builds, 1,000 sessions in flight — and, as a second row, the queue port's `add`
 *     alone. The three run in interleaved rounds. Rate, per-job latency, CPU (this process and
 *     Redis) and Redis used_memory growth per job. Targets: receive ≥ 0.8× addBulk's rate, and at
 *     most 1 KB of Redis per scheduled email beyond its payload. A profiled pass of receive says
 *     where its time goes.
 * (b) BENCH_QUEUE_DUE (default 20,000) emails due evenly within one 2 s window: raw bull with a
 *     no-op handler vs crm-bridge's job handler (SessionsService.deliver via app.startWorkers())
 *     with a Mailer whose send resolves at once; both with DELIVERY_CONCURRENCY (128) workers, so
 *     the reference does the same work as crm-bridge's worker. Delivery rate (from the
 *     first due time to the last send) and lateness (sent − due) p50/p99. The two alternate for
 *     BENCH_QUEUE_DELIVERY_PASSES (default 3) passes each, and each side reports its median pass
 *     by lateness p99. Target: crm-bridge's lateness p99 ≤ raw bull's + 250 ms.
 * (c) The same without Redis, on the local scheduler (createLocalQueuePort on the embedded store):
 *     reported, no target; its memory figure is this process's heap growth.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Bull from 'bull';
import { type Composed, composeApp } from '../../src/compose';
import {
  carriesSessions,
  OUTCOME_QUEUE,
  type OutcomeJob,
} from '../../src/sessions/sessions-service';
import type { AppConfig } from '../../src/shared/config/app-config';
import { createLogger } from '../../src/shared/log/logger';
import { benchConfig } from '../lib/bench-config';
import { countedMeasurement } from '../lib/loop-run';
import {
  byConcern,
  type Concern,
  describeShares,
  fromPackage,
  fromSource,
  GC,
  profileWhile,
  saveProfile,
} from '../lib/profile';
import {
  addFigures,
  appDelivery,
  type DeliveryFigures,
  type DeliveryPlan,
  IN_FLIGHT,
  noFigures,
  portAdd,
  type QueueFigures,
  rawAddBulk,
  rawDelivery,
  receiveSessions,
  type Retry,
  WORKER_CONCURRENCY,
} from '../lib/queue-bench';
import { RECIPIENT } from '../lib/outcome-sessions';
import { BenchRedis, redisServerVersion } from '../lib/redis-server';
import { crashedRow, row, skippedRow } from '../lib/rows';
import type { BenchContext, Measurement, ScenarioResult, SuiteScenario } from '../lib/types';

const DELAY_MS = 15 * 60_000;
const WINDOW_MS = 2_000;
const MIN_ENQUEUE_RATIO = 0.8;
const MAX_BYTES_BEYOND_PAYLOAD = 1024;
const MAX_EXTRA_LATENESS_MS = 250;
/** Disjoint session numbers per use, so no job id repeats within a queue. */
const BASE = { measured: 0, add: 2_000_000, warm: 4_000_000, profiled: 6_000_000 } as const;

function envCount(name: string, fallback: number, least = 100): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < least)
    throw new Error(`${name} must be a whole number ≥ ${least}`);
  return n;
}

/** The shipped config with outcome emails on, to one address, 15 minutes after the session. */
function queueConfig(): AppConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-config-'));
  try {
    const base = benchConfig(dir);
    const outcomeEmail = {
      ...base.server.outcomeEmail,
      enabled: true,
      to: RECIPIENT,
      delayMinutes: DELAY_MS / 60_000,
      queues: {},
    };
    return { ...base, server: { ...base.server, outcomeEmail } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function measurement(f: QueueFigures): Measurement {
  return countedMeasurement({
    ops: f.jobs,
    seconds: f.ms / 1000,
    samplesMs: f.samplesMs,
    cpuMicros: f.nodeCpuMicros + f.redisCpuMicros,
    errors: f.errors,
    wrong: f.wrong,
    ...(f.firstProblem !== undefined && { firstProblem: f.firstProblem }),
  });
}

/** Redis (or heap) bytes per job, and how many of them are beyond the job's own data. */
function memoryPerJob(f: QueueFigures): { perJob: number; beyondPayload: number; payload: number } {
  const perJob = f.memoryBytes / Math.max(1, f.jobs);
  const payload = f.payloadBytes / Math.max(1, f.jobs);
  return { perJob, beyondPayload: perJob - payload, payload };
}

const redisMemoryText = (f: QueueFigures): string => {
  const { perJob, beyondPayload, payload } = memoryPerJob(f);
  return `Redis ${kb(perJob)}/job, ${kb(beyondPayload)} beyond its ${int(payload)} B payload`;
};

const overrunText = (f: DeliveryFigures): string =>
  f.enqueueOverrunMs > 0 ? ` (enqueue ran ${seconds(f.enqueueOverrunMs)} into the window)` : '';

/** Where receive's time goes, in this order of precedence. */
const RECEIVE_CONCERNS: readonly Concern[] = [
  GC,
  ['validation (zod)', fromPackage('zod')],
  [
    'store (nedb + embedded adapter)',
    fromPackage('@seald-io/nedb', '@seald-io/binary-search-tree'),
  ],
  ['store (nedb + embedded adapter)', fromSource('/shared/store/')],
  ['queue (bull + ioredis + adapter)', fromPackage('bull', 'ioredis', 'redis-parser', 'msgpackr')],
  ['queue (bull + ioredis + adapter)', fromSource('/shared/queue/')],
  ['SessionsService.receive itself (payload JSON, email plan)', fromSource('/sessions/')],
  ['logger', fromPackage('winston', 'logform')],
  ['Node runtime', (frame) => frame.url.startsWith('node:')],
];

/** Where the delivery handler's time goes. */
const DELIVER_CONCERNS: readonly Concern[] = [
  GC,
  ['email templates (handlebars)', fromPackage('handlebars')],
  [
    'store (nedb + embedded adapter)',
    fromPackage('@seald-io/nedb', '@seald-io/binary-search-tree'),
  ],
  ['store (nedb + embedded adapter)', fromSource('/shared/store/')],
  ['queue (bull + ioredis + adapter)', fromPackage('bull', 'ioredis', 'redis-parser', 'msgpackr')],
  ['queue (bull + ioredis + adapter)', fromSource('/shared/queue/')],
  ['deliver + compose (JSON.parse, pretty JSON, transcript)', fromSource('/sessions/')],
  ['logger', fromPackage('winston', 'logform')],
  ['Node runtime', (frame) => frame.url.startsWith('node:')],
];

/** Runs a part; a crash becomes a CRASHED row under `name` and the suite goes on. */
async function part(
  rows: ScenarioResult[],
  name: string,
  run: () => Promise<ScenarioResult[]>,
): Promise<void> {
  try {
    rows.push(...(await run()));
  } catch (err) {
    console.error(`  ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    rows.push(crashedRow(name, err));
  }
}

interface EnqueueResults {
  raw: QueueFigures;
  receive: QueueFigures;
  add: QueueFigures;
}

/** (a): raw addBulk, receive and port add in interleaved rounds, then a profiled receive pass. */
async function enqueueOnRedis(
  ctx: BenchContext,
  redis: BenchRedis,
  config: AppConfig,
  jobs: number,
  retry: Retry,
): Promise<EnqueueResults> {
  await redis.flush();
  const raw = new Bull<Record<string, unknown>>(OUTCOME_QUEUE, redis.url, { prefix: 'raw' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-enqueue-'));
  let composed: Composed | undefined;
  try {
    await raw.isReady();
    composed = await composeApp(
      config,
      { dataDir, redisUrl: redis.url, queuePrefix: 'crm' },
      createLogger('silent'),
    );
    const { sessions } = composed.app;
    const port = composed.queue.queue<OutcomeJob>(OUTCOME_QUEUE);
    const carry = carriesSessions(composed.queue.kind, composed.store.kind);
    const warm = Math.min(2 * IN_FLIGHT, jobs);
    await rawAddBulk(redis, raw, BASE.warm, warm, DELAY_MS, retry);
    await receiveSessions(redis, sessions, BASE.warm, warm, carry);
    await portAdd(redis, port, BASE.warm + warm, warm, DELAY_MS, retry, carry);

    const results: EnqueueResults = { raw: noFigures(), receive: noFigures(), add: noFigures() };
    const rounds = Math.max(1, Math.min(4, Math.floor(jobs / (4 * IN_FLIGHT))));
    const phases: (() => Promise<void>)[] = [];
    for (let r = 0; r < rounds; r++) {
      const from = Math.floor((jobs * r) / rounds);
      const count = Math.floor((jobs * (r + 1)) / rounds) - from;
      const steps = [
        async () =>
          addFigures(results.raw, await rawAddBulk(redis, raw, from, count, DELAY_MS, retry)),
        async () =>
          addFigures(results.receive, await receiveSessions(redis, sessions, from, count, carry)),
        async () =>
          addFigures(
            results.add,
            await portAdd(redis, port, BASE.add + from, count, DELAY_MS, retry, carry),
          ),
      ];
      // A different one goes first each round, so none always runs on a fresh (or tired) Redis.
      phases.push(...steps.slice(r % 3), ...steps.slice(0, r % 3));
    }
    for (const phase of phases) await phase();
    ctx.log(
      `enqueued ${int(jobs)} × 3 in ${rounds} interleaved rounds: addBulk ${int(results.raw.jobs / (results.raw.ms / 1000))}/s, receive ${int(results.receive.jobs / (results.receive.ms / 1000))}/s, port add ${int(results.add.jobs / (results.add.ms / 1000))}/s`,
    );

    // Everything added is there, delayed, once.
    const rawCounts = await raw.getJobCounts();
    if (rawCounts.delayed !== jobs + warm) {
      results.raw.wrong += 1;
      results.raw.firstProblem ??= `bull holds ${rawCounts.delayed} delayed jobs, not ${jobs + warm}`;
    }
    const portCounts = await port.counts();
    if (portCounts.delayed !== 2 * (jobs + warm)) {
      results.receive.wrong += 1;
      results.receive.firstProblem ??= `the port holds ${portCounts.delayed} delayed jobs, not ${2 * (jobs + warm)}`;
    }

    const profiledJobs = Math.min(20_000, Math.max(IN_FLIGHT, Math.floor(jobs / 5)));
    const { result: profiled, profile } = await profileWhile(() =>
      receiveSessions(redis, sessions, BASE.profiled, profiledJobs, carry),
    );
    const rate = profiled.jobs / (profiled.ms / 1000);
    ctx.note(
      `queue: where SessionsService.receive's time goes (profiled pass of ${int(profiledJobs)}, ${int(rate)}/s while profiled; this process's CPU ${(profiled.nodeCpuMicros / profiled.jobs).toFixed(0)} µs/session, Redis ${(profiled.redisCpuMicros / profiled.jobs).toFixed(0)} µs): ${describeShares(byConcern(profile, RECEIVE_CONCERNS), profiledJobs)}`,
    );
    if (ctx.profiled.includes('queue')) {
      ctx.log(`profile: ${saveProfile(ctx.profileDir, 'queue-receive', profile, profiledJobs)}`);
    }
    return results;
  } finally {
    await raw.close().catch(() => undefined);
    for (const closer of composed?.closers ?? []) await closer.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await redis.flush().catch(() => undefined);
  }
}

function enqueueRows(jobs: number, a: EnqueueResults): ScenarioResult[] {
  const reference = {
    name: `queue: raw bull addBulk, ${int(jobs)} × 1.1 KB, 15 min delay (reference)`,
    measurement: measurement(a.raw),
  };
  const judged = (name: string, f: QueueFigures): ScenarioResult => {
    const m = measurement(f);
    const memory = memoryPerJob(f);
    const rateRatio = m.rate / reference.measurement.rate;
    return row({
      name,
      measurement: m,
      reference,
      measured: redisMemoryText(f),
      target: {
        text: `≥ ${MIN_ENQUEUE_RATIO}× addBulk's ops/s, ≤ 1 KB/job beyond payload`,
        met: rateRatio >= MIN_ENQUEUE_RATIO && memory.beyondPayload <= MAX_BYTES_BEYOND_PAYLOAD,
      },
      figures: {
        redisBytesPerJob: memory.perJob,
        redisBytesBeyondPayload: memory.beyondPayload,
        nodeCpuUsPerJob: f.nodeCpuMicros / f.jobs,
        redisCpuUsPerJob: f.redisCpuMicros / f.jobs,
      },
    });
  };
  const rawMemory = memoryPerJob(a.raw);
  return [
    row({
      ...reference,
      measured: redisMemoryText(a.raw),
      figures: {
        redisBytesPerJob: rawMemory.perJob,
        redisBytesBeyondPayload: rawMemory.beyondPayload,
        nodeCpuUsPerJob: a.raw.nodeCpuMicros / a.raw.jobs,
        redisCpuUsPerJob: a.raw.redisCpuMicros / a.raw.jobs,
      },
    }),
    judged('queue: SessionsService.receive → bull (scheduling path)', a.receive),
    judged('queue: queue port add alone → bull', a.add),
  ];
}

function deliveryRows(due: number, raw: DeliveryFigures, app: DeliveryFigures): ScenarioResult[] {
  const reference = {
    name: `queue: raw bull delivery, ${int(due)} due in 2 s, no-op handler (reference)`,
    measurement: measurement(raw),
  };
  const m = measurement(app);
  const extra = m.p99Ms - reference.measurement.p99Ms;
  return [
    row({
      ...reference,
      measured: `lateness p99 ${seconds(reference.measurement.p99Ms)}${overrunText(raw)}`,
      figures: { latenessP99Ms: reference.measurement.p99Ms, enqueueMs: raw.enqueueMs },
    }),
    row({
      name: 'queue: SessionsService.deliver → no-op mailer (bull)',
      measurement: m,
      reference,
      measured: `lateness p99 ${extra >= 0 ? '+' : '−'}${int(Math.abs(extra))} ms vs raw${overrunText(app)}`,
      target: {
        text: `lateness p99 ≤ raw + ${MAX_EXTRA_LATENESS_MS} ms`,
        met: extra <= MAX_EXTRA_LATENESS_MS && app.enqueueOverrunMs === 0,
      },
      figures: { latenessP99Ms: m.p99Ms, extraLatenessP99Ms: extra, enqueueMs: app.enqueueMs },
    }),
  ];
}

/** The pass with the median lateness p99 (the upper one of an even count). */
function medianPass(passes: readonly DeliveryFigures[]): DeliveryFigures {
  const sorted = [...passes].sort((a, b) => measurement(a).p99Ms - measurement(b).p99Ms);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no delivery pass ran');
  return middle;
}

/** Time to enqueue `jobs` at `rate`/s, doubled, plus a second: the lead before the window. */
const leadFor = (jobs: number, rate: number): number =>
  Math.round(1_000 + (2 * 1000 * jobs) / Math.max(1, rate));

export const outcomeQueue: SuiteScenario = {
  kind: 'suite',
  name: 'outcome-email queue',
  servers: [],
  async run(ctx) {
    const jobs = envCount('BENCH_QUEUE_JOBS', 100_000);
    const due = envCount('BENCH_QUEUE_DUE', 20_000);
    // Passes per delivery side: the machine's load drifts within seconds, so one pass can mislead.
    const deliveryPasses = envCount('BENCH_QUEUE_DELIVERY_PASSES', 3, 1);
    const config = queueConfig();
    const { attempts, backoffSeconds } = config.server.outcomeEmail.retry;
    const retry: Retry = { attempts, backoffMs: Math.round(backoffSeconds * 1000) };
    const rows: ScenarioResult[] = [];
    const plan = (rate: number): DeliveryPlan => ({
      jobs: due,
      windowMs: WINDOW_MS,
      leadMs: leadFor(due, rate),
      graceMs: 60_000,
    });
    ctx.note(
      `queue: ${int(IN_FLIGHT)} jobs in flight (one addBulk for raw bull); ${WORKER_CONCURRENCY} workers each side; CPU is this process's plus Redis's; delivery ops/s counts from the first due time to the last send, p50/p99 there are lateness (sent − due)`,
    );

    const version = redisServerVersion();
    if (version === undefined) {
      const why =
        'redis-server not found: install it (apt-get install redis-server) for these rows';
      console.error(`\n  ****************************************************************`);
      console.error(`  *  SKIPPED the bull rows of the outcome-email queue suite:`);
      console.error(`  *  ${why}`);
      console.error(`  ****************************************************************\n`);
      rows.push(
        skippedRow('queue: enqueue on bull (raw addBulk, receive, port add)', why),
        skippedRow('queue: delivery on bull (raw, SessionsService.deliver)', why),
      );
    } else {
      ctx.log(version);
      const redis = await BenchRedis.start(ctx.pinning);
      let bullAddRate = 10_000;
      try {
        await part(rows, 'queue: enqueue on bull', async () => {
          const results = await enqueueOnRedis(ctx, redis, config, jobs, retry);
          bullAddRate = Math.min(
            results.raw.jobs / (results.raw.ms / 1000),
            results.add.jobs / (results.add.ms / 1000),
          );
          return enqueueRows(jobs, results);
        });
        await part(rows, 'queue: delivery on bull', async () => {
          const passes: { raw: DeliveryFigures; app: DeliveryFigures }[] = [];
          for (let pass = 0; pass < deliveryPasses; pass++) {
            await redis.flush();
            const runRaw = () =>
              rawDelivery(redis, `raw-deliver-${pass}`, plan(bullAddRate), retry);
            const runApp = () =>
              appDelivery(
                { config, redis, prefix: `crm-deliver-${pass}` },
                plan(bullAddRate / 2),
                retry,
              );
            // Alternate which side goes first, so a drift in the machine's load favours neither.
            if (pass % 2 === 0) {
              const raw = await runRaw();
              passes.push({ raw, app: await runApp() });
            } else {
              const app = await runApp();
              passes.push({ raw: await runRaw(), app });
            }
          }
          const raw = medianPass(passes.map((p) => p.raw));
          const app = medianPass(passes.map((p) => p.app));
          ctx.note(
            `queue: delivery in ${passes.length} passes, raw bull and crm-bridge alternating; each row is its side's median pass by lateness p99 (raw ${passes.map((p) => seconds(measurement(p.raw).p99Ms)).join(', ')}; crm-bridge ${passes.map((p) => seconds(measurement(p.app).p99Ms)).join(', ')})`,
          );
          ctx.log(
            `delivery enqueue took ${seconds(raw.enqueueMs)} (raw), ${seconds(app.enqueueMs)} (crm-bridge)`,
          );
          await redis.flush();
          const profiledJobs = Math.min(due, 5_000);
          const { profile } = await appDelivery(
            { config, redis, prefix: 'crm-deliver-profiled' },
            { ...plan(bullAddRate / 2), jobs: profiledJobs },
            retry,
            true,
          );
          if (profile) {
            ctx.note(
              `queue: where crm-bridge's delivery time goes (profiled pass of ${int(profiledJobs)} due in 2 s, this process only): ${describeShares(byConcern(profile, DELIVER_CONCERNS), profiledJobs)}`,
            );
            if (ctx.profiled.includes('queue')) {
              ctx.log(
                `profile: ${saveProfile(ctx.profileDir, 'queue-deliver', profile, profiledJobs)}`,
              );
            }
          }
          return deliveryRows(due, raw, app);
        });
      } finally {
        await redis.stop();
      }
    }

    await part(rows, 'queue (local scheduler)', () =>
      localRows(ctx, config, jobs, due, retry, rows),
    );
    return rows;
  },
};

/** (c): the local scheduler, compared with the raw bull rows when they ran. */
async function localRows(
  ctx: BenchContext,
  config: AppConfig,
  jobs: number,
  due: number,
  retry: Retry,
  bullRows: readonly ScenarioResult[],
): Promise<ScenarioResult[]> {
  const referenceOf = (prefix: string) => {
    const found = bullRows.find((r) => r.name.startsWith(prefix) && r.measurement);
    return found?.measurement ? { name: found.name, measurement: found.measurement } : undefined;
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-local-'));
  let composed: Composed | undefined;
  let receive: QueueFigures;
  let add: QueueFigures;
  try {
    composed = await composeApp(config, { dataDir }, createLogger('silent'));
    const port = composed.queue.queue<OutcomeJob>(OUTCOME_QUEUE);
    const warm = Math.min(2 * IN_FLIGHT, jobs);
    await receiveSessions(undefined, composed.app.sessions, BASE.warm, warm);
    await portAdd(undefined, port, BASE.warm + warm, warm, DELAY_MS, retry);
    receive = await receiveSessions(undefined, composed.app.sessions, BASE.measured, jobs);
    add = await portAdd(undefined, port, BASE.add, jobs, DELAY_MS, retry);
  } finally {
    for (const closer of composed?.closers ?? []) await closer.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const addRate = add.jobs / (add.ms / 1000);
  ctx.log(`local: receive ${int(receive.jobs / (receive.ms / 1000))}/s, add ${int(addRate)}/s`);
  const delivery = await appDelivery(
    { config, prefix: '' },
    { jobs: due, windowMs: WINDOW_MS, leadMs: leadFor(due, addRate / 2), graceMs: 60_000 },
    retry,
  );
  const enqueueReference = referenceOf('queue: raw bull addBulk');
  const deliveryReference = referenceOf('queue: raw bull delivery');
  const heapText = (f: QueueFigures): string =>
    `heap ${kb(memoryPerJob(f).perJob)}/job (store and jobs in memory)`;
  const m = measurement(delivery);
  return [
    row({
      name: 'queue (local): SessionsService.receive → local scheduler',
      measurement: measurement(receive),
      ...(enqueueReference && { reference: enqueueReference }),
      measured: heapText(receive),
      figures: { heapBytesPerJob: memoryPerJob(receive).perJob },
    }),
    row({
      name: 'queue (local): queue port add alone',
      measurement: measurement(add),
      ...(enqueueReference && { reference: enqueueReference }),
      measured: heapText(add),
      figures: { heapBytesPerJob: memoryPerJob(add).perJob },
    }),
    row({
      name: 'queue (local): SessionsService.deliver → no-op mailer',
      measurement: m,
      ...(deliveryReference && { reference: deliveryReference }),
      measured: `lateness p99 ${seconds(m.p99Ms)}${overrunText(delivery)}`,
      figures: { latenessP99Ms: m.p99Ms, enqueueMs: delivery.enqueueMs },
    }),
  ];
}

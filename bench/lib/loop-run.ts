/**
 * The runner for what is not an HTTP load: operations called in a loop in this process (the
 * driver, pinned to its own core), timed in batches. Operations that are compared are
 * interleaved in short slices, so that whatever else the machine does at the time weighs on each
 * of them alike and their ratio holds even when the absolute figures move.
 */
import type { Measurement } from './types';

export interface TimedOp {
  name: string;
  /** Operations per timed batch: enough for a batch to take well over the clock's resolution. */
  batch: number;
  /** One operation; a returned promise is awaited before the next starts. */
  run: () => unknown;
}

export interface LoopStats {
  name: string;
  ops: number;
  /** Wall time spent in this operation's batches. */
  wallMs: number;
  /** CPU time (user + system) of this process during them. */
  cpuMicros: number;
  /** Each batch's time per operation. */
  perOpMs: number[];
  /** Operations that threw or rejected. */
  errors: number;
  firstError?: string;
}

export interface LoopOptions {
  /** Measured seconds per operation. */
  seconds: number;
  /** Unmeasured seconds per operation first (JIT, caches, connections). */
  warmupSeconds: number;
  /** How long each operation runs before the next one takes over. Default 250 ms. */
  sliceMs?: number;
}

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'then') === 'function';

export const cpuMicrosNow = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const emptyStats = (name: string): LoopStats => ({
  name,
  ops: 0,
  wallMs: 0,
  cpuMicros: 0,
  perOpMs: [],
  errors: 0,
});

/** Runs `op` batch after batch until `until` (performance.now()), adding to `stats`. */
async function slice(op: TimedOp, stats: LoopStats, until: number): Promise<void> {
  const cpuBefore = cpuMicrosNow();
  while (performance.now() < until) {
    const started = performance.now();
    for (let i = 0; i < op.batch; i++) {
      try {
        const result = op.run();
        if (isPromise(result)) await result;
      } catch (err) {
        stats.errors += 1;
        stats.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
    const took = performance.now() - started;
    stats.wallMs += took;
    stats.ops += op.batch;
    stats.perOpMs.push(took / op.batch);
  }
  stats.cpuMicros += cpuMicrosNow() - cpuBefore;
}

async function alternate(
  ops: readonly TimedOp[],
  stats: LoopStats[],
  totalMs: number,
  sliceMs: number,
) {
  const end = performance.now() + totalMs;
  while (performance.now() < end) {
    for (const [i, op] of ops.entries()) {
      const s = stats[i];
      if (s) await slice(op, s, Math.min(end, performance.now() + sliceMs));
    }
  }
}

/**
 * Times each operation for `seconds` (after `warmupSeconds`), the operations taking turns in
 * slices. Returns one LoopStats per operation, in order.
 */
export async function timeInterleaved(
  ops: readonly TimedOp[],
  options: LoopOptions,
): Promise<LoopStats[]> {
  const sliceMs = options.sliceMs ?? 250;
  if (options.warmupSeconds > 0) {
    const discarded = ops.map((op) => emptyStats(op.name));
    await alternate(ops, discarded, options.warmupSeconds * 1000 * ops.length, sliceMs);
  }
  const stats = ops.map((op) => emptyStats(op.name));
  await alternate(ops, stats, options.seconds * 1000 * ops.length, sliceMs);
  return stats;
}

/** Nearest-rank percentile of values sorted ascending (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export interface Counted {
  ops: number;
  seconds: number;
  /** Per-operation latencies (or lateness), ms; p50 and p99 come from these. */
  samplesMs: readonly number[];
  cpuMicros: number;
  errors?: number;
  /** Operations that completed but with a wrong result. */
  wrong?: number;
  firstProblem?: string;
}

/** A Measurement for the table from counted operations. */
export function countedMeasurement(c: Counted): Measurement {
  const sorted = [...c.samplesMs].sort((a, b) => a - b);
  return {
    rate: c.seconds > 0 ? c.ops / c.seconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    total: c.ops,
    durationSeconds: c.seconds,
    non2xx: 0,
    socketErrors: c.errors ?? 0,
    mismatches: c.wrong ?? 0,
    statusCounts: {},
    ...(c.firstProblem !== undefined && { firstMismatch: c.firstProblem }),
    cpuUsPerRequest: c.ops > 0 ? c.cpuMicros / c.ops : 0,
  };
}

/** A timed loop as a Measurement: p50/p99 are of the batches' per-operation times. */
export function loopMeasurement(stats: LoopStats): Measurement {
  return countedMeasurement({
    ops: stats.ops,
    seconds: stats.wallMs / 1000,
    samplesMs: stats.perOpMs,
    cpuMicros: stats.cpuMicros,
    errors: stats.errors,
    ...(stats.firstError !== undefined && { firstProblem: stats.firstError }),
  });
}

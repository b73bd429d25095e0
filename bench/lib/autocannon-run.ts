import autocannon from 'autocannon';
import type { RunningServer } from './spawn-server';
import type { BenchContext, Measurement } from './types';

export interface PlannedRequest {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  /** True when a 2xx response body is the expected one; applied to every response of the run. */
  check?: (body: string) => boolean;
}

export interface LoadSpec {
  server: RunningServer<unknown>;
  headers?: Record<string, string>;
  /** The request each connection sends next (called once per request). */
  next: () => PlannedRequest;
}

type LoadResult = Omit<Measurement, 'cpuUsPerRequest'>;

async function fire(spec: LoadSpec, connections: number, seconds: number): Promise<LoadResult> {
  const checks = new WeakMap<object, (body: string) => boolean>();
  let mismatches = 0;
  let firstMismatch: string | undefined;

  const result = await autocannon({
    url: spec.server.url,
    connections,
    duration: seconds,
    headers: spec.headers ?? {},
    requests: [
      {
        setupRequest: (request, context) => {
          const { check, ...planned } = spec.next();
          if (check) checks.set(context, check);
          else checks.delete(context);
          return { ...request, method: 'GET', ...planned };
        },
        onResponse: (status, body, context) => {
          const check = checks.get(context);
          if (status < 200 || status > 299 || !check || check(body)) return;
          mismatches += 1;
          firstMismatch ??= body.slice(0, 300);
        },
      },
    ],
  });

  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[code] = stat.count ?? 0;
  }
  return {
    rate: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    durationSeconds: result.duration,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    mismatches,
    statusCounts,
    ...(firstMismatch === undefined ? {} : { firstMismatch }),
  };
}

/**
 * Loads the server for ctx.warmupSeconds (discarded: JIT, caches and connections settle), then
 * for ctx.seconds with ctx.connections connections, and reports the second run, with the CPU
 * time the server spent per request meanwhile.
 */
export async function measure(ctx: BenchContext, spec: LoadSpec): Promise<Measurement> {
  if (ctx.warmupSeconds > 0) await fire(spec, ctx.connections, ctx.warmupSeconds);
  const before = await spec.server.stats();
  const result = await fire(spec, ctx.connections, ctx.seconds);
  const after = await spec.server.stats();
  const served = Math.max(1, after.requests - before.requests);
  return { ...result, cpuUsPerRequest: (after.cpuMicros - before.cpuMicros) / served };
}

/** Cycles through a fixed list of requests, shared by all connections. */
export function roundRobin<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('roundRobin needs at least one item');
  let i = 0;
  return () => items[i++ % items.length] as T;
}

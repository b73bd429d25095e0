import type { Pinning } from './cpu';
import type { RunningServer, ServerName, ServerInfos } from './spawn-server';

/** What a load scenario must reach, as ratios to the baseline measured in the same run. */
export interface Target {
  /** Requests/s at least this fraction of the baseline's. */
  minRateRatio: number;
  /** p99 latency at most this multiple of the baseline's p99. */
  maxP99Ratio: number;
}

/** One measured run: an autocannon load, or a timed loop of operations (bench/lib/loop-run.ts). */
export interface Measurement {
  /** Mean requests (or operations) per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  durationSeconds: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts; for a loop, operations that threw. */
  socketErrors: number;
  /** 2xx responses whose body was not the expected one; for a loop, wrong results. */
  mismatches: number;
  /** Responses by status code. */
  statusCounts: Record<string, number>;
  /** The start of the first unexpected body (or error), if any. */
  firstMismatch?: string;
  /**
   * CPU time (user + system) per request or operation: unlike requests/s, barely moved by other
   * processes on the machine, so it is the figure to compare when the machine is busy. For a
   * server, the server's; for a loop, the driver's (plus Redis's, where the row says so).
   */
  cpuUsPerRequest: number;
}

export interface BenchContext {
  /** Measured seconds per scenario (BENCH_SECONDS). */
  readonly seconds: number;
  /** Unmeasured warm-up seconds before each measurement. */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Where servers and this process (the driver) run. */
  readonly pinning: Pinning;
  /** BENCH_PROFILE's names: a scenario whose name is listed profiles itself. */
  readonly profiled: readonly string[];
  /** Where .cpuprofile files go. */
  readonly profileDir: string;
  /** The server of that name, started once (pinned to the server core) and shared. */
  server<N extends ServerName>(name: N): Promise<RunningServer<ServerInfos[N]>>;
  log(message: string): void;
  /** A line for the report's notes (printed, and written under the table in latest.md). */
  note(message: string): void;
}

/**
 * One HTTP load benchmark. `run` verifies that what it is about to load answers correctly
 * (throwing otherwise), then measures. The scenario marked `baseline` is what the targets compare
 * with.
 */
export interface LoadScenario {
  kind?: 'load';
  name: string;
  /** Servers to start before any scenario runs, so nothing starts while another one is measured. */
  servers: ServerName[];
  baseline?: boolean;
  target?: Target;
  run(ctx: BenchContext): Promise<Measurement>;
}

/**
 * A family of rows measured in the driver process (loops, batches, queues), each judged against
 * a reference row of the same family measured in the same run, or against an absolute target.
 */
export interface SuiteScenario {
  kind: 'suite';
  name: string;
  servers: ServerName[];
  run(ctx: BenchContext): Promise<ScenarioResult[]>;
}

export type Scenario = LoadScenario | SuiteScenario;

/**
 * `reference`: measured for comparison only, with no target (e.g. the baseline re-run).
 * `SKIPPED`: could not run here (a missing service), said loudly.
 */
export type Verdict = 'baseline' | 'reference' | 'PASS' | 'FAIL' | 'ERRORS' | 'CRASHED' | 'SKIPPED';

export interface ScenarioResult {
  name: string;
  measurement?: Measurement;
  /** The target as the table shows it. */
  target?: string;
  /** The row the ratios compare with: the bare Express baseline, or the family's reference. */
  reference?: string;
  rateRatio?: number;
  p99Ratio?: number;
  /** Reference CPU µs per operation ÷ this one's: the rate ratio an otherwise idle machine shows. */
  cpuRatio?: number;
  /** The scenario's own figure the target is about (overhead, memory, lateness), as shown. */
  measured?: string;
  /** The same figures as numbers, for latest.json. */
  figures?: Record<string, number>;
  verdict: Verdict;
  /** Why the scenario crashed or was skipped, or which errors it saw. */
  problem?: string;
}

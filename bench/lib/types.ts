import type { RunningServer, ServerName, ServerInfos } from './spawn-server';

/** What a scenario must reach, as ratios to the baseline measured in the same run. */
export interface Target {
  /** Requests/s at least this fraction of the baseline's. */
  minRateRatio: number;
  /** p99 latency at most this multiple of the baseline's p99. */
  maxP99Ratio: number;
}

/** One measured load run. */
export interface Measurement {
  /** Mean requests (or operations) per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  durationSeconds: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  /** 2xx responses whose body was not the expected one. */
  mismatches: number;
  /** Responses by status code. */
  statusCounts: Record<string, number>;
  /** The start of the first unexpected body, if any. */
  firstMismatch?: string;
  /**
   * Server CPU time (user + system) per request: unlike requests/s, barely moved by other
   * processes on the machine, so it is the figure to compare when the machine is busy.
   */
  cpuUsPerRequest: number;
}

export interface BenchContext {
  /** Measured seconds per scenario (BENCH_SECONDS). */
  readonly seconds: number;
  /** Unmeasured warm-up seconds before each measurement. */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** The server of that name, started once (pinned to the server core) and shared. */
  server<N extends ServerName>(name: N): Promise<RunningServer<ServerInfos[N]>>;
  log(message: string): void;
}

/**
 * One benchmark. `run` verifies that what it is about to load answers correctly (throwing
 * otherwise), then measures. The scenario marked `baseline` is what the targets compare with.
 */
export interface Scenario {
  name: string;
  /** Servers to start before any scenario runs, so nothing starts while another one is measured. */
  servers: ServerName[];
  baseline?: boolean;
  target?: Target;
  run(ctx: BenchContext): Promise<Measurement>;
}

/** `reference`: measured for comparison only, with no target (e.g. the baseline re-run). */
export type Verdict = 'baseline' | 'reference' | 'PASS' | 'FAIL' | 'ERRORS' | 'CRASHED';

export interface ScenarioResult {
  name: string;
  measurement?: Measurement;
  target?: Target;
  rateRatio?: number;
  p99Ratio?: number;
  /** Baseline CPU µs per request ÷ this one's: the rate ratio an otherwise idle machine shows. */
  cpuRatio?: number;
  verdict: Verdict;
  /** Why the scenario crashed or which errors it saw. */
  problem?: string;
}

/**
 * `npm run bench`: starts every server the scenarios need (pinned to CPU 0), drives them with
 * autocannon from this process (pinned to CPU 1), prints a table and writes
 * bench/results/latest.{json,md}.
 *
 * Environment: BENCH_SECONDS (measured seconds per scenario, default 10), BENCH_WARMUP_SECONDS,
 * BENCH_CONNECTIONS (default 50), BENCH_ACCOUNTS (seeded accounts, default 100000),
 * BENCH_ONLY (run only scenarios whose name contains this, plus the baseline),
 * BENCH_PROFILE (comma-separated: crm-bridge, whose server profiles itself after seeding; flow and
 * queue, whose suites save the profiles they take anyway; all into bench/results/profiles/),
 * BENCH_QUEUE_JOBS and BENCH_QUEUE_DUE (bench/scenarios/outcome-queue.ts). A run with BENCH_ONLY
 * does not replace latest.*.
 *
 * Besides the HTTP loads, suites measure in this process what is not an HTTP load (template
 * rendering, the Generic API flows, the outcome-email queue), each row against a reference row
 * of its own family measured in the same run (bench/lib/loop-run.ts, bench/lib/rows.ts).
 *
 * Exit code: 0 when every scenario ran without errors, even if a target was missed (this is a
 * report, not a gate); 1 when a scenario saw errors or crashed; 2 when a server did not start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pinDriver, type Pinning } from './lib/cpu';
import { type ServerName, serverPool } from './lib/spawn-server';
import { measurementProblem, ratios } from './lib/rows';
import { markdownTable, textTable } from './lib/table';
import type { BenchContext, LoadScenario, Measurement, ScenarioResult } from './lib/types';
import { scenarios } from './scenarios';

const RESULTS_DIR = path.join(__dirname, 'results');

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`${name} must be a number ≥ ${min}: "${raw}"`);
  return n;
}

const BASELINE_TARGET = (t: NonNullable<LoadScenario['target']>): string =>
  `≥ ${t.minRateRatio}× req/s, p99 ≤ ${t.maxP99Ratio}×`;

function judge(
  scenario: LoadScenario,
  m: Measurement,
  baseline: { name: string; measurement: Measurement } | undefined,
): ScenarioResult {
  const result: ScenarioResult = {
    name: scenario.name,
    measurement: m,
    verdict: 'baseline',
    ...(scenario.target ? { target: BASELINE_TARGET(scenario.target) } : {}),
  };
  const problem = measurementProblem(m);
  if (baseline && !scenario.baseline) {
    Object.assign(result, { reference: baseline.name, ...ratios(m, baseline.measurement) });
  }
  if (problem !== undefined) return { ...result, verdict: 'ERRORS', problem };
  if (scenario.baseline) return result;
  const { target } = scenario;
  if (target === undefined) return { ...result, verdict: 'reference' };
  const met =
    result.rateRatio !== undefined &&
    result.p99Ratio !== undefined &&
    result.rateRatio >= target.minRateRatio &&
    result.p99Ratio <= target.maxP99Ratio;
  return { ...result, verdict: met ? 'PASS' : 'FAIL' };
}

function setupLines(
  pinning: Pinning,
  ctx: BenchContext,
  setups: string[],
  loadAtStart: number,
): string[] {
  const cpus = os.cpus();
  return [
    `${new Date().toISOString()} · Node ${process.version} · ${cpus.length}× ${cpus[0]?.model ?? 'CPU'}`,
    pinning.pinned
      ? `servers on CPU ${pinning.serverCpu}, autocannon on CPU ${pinning.driverCpu}`
      : `NOT pinned: ${pinning.warning ?? ''}`,
    `${ctx.connections} connections, ${ctx.seconds} s per scenario after ${ctx.warmupSeconds} s warm-up`,
    pinning.pinned
      ? `loops, flows and queues run in the driver on CPU ${pinning.driverCpu}; their servers and Redis on CPU ${pinning.serverCpu}`
      : 'loops, flows and queues run in the driver process (not pinned)',
    `load average at start ${loadAtStart.toFixed(2)}${loadAtStart >= 1 ? ' (other processes were busy: figures are noisy)' : ''}`,
    ...setups,
  ];
}

function writeResults(lines: string[], results: ScenarioResult[], ctx: BenchContext): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    connections: ctx.connections,
    seconds: ctx.seconds,
    warmupSeconds: ctx.warmupSeconds,
    setup: lines,
    scenarios: results,
  };
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  const md = [markdownTable(results), '', ...lines.map((l) => `- ${l}`), ''].join('\n');
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
}

async function main(): Promise<number> {
  const seconds = envNumber('BENCH_SECONDS', 10, 1);
  const only = process.env.BENCH_ONLY;
  const profiled = (process.env.BENCH_PROFILE ?? '').split(',').filter((name) => name !== '');
  const loadAtStart = os.loadavg()[0] ?? 0;
  const pinning = pinDriver();
  if (pinning.warning) console.warn(`warning: ${pinning.warning}`);

  const pool = serverPool((name: ServerName) => ({
    pinning,
    ...(profiled.includes(name)
      ? { cpuProfileFile: path.join(RESULTS_DIR, 'profiles', `${name}-${Date.now()}.cpuprofile`) }
      : {}),
  }));
  const notes: string[] = [];
  const ctx: BenchContext = {
    seconds,
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', Math.min(3, Math.ceil(seconds / 5)), 0),
    connections: envNumber('BENCH_CONNECTIONS', 50, 1),
    pinning,
    profiled,
    profileDir: path.join(RESULTS_DIR, 'profiles'),
    server: (name) => pool.get(name),
    log: (message) => console.log(`  ${message}`),
    note: (message) => {
      console.log(`  ${message}`);
      notes.push(message);
    },
  };
  const selected = scenarios.filter(
    (s) => (s.kind !== 'suite' && s.baseline) || !only || s.name.includes(only),
  );
  const names = [...new Set(selected.flatMap((s) => s.servers))];
  console.log(`starting ${names.join(', ')}…`);
  let setups: string[];
  try {
    const servers = await Promise.all(names.map((name) => ctx.server(name)));
    setups = servers.flatMap((s) =>
      s.info.setup === undefined ? [] : [`${s.name}: ${s.info.setup}`],
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await pool.stopAll();
    return 2;
  }

  const results: ScenarioResult[] = [];
  let baseline: { name: string; measurement: Measurement } | undefined;
  for (const scenario of selected) {
    console.log(`▶ ${scenario.name}`);
    try {
      if (scenario.kind === 'suite') {
        for (const result of await scenario.run(ctx)) {
          if (result.problem) console.error(`  ${result.name}: ${result.problem}`);
          results.push(result);
        }
        continue;
      }
      const measurement = await scenario.run(ctx);
      if (scenario.baseline) baseline = { name: scenario.name, measurement };
      const result = judge(scenario, measurement, baseline);
      if (result.problem) console.error(`  ${result.problem}`);
      results.push(result);
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      console.error(`  ${problem}`);
      results.push({ name: scenario.name, verdict: 'CRASHED', problem });
    }
  }
  await pool.stopAll();

  const lines = [...setupLines(pinning, ctx, setups, loadAtStart), ...notes];
  console.log(`\n${textTable(results)}\n\n${lines.join('\n')}`);
  if (only) console.log('\nBENCH_ONLY run: bench/results/latest.* left as they were');
  else {
    writeResults(lines, results, ctx);
    console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS_DIR)}/latest.{json,md}`);
  }
  return results.some((r) => r.verdict === 'ERRORS' || r.verdict === 'CRASHED') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

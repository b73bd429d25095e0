/**
 * `npm run bench`: starts every server the scenarios need (pinned to CPU 0), drives them with
 * autocannon from this process (pinned to CPU 1), prints a table and writes
 * bench/results/latest.{json,md}.
 *
 * Environment: BENCH_SECONDS (measured seconds per scenario, default 10), BENCH_WARMUP_SECONDS,
 * BENCH_CONNECTIONS (default 50), BENCH_ACCOUNTS (seeded accounts, default 100000),
 * BENCH_ONLY (run only scenarios whose name contains this, plus the baseline),
 * BENCH_PROFILE (server names, comma-separated, e.g. crm-bridge: each profiles itself after
 * seeding, into bench/results/profiles/). A run with BENCH_ONLY does not replace latest.*.
 *
 * Exit code: 0 when every scenario ran without errors, even if a target was missed (this is a
 * report, not a gate); 1 when a scenario saw errors or crashed; 2 when a server did not start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pinDriver, type Pinning } from './lib/cpu';
import { type ServerName, serverPool } from './lib/spawn-server';
import { markdownTable, textTable } from './lib/table';
import type { BenchContext, Measurement, Scenario, ScenarioResult } from './lib/types';
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

function problems(m: Measurement): string | undefined {
  const found: string[] = [];
  if (m.non2xx > 0) {
    const codes = Object.entries(m.statusCounts).filter(([code]) => !code.startsWith('2'));
    found.push(`${m.non2xx} non-2xx (${codes.map(([c, n]) => `${c}×${n}`).join(', ')})`);
  }
  if (m.socketErrors > 0) found.push(`${m.socketErrors} connection errors/timeouts`);
  if (m.mismatches > 0) found.push(`${m.mismatches} wrong bodies, e.g. ${m.firstMismatch ?? ''}`);
  return found.length > 0 ? found.join('; ') : undefined;
}

function judge(
  scenario: Scenario,
  m: Measurement,
  baseline: Measurement | undefined,
): ScenarioResult {
  const result: ScenarioResult = {
    name: scenario.name,
    measurement: m,
    verdict: 'baseline',
    ...(scenario.target ? { target: scenario.target } : {}),
  };
  const problem = problems(m);
  if (baseline && !scenario.baseline) {
    result.rateRatio = m.rate / baseline.rate;
    result.p99Ratio = m.p99Ms / baseline.p99Ms;
    result.cpuRatio = baseline.cpuUsPerRequest / m.cpuUsPerRequest;
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
  const profiled = (process.env.BENCH_PROFILE ?? '').split(',');
  const loadAtStart = os.loadavg()[0] ?? 0;
  const pinning = pinDriver();
  if (pinning.warning) console.warn(`warning: ${pinning.warning}`);

  const pool = serverPool((name: ServerName) => ({
    pinning,
    ...(profiled.includes(name)
      ? { cpuProfileFile: path.join(RESULTS_DIR, 'profiles', `${name}-${Date.now()}.cpuprofile`) }
      : {}),
  }));
  const ctx: BenchContext = {
    seconds,
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', Math.min(3, Math.ceil(seconds / 5)), 0),
    connections: envNumber('BENCH_CONNECTIONS', 50, 1),
    server: (name) => pool.get(name),
    log: (message) => console.log(`  ${message}`),
  };
  const selected = scenarios.filter((s) => s.baseline || !only || s.name.includes(only));
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
  let baseline: Measurement | undefined;
  for (const scenario of selected) {
    console.log(`▶ ${scenario.name}`);
    try {
      const measurement = await scenario.run(ctx);
      if (scenario.baseline) baseline = measurement;
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

  const lines = setupLines(pinning, ctx, setups, loadAtStart);
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

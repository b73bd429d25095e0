/** Judging a measurement: against the bare baseline (HTTP rows) or a family's reference row. */
import type { Measurement, ScenarioResult } from './types';

/** What went wrong in a measurement (non-2xx, connection errors, wrong answers), if anything. */
export function measurementProblem(m: Measurement): string | undefined {
  const found: string[] = [];
  if (m.non2xx > 0) {
    const codes = Object.entries(m.statusCounts).filter(([code]) => !code.startsWith('2'));
    found.push(`${m.non2xx} non-2xx (${codes.map(([c, n]) => `${c}×${n}`).join(', ')})`);
  }
  if (m.socketErrors > 0) {
    found.push(`${m.socketErrors} connection errors/timeouts/failed operations`);
  }
  if (m.mismatches > 0) found.push(`${m.mismatches} wrong answers, e.g. ${m.firstMismatch ?? ''}`);
  if (m.socketErrors > 0 && m.mismatches === 0 && m.firstMismatch !== undefined) {
    found.push(`first: ${m.firstMismatch}`);
  }
  return found.length > 0 ? found.join('; ') : undefined;
}

/** Rate, p99 and CPU ratios of `m` to `reference` (each left out when it cannot be computed). */
export function ratios(
  m: Measurement,
  reference: Measurement,
): Pick<ScenarioResult, 'rateRatio' | 'p99Ratio' | 'cpuRatio'> {
  const out: Pick<ScenarioResult, 'rateRatio' | 'p99Ratio' | 'cpuRatio'> = {};
  if (reference.rate > 0) out.rateRatio = m.rate / reference.rate;
  if (reference.p99Ms > 0) out.p99Ratio = m.p99Ms / reference.p99Ms;
  if (reference.cpuUsPerRequest > 0 && m.cpuUsPerRequest > 0) {
    out.cpuRatio = reference.cpuUsPerRequest / m.cpuUsPerRequest;
  }
  return out;
}

export interface RowSpec {
  name: string;
  measurement: Measurement;
  /** The row this one is compared with; its name goes to latest.json. */
  reference?: { name: string; measurement: Measurement };
  /** What the row must reach, already decided; without one the row is a reference. */
  target?: { text: string; met: boolean };
  /** The figure the target is about, as the table shows it. */
  measured?: string;
  figures?: Record<string, number>;
}

/** A suite row: ERRORS when the measurement saw any, else PASS/FAIL on its target, else reference. */
export function row(spec: RowSpec): ScenarioResult {
  const { measurement, reference, target } = spec;
  const result: ScenarioResult = {
    name: spec.name,
    measurement,
    verdict: 'reference',
    ...(reference && { reference: reference.name, ...ratios(measurement, reference.measurement) }),
    ...(target && { target: target.text }),
    ...(spec.measured !== undefined && { measured: spec.measured }),
    ...(spec.figures && { figures: spec.figures }),
  };
  const problem = measurementProblem(measurement);
  if (problem !== undefined) return { ...result, verdict: 'ERRORS', problem };
  if (target === undefined) return result;
  return { ...result, verdict: target.met ? 'PASS' : 'FAIL' };
}

export const errorText = (err: unknown): string =>
  err instanceof Error ? err.message : String(err);

export function crashedRow(name: string, err: unknown): ScenarioResult {
  return { name, verdict: 'CRASHED', problem: errorText(err) };
}

export function skippedRow(name: string, why: string): ScenarioResult {
  return { name, verdict: 'SKIPPED', problem: why, measured: why };
}

import type { ScenarioResult, Target } from './types';

const HEADINGS = [
  'scenario',
  'req/s',
  'p50 ms',
  'p99 ms',
  'req/s vs bare',
  'p99 vs bare',
  'CPU µs/req',
  'by CPU vs bare',
  'target',
  'errors',
  'result',
];

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** autocannon reports whole milliseconds; fractions appear only in averaged figures. */
const ms = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(2)}×`);
const target = (t: Target | undefined): string =>
  t === undefined ? '' : `≥ ${t.minRateRatio}× req/s, p99 ≤ ${t.maxP99Ratio}×`;

function cells(r: ScenarioResult): string[] {
  const m = r.measurement;
  const errors = m === undefined ? '' : int(m.non2xx + m.socketErrors + m.mismatches);
  return [
    r.name,
    m === undefined ? '' : int(m.rate),
    m === undefined ? '' : ms(m.p50Ms),
    m === undefined ? '' : ms(m.p99Ms),
    ratio(r.rateRatio),
    ratio(r.p99Ratio),
    m === undefined ? '' : int(m.cpuUsPerRequest),
    ratio(r.cpuRatio),
    target(r.target),
    errors,
    r.verdict,
  ];
}

const NUMERIC = new Set([1, 2, 3, 4, 5, 6, 7, 9]);

/** A fixed-width table for the terminal. */
export function textTable(results: readonly ScenarioResult[]): string {
  const rows = [HEADINGS, ...results.map(cells)];
  const widths = HEADINGS.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((cell, c) =>
        NUMERIC.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADINGS), rule, ...results.map((r) => line(cells(r)))].join('\n');
}

/** The same table in GitHub Markdown, for the README. */
export function markdownTable(results: readonly ScenarioResult[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const row = (cols: string[]): string => `| ${cols.map(escape).join(' | ')} |`;
  const align = HEADINGS.map((_, c) => (NUMERIC.has(c) ? '---:' : '---'));
  return [row(HEADINGS), `|${align.join('|')}|`, ...results.map((r) => row(cells(r)))].join('\n');
}

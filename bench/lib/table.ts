import type { ScenarioResult } from './types';

const HEADINGS = [
  'scenario',
  'ops/s',
  'p50 ms',
  'p99 ms',
  'ops/s vs ref',
  'p99 vs ref',
  'CPU µs/op',
  'by CPU vs ref',
  'measured',
  'target',
  'errors',
  'result',
];

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** Whole numbers as they are (autocannon's milliseconds); fractions to 2–3 significant digits. */
const fine = (n: number): string => {
  if (Number.isInteger(n) || Math.abs(n) >= 100) return int(n);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n === 0 ? '0' : n.toPrecision(2);
};
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(2)}×`);

function cells(r: ScenarioResult): string[] {
  const m = r.measurement;
  const errors = m === undefined ? '' : int(m.non2xx + m.socketErrors + m.mismatches);
  return [
    r.name,
    m === undefined ? '' : int(m.rate),
    m === undefined ? '' : fine(m.p50Ms),
    m === undefined ? '' : fine(m.p99Ms),
    ratio(r.rateRatio),
    ratio(r.p99Ratio),
    m === undefined ? '' : fine(m.cpuUsPerRequest),
    ratio(r.cpuRatio),
    r.measured ?? '',
    r.target ?? '',
    errors,
    r.verdict,
  ];
}

const NUMERIC = new Set([1, 2, 3, 4, 5, 6, 7, 10]);

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

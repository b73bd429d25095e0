/** One sample line of the Prometheus text format: `name{label="value",…} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const unescape = (value: string): string =>
  value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));

const parseValue = (text: string): number =>
  text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);

/** Every sample of an exposition text; a line that is neither a sample nor a comment throws. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match?.[1] || match[3] === undefined) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) {
      if (key !== undefined && value !== undefined) labels[key] = unescape(value);
    }
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
  }
  return samples;
}

/** The samples called `name` whose labels include `labels`. */
export function select(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The one sample called `name` with exactly these labels (in any order), or undefined. */
export function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.keys(labels).length;
  return select(samples, name, labels).find((s) => Object.keys(s.labels).length === wanted)?.value;
}

/**
 * Each histogram series of `name`: its buckets in `le` order must never decrease, and the +Inf
 * bucket must equal `_count`. Returns the problems found (none when sane).
 */
export function histogramProblems(samples: Sample[], name: string): string[] {
  const series = new Map<string, Sample[]>();
  for (const s of select(samples, `${name}_bucket`)) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  const problems: string[] = [];
  for (const [key, buckets] of series) {
    const sorted = [...buckets].sort(
      (a, b) => parseValue(a.labels.le ?? '') - parseValue(b.labels.le ?? ''),
    );
    sorted.forEach((b, i) => {
      const before = sorted[i - 1];
      if (before && b.value < before.value)
        problems.push(`${name}${key}: bucket le=${b.labels.le} < le=${before.labels.le}`);
    });
    const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
    const count = valueOf(samples, `${name}_count`, labels);
    const inf = sorted.at(-1);
    if (inf?.labels.le !== '+Inf' || inf.value !== count)
      problems.push(`${name}${key}: +Inf bucket is not _count (${count})`);
  }
  if (series.size === 0) problems.push(`${name}: no series`);
  return problems;
}

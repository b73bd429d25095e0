/**
 * CPU profiles of the driver process itself (node:inspector), for the suites that run their
 * subject in-process: where a measured operation's time goes, summed by concern.
 */
import fs from 'node:fs';
import { type Profiler, type Runtime, Session } from 'node:inspector';
import path from 'node:path';

export type CallFrame = Runtime.CallFrame;

/** A concern: a label and whether a stack frame belongs to it. */
export type Concern = readonly [label: string, belongs: (frame: CallFrame) => boolean];

export const GC: Concern = ['garbage collection', (f) => f.functionName === '(garbage collector)'];

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
  );
}

/** Profiles this process while `run` runs, sampling every `intervalUs` microseconds. */
export async function profileWhile<T>(
  run: () => Promise<T>,
  intervalUs = 250,
): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await post(session, 'Profiler.start');
    const outcome = await run().then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const { profile } = await post<Profiler.StopReturnType>(session, 'Profiler.stop');
    if (!outcome.ok) throw outcome.error;
    return { result: outcome.result, profile };
  } finally {
    session.disconnect();
  }
}

/** Writes the profile (open it in Chrome DevTools, or bench/tools/cpuprofile-summary.ts). */
export function saveProfile(
  dir: string,
  name: string,
  profile: Profiler.Profile,
  operations: number,
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${Date.now()}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify({ ...profile, benchRequests: operations }));
  return file;
}

export interface ConcernShare {
  label: string;
  micros: number;
}

/**
 * Busy (not idle) time by concern: each sample goes to the first concern any frame of its stack
 * belongs to, else to `other`.
 */
export function byConcern(
  profile: Profiler.Profile,
  concerns: readonly Concern[],
): { busyMicros: number; shares: ConcernShare[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const concernOf = new Map<number, string>();
  const labelOf = (id: number): string => {
    const known = concernOf.get(id);
    if (known !== undefined) return known;
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    const label = concerns.find(([, belongs]) => frames.some(belongs))?.[0] ?? 'other';
    concernOf.set(id, label);
    return label;
  };
  const totals = new Map<string, number>();
  let busyMicros = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const micros = deltas[i + 1] ?? 0; // a delta is the time until the next sample
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || leaf.functionName === '(idle)' || leaf.functionName === '(program)') return;
    busyMicros += micros;
    const label = labelOf(id);
    totals.set(label, (totals.get(label) ?? 0) + micros);
  });
  const shares = [...totals].map(([label, micros]) => ({ label, micros }));
  return { busyMicros, shares: shares.sort((a, b) => b.micros - a.micros) };
}

/** "GC 31%, store 19%, …": the shares of busy time, largest first. */
export function describeShares(
  { busyMicros, shares }: { busyMicros: number; shares: ConcernShare[] },
  operations: number,
): string {
  return shares
    .map(({ label, micros }) => {
      const pct = busyMicros > 0 ? Math.round((100 * micros) / busyMicros) : 0;
      const each = operations > 0 ? ` (${(micros / operations).toFixed(1)} µs/op)` : '';
      return `${label} ${pct}%${each}`;
    })
    .join(', ');
}

/** A frame's source: the package under node_modules, or the path inside the repository. */
export const fromPackage =
  (...names: string[]) =>
  (frame: CallFrame): boolean =>
    names.some((name) => frame.url.includes(`/node_modules/${name}/`));

export const fromSource =
  (...fragments: string[]) =>
  (frame: CallFrame): boolean =>
    !frame.url.includes('/node_modules/') && fragments.some((part) => frame.url.includes(part));

/**
 * Where a server's CPU time went: `npx tsx bench/tools/cpuprofile-summary.ts FILE [TOP] [AREA]`,
 * FILE a .cpuprofile written by `BENCH_PROFILE=crm-bridge npm run bench`. Prints, per request when
 * the profile says how many it covers:
 * - by concern: each sample goes to the first CONCERNS entry any frame of its stack belongs to,
 *   else to the area of its leaf frame (middlewares that call next() synchronously have the whole
 *   rest of the request on their stack, so they are never a concern of their own);
 * - self time by area (package, project file, runtime) and by function (only AREA's, if given).
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  benchRequests?: number;
}

const ROOT = path.resolve(__dirname, '../..');

const CONCERNS: [string, (frame: CallFrame) => boolean][] = [
  ['phone parsing (libphonenumber-js)', (f) => f.url.includes('libphonenumber')],
  ['sha256 (auth secretsEqual; ETag in bare)', (f) => /constant-time|crypto\/hash/.test(f.url)],
  [
    'store (nedb + embedded adapter)',
    (f) => /nedb|binary-search-tree|src\/shared\/store/.test(f.url),
  ],
  ['access log (winston)', (f) => /winston|logform/.test(f.url)],
  [
    'AsyncLocalStorage promise hooks',
    (f) => f.url.includes('async_hooks') && !['run', 'runInAsyncScope'].includes(f.functionName),
  ],
  [
    'response: res.json → socket',
    (f) => f.url.includes('express/lib/response') && ['json', 'send'].includes(f.functionName),
  ],
];

function area({ url, functionName }: CallFrame): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: runtime';
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return pkg?.[1] ?? path.relative(ROOT, file);
}

function frameName(frame: CallFrame): string {
  const where = frame.url === '' ? '' : ` ${area(frame)}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

interface Totals {
  busy: number;
  requests: number | undefined;
  top: number;
}

function table(title: string, totals: Map<string, number>, { busy, requests, top }: Totals): void {
  console.log(`\n${title}`);
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, us] of rows) {
    const pct = ((100 * us) / busy).toFixed(1).padStart(5);
    const perRequest = requests ? `${(us / requests).toFixed(1).padStart(7)} µs/req  ` : '';
    console.log(`${pct}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${perRequest}${name}`);
  }
}

function main(): void {
  const [file, topArg, onlyArea] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpuprofile-summary FILE [TOP] [AREA]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stack = (id: number): CallFrame[] => {
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    return frames;
  };

  const byConcern = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };

  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0; // a delta is the time until the next sample
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || leaf.functionName === '(idle)') return;
    busy += us;
    const where = area(leaf);
    const frames = stack(id);
    const concern = CONCERNS.find(([, test]) => frames.some(test))?.[0];
    add(byConcern, concern ?? `other: ${where.startsWith('src/') ? 'crm-bridge code' : where}`, us);
    add(selfByArea, where, us);
    if (onlyArea === undefined || where === onlyArea) add(selfByFrame, frameName(leaf), us);
  });

  const requests = profile.benchRequests;
  const totals: Totals = { busy, requests, top };
  const each = requests ? `, ${requests} requests, ${(busy / requests).toFixed(1)} µs each` : '';
  console.log(`busy (not idle): ${(busy / 1000).toFixed(0)} ms${each}`);
  table('by concern', byConcern, totals);
  table('self time by area', selfByArea, totals);
  table(`self time by function${onlyArea ? ` in ${onlyArea}` : ''}`, selfByFrame, totals);
}

main();

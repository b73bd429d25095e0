/**
 * Where a server's CPU time went: `npx tsx bench/tools/cpuprofile-summary.ts FILE [TOP] [AREA]`,
 * FILE a .cpuprofile written by `BENCH_PROFILE=crm-bridge npm run bench`. Prints self time by area
 * (package, project file, runtime), self time by function (only AREA's, when given), and total
 * (inclusive) time of the project's, Express's and the store's functions; per request too when
 * the profile says how many requests it covers.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  benchRequests?: number;
}

const ROOT = path.resolve(__dirname, '../..');

function area(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: runtime';
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg?.[1]) return pkg[1];
  return path.relative(ROOT, file);
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${area(url, functionName)}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
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
  const top = Number(topArg ?? 30);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByArea = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const totalByFrame = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };

  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0; // a delta is the time until the next sample
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += us;
    const where = area(node.callFrame.url, node.callFrame.functionName);
    add(selfByArea, where, us);
    if (onlyArea === undefined || where === onlyArea) add(selfByFrame, frameName(node), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const { url } = frame.callFrame;
      if (!url.includes('/src/') && !url.includes('nedb') && !url.includes('express')) continue;
      const name = frameName(frame);
      if (!seen.has(name)) add(totalByFrame, name, us);
      seen.add(name);
    }
  });

  const requests = profile.benchRequests;
  const totals: Totals = { busy, requests, top };
  const each = requests ? `, ${requests} requests, ${(busy / requests).toFixed(1)} µs each` : '';
  console.log(`busy (not idle): ${(busy / 1000).toFixed(0)} ms${each}`);
  table('self time by area', selfByArea, totals);
  table(`self time by function${onlyArea ? ` in ${onlyArea}` : ''}`, selfByFrame, totals);
  table('total time (self + callees) of project, express and nedb functions', totalByFrame, totals);
}

main();

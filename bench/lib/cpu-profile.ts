import fs from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector';
import path from 'node:path';

/**
 * When BENCH_CPU_PROFILE names a file, a server profiles itself from the moment it is ready
 * (so seeding is left out) until it is stopped, and writes a .cpuprofile there (open it in
 * Chrome DevTools or summarise it with bench/tools/cpuprofile-summary.ts). The number of requests
 * served meanwhile is added as `benchRequests`, so costs can be read per request.
 */
export function startCpuProfile(server: Server): (() => Promise<void>) | undefined {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return undefined;
  let requests = 0;
  server.on('request', () => {
    requests += 1;
  });
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return async () => {
    await started;
    const result = await post('Profiler.stop');
    const { profile } = result as { profile: object };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...profile, benchRequests: requests }));
    session.disconnect();
  };
}

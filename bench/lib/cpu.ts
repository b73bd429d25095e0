import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** Where servers and the load generator run. */
export interface Pinning {
  pinned: boolean;
  serverCpu: number;
  driverCpu: number;
  /** Why the run is not pinned, when it is not. */
  warning?: string;
}

const SERVER_CPU = 0;
const DRIVER_CPU = 1;

const tasksetWorks = (): boolean => spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;

/**
 * Pins this process (the autocannon driver) to CPU 1 so that servers, started under
 * `taskset -c 0`, never compete with the load generator for a core.
 */
export function pinDriver(): Pinning {
  const base = { pinned: false, serverCpu: SERVER_CPU, driverCpu: DRIVER_CPU };
  if (os.availableParallelism() < 2) {
    return { ...base, warning: 'only one CPU: server and load generator share it' };
  }
  if (!tasksetWorks()) {
    return { ...base, warning: '`taskset` not found: server and load generator are not pinned' };
  }
  const result = spawnSync('taskset', ['-cp', String(DRIVER_CPU), String(process.pid)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    return { ...base, warning: `taskset could not pin the driver: ${result.stderr.trim()}` };
  }
  return { ...base, pinned: true };
}

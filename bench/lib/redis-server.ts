/**
 * A private redis-server for the queue suite: a free loopback port, no persistence, noeviction
 * (what crm-bridge requires of a production Redis), pinned to the server core when pinning works.
 * Stopped (and its process killed) by `stop`, whatever happened.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import type { Pinning } from './cpu';

const REDIS_SERVER = 'redis-server';

/** The `redis-server --version` line, or undefined when there is no redis-server to run. */
export function redisServerVersion(): string | undefined {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A field of an INFO section as a number (NaN when absent). */
const infoField = (info: string, name: string): number =>
  Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);

export class BenchRedis {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    /** A connection of the suite's own, for INFO and FLUSHALL. */
    readonly client: Redis,
  ) {}

  static async start(pinning: Pinning): Promise<BenchRedis> {
    const port = await freePort();
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ];
    const child = pinning.pinned
      ? spawn('taskset', ['-c', String(pinning.serverCpu), REDIS_SERVER, ...args], {
          stdio: 'ignore',
        })
      : spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      try {
        await client.connect();
        await client.ping();
        break;
      } catch (err) {
        client.disconnect();
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`redis-server did not answer within 10 s: ${String(err)}`);
        }
        await sleep(50);
      }
    }
    return new BenchRedis(`redis://127.0.0.1:${port}`, child, client);
  }

  /** INFO memory's used_memory, bytes. */
  async usedMemory(): Promise<number> {
    return infoField(await this.client.info('memory'), 'used_memory');
  }

  /** CPU time (user + system) the server has used so far, µs. */
  async cpuMicros(): Promise<number> {
    const info = await this.client.info('cpu');
    return (infoField(info, 'used_cpu_user') + infoField(info, 'used_cpu_sys')) * 1e6;
  }

  async flush(): Promise<void> {
    await this.client.flushall();
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

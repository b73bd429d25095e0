import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { CrmBridgeInfo } from './crm-fixtures';
import { isReadyMessage, isStatsMessage, type StatsMessage } from './ipc';
import type { Pinning } from './cpu';

/** What every server reports when ready. */
export interface ServerInfoBase {
  /** One line on how the server was prepared (e.g. seeding), quoted in the report. */
  setup?: string;
}

/** Every server in `bench/servers/<name>.ts`, and what it reports when ready. */
export interface ServerInfos {
  'bare-express': ServerInfoBase;
  'crm-bridge': CrmBridgeInfo;
  'loopback-crm': ServerInfoBase;
}
export type ServerName = keyof ServerInfos;

export interface RunningServer<I> {
  name: ServerName;
  url: string;
  pid: number;
  info: I;
  /** CPU time used and requests served so far, as the server itself counts them. */
  stats(): Promise<StatsMessage>;
  /** Asks the server to exit, and kills it if it has not within a few seconds. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  pinning: Pinning;
  /** The server writes a CPU profile of its life after seeding to this file, when set. */
  cpuProfileFile?: string;
  /** How long seeding and listening may take. */
  readyTimeoutMs?: number;
}

const ROOT = path.resolve(__dirname, '../..');
const STOP_GRACE_MS = 10_000;

function command(name: ServerName, options: SpawnOptions): [string, string[]] {
  const nodeArgs = ['--import', 'tsx', path.join(ROOT, 'bench', 'servers', `${name}.ts`)];
  return options.pinning.pinned
    ? ['taskset', ['-c', String(options.pinning.serverCpu), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts a server child (pinned when possible) and resolves once it says it listens. */
export function spawnServer<N extends ServerName>(
  name: N,
  options: SpawnOptions,
): Promise<RunningServer<ServerInfos[N]>> {
  const [file, args] = command(name, options);
  const env = { ...process.env, BENCH_CPU_PROFILE: options.cpuProfileFile ?? '' };
  const child = spawn(file, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const stats = (): Promise<StatsMessage> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (!isStatsMessage(message)) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      if (!child.send({ type: 'stats' })) reject(new Error(`server ${name} cannot be asked`));
    });

  const stop = async (): Promise<void> => {
    if (child.connected) child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(child);
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server ${name} failed to start: ${reason}`));
    };
    const timeoutMs = options.readyTimeoutMs ?? 180_000;
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs / 1000} s`), timeoutMs);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    child.on('message', (message: unknown) => {
      if (!isReadyMessage(message)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => {
        if (code !== 0) console.error(`server ${name} exited (${signal ?? `code ${code}`})`);
      });
      resolve({
        name,
        url: `http://127.0.0.1:${message.port}`,
        pid: child.pid ?? -1,
        // The server script of that name sends exactly this shape (see ServerInfos).
        info: message.info as ServerInfos[N],
        stats,
        stop,
      });
    });
  });
}

/** Servers started on first use and shared by every scenario. */
export interface ServerPool {
  get<N extends ServerName>(name: N): Promise<RunningServer<ServerInfos[N]>>;
  stopAll(): Promise<void>;
}

export function serverPool(options: (name: ServerName) => SpawnOptions): ServerPool {
  const started: Promise<RunningServer<unknown>>[] = [];
  const once = <N extends ServerName>(name: N): (() => Promise<RunningServer<ServerInfos[N]>>) => {
    let server: Promise<RunningServer<ServerInfos[N]>> | undefined;
    return () => {
      if (server === undefined) {
        server = spawnServer(name, options(name));
        started.push(server);
      }
      return server;
    };
  };
  // One line per server; the type makes sure none is forgotten.
  const servers: { [N in ServerName]: () => Promise<RunningServer<ServerInfos[N]>> } = {
    'bare-express': once('bare-express'),
    'crm-bridge': once('crm-bridge'),
    'loopback-crm': once('loopback-crm'),
  };
  return {
    get: (name) => servers[name](),
    stopAll: async () => {
      const running = await Promise.allSettled(started);
      await Promise.all(
        running.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
      );
    },
  };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCpuProfile } from './cpu-profile';

/** Server child → runner, once it listens. */
export interface ReadyMessage<I = unknown> {
  type: 'ready';
  port: number;
  info: I;
}

/** Runner → server child: close and exit (writing the CPU profile, if one is being taken). */
export interface StopMessage {
  type: 'stop';
}

/** Runner → server child: how much CPU have you used, for how many requests? */
export interface StatsRequest {
  type: 'stats';
}

/** Server child → runner: CPU time (user + system) and requests served since it started. */
export interface StatsMessage {
  type: 'stats';
  cpuMicros: number;
  requests: number;
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<ReadyMessage>;
  return m.type === 'ready' && typeof m.port === 'number' && 'info' in m;
}

export function isStatsMessage(message: unknown): message is StatsMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<StatsMessage>;
  return m.type === 'stats' && typeof m.cpuMicros === 'number' && typeof m.requests === 'number';
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as T).type === type;

let stopProfile: (() => Promise<void>) | undefined;

/**
 * Tells the runner the port the server listens on and whatever the scenarios need to know;
 * from then on answers stats requests, and takes the CPU profile if one was asked for.
 */
export function announceReady<I>(server: Server, info: I): void {
  stopProfile = startCpuProfile(server);
  let requests = 0;
  server.on('request', () => {
    requests += 1;
  });
  process.on('message', (message: unknown) => {
    if (!isMessage<StatsRequest>(message, 'stats')) return;
    const { user, system } = process.cpuUsage();
    const stats: StatsMessage = { type: 'stats', cpuMicros: user + system, requests };
    process.send?.(stats);
  });
  const { port } = server.address() as AddressInfo;
  const message: ReadyMessage<I> = { type: 'ready', port, info };
  if (process.send) process.send(message);
  else console.log(`listening on http://127.0.0.1:${port} (no runner attached)`);
}

/**
 * Runs `cleanup` once and exits 0 when the runner says stop, goes away, or a signal arrives,
 * after writing the CPU profile if one is being taken.
 */
export function exitOnStop(cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.resolve(stopProfile?.())
      .then(cleanup)
      .catch((err: unknown) => console.error('cleanup failed:', err))
      .finally(() => process.exit(0));
  };
  process.on('message', (message: unknown) => {
    if (isMessage<StopMessage>(message, 'stop')) stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Listens on 127.0.0.1, port 0 (any free port). */
export function listenLocal(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting and drops the load generator's keep-alive connections. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

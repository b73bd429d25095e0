import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { shutdown } from '../../src/shared/lifecycle';
import { createLogger } from '../../src/shared/log/logger';

describe('Graceful shutdown', () => {
  test('When shutting down with a request in flight, then the workers pause at once, the request finishes before the store closes, and new connections are refused', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const server = http.createServer((_req, res) => {
      events.push('request started');
      release = () => {
        events.push('request finished');
        res.end('done');
      };
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5));

    const done = shutdown({
      server,
      logger: createLogger('silent'),
      pauseWorkers: async () => void events.push('workers paused'),
      closers: [{ name: 'store', close: async () => void events.push('store closed') }],
    });
    await expect(fetch(`http://127.0.0.1:${port}/new`)).rejects.toThrow();
    setTimeout(() => release(), 50);
    expect(await inFlight).toBe('done');
    await done;
    expect(events).toEqual([
      'request started',
      'workers paused',
      'request finished',
      'store closed',
    ]);
  });

  test('When a request outlives the drain time, then its connection is cut and shutdown completes', async () => {
    const server = http.createServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const hanging = fetch(`http://127.0.0.1:${port}/`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    let closed = false;
    await shutdown({
      server,
      logger: createLogger('silent'),
      drainMs: 100,
      closers: [{ name: 'x', close: async () => void (closed = true) }],
    });
    expect(closed).toBe(true);
    expect(String(await hanging)).toMatch(/fetch failed/);
  });
});

import fs from 'node:fs';
import { finishedChat } from '../sessions/session-fixtures';
import { eventually, sleep } from '../sessions/mail-helpers';
import { redisServerAvailable, TestRedisServer } from '../queue/redis-server';
import { waitFor } from '../support/server-process';
import { type Bridge, postSession, startBridge, stopBridge, tempDir } from './bridge-process';
import { SmtpSink } from './smtp-sink';

const backends: string[] = ['local scheduler'];
if (redisServerAvailable()) backends.push('bull on Redis');
else console.warn('graceful shutdown on bull SKIPPED: install redis-server');

describe.each(backends)('Graceful shutdown of a server process (%s)', (backend) => {
  jest.setTimeout(60_000);
  let sink: SmtpSink;
  let redis: TestRedisServer | undefined;
  let dataDir: string;
  let bridges: Bridge[];
  const start = async (delayMs: number): Promise<Bridge> => {
    const bridge = await startBridge({
      dataDir,
      smtpUrl: sink.url,
      delayMs,
      ...(redis && { redisUrl: redis.url }),
    });
    bridges.push(bridge);
    return bridge;
  };

  beforeEach(async () => {
    sink = await SmtpSink.start();
    redis = backend === 'bull on Redis' ? await TestRedisServer.start() : undefined;
    dataDir = tempDir();
    bridges = [];
  });
  afterEach(async () => {
    for (const bridge of bridges) bridge.process.child.kill('SIGKILL');
    await Promise.all(bridges.map((bridge) => bridge.process.exited));
    await sink.close();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('When SIGTERM comes during an email delivery, then that email finishes, no new one starts, and the next start sends the rest exactly once', async () => {
    sink.hold();
    const first = await start(1000);
    await postSession(first, finishedChat({ id: 1 }));
    await eventually(
      async () => (sink.arrived.includes('chat-1') ? true : undefined),
      'the first email in flight',
    );
    const second = await postSession(first, finishedChat({ id: 2 }));
    expect(second.email).toBe('scheduled');

    first.process.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM: shutting down/.exec(first.process.output()), 'the shutdown');
    await expect(fetch(`${first.base}/healthz`)).rejects.toThrow(); // HTTP is closed
    // chat-2 comes due while the shutdown waits for chat-1's delivery.
    await sleep(Math.max(0, Date.parse(second.dueAt ?? '') - Date.now()) + 1000);
    sink.release();
    expect(await first.process.exited).toBe(0);
    expect(sink.accepted).toEqual(['chat-1']);
    expect(sink.arrived).toEqual(['chat-1']);

    const next = await start(1000);
    await eventually(
      async () => (sink.accepted.includes('chat-2') ? true : undefined),
      'chat-2 after the restart',
    );
    await sleep(1000); // a duplicate would arrive by now
    expect(sink.accepted).toEqual(['chat-1', 'chat-2']);
    expect(await stopBridge(next)).toBe(0);
  });

  test('When a second SIGTERM comes while a delivery is stuck, then the process exits at once with code 1', async () => {
    sink.hold(); // never answered during this test
    const bridge = await start(0);
    await postSession(bridge, finishedChat({ id: 3 }));
    await eventually(
      async () => (sink.arrived.includes('chat-3') ? true : undefined),
      'the stuck delivery',
    );
    bridge.process.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM: shutting down/.exec(bridge.process.output()), 'the shutdown');
    bridge.process.child.kill('SIGTERM');
    // Without the second signal it would wait for the delivery (10 s at most), then exit 0.
    expect(await bridge.process.exited).toBe(1);
    expect(bridge.process.output()).toContain('SIGTERM again: exiting now');
    expect(sink.accepted).toEqual([]);
  });
});

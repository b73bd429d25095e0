import fs from 'node:fs';
import { eventually, sleep } from '../sessions/mail-helpers';
import { finishedChat } from '../sessions/session-fixtures';
import { redisServerAvailable, TestRedisServer } from '../queue/redis-server';
import { type Bridge, postSession, startBridge, stopBridge, tempDir } from './bridge-process';
import { SmtpSink } from './smtp-sink';

/*
 * The scale-out model: crm-bridge processes share nothing but Redis (and, in production,
 * MongoDB); any process sends any session's email. MongoDB cannot run here, so each process has
 * its own embedded store: a job must carry what its email needs.
 * So with an embedded store on bull, each job carries the session (SessionsService's
 * `carrySessions`), and a process that does not hold it sends from the job's copy.
 */
const DELAY_MS = 3000;
const SESSIONS_EACH = 5;

const available = redisServerAvailable();
if (!available) console.warn('two crm-bridge processes on one Redis SKIPPED: install redis-server');

(available ? describe : describe.skip)('Two crm-bridge processes sharing one Redis', () => {
  jest.setTimeout(120_000);
  let sink: SmtpSink;
  let redis: TestRedisServer;
  let dirs: string[];
  let bridges: Bridge[];

  beforeEach(async () => {
    [sink, redis] = await Promise.all([SmtpSink.start(), TestRedisServer.start()]);
    dirs = [tempDir(), tempDir()];
    bridges = await Promise.all(
      dirs.map((dataDir) =>
        startBridge({ dataDir, smtpUrl: sink.url, delayMs: DELAY_MS, redisUrl: redis.url }),
      ),
    );
  });
  afterEach(async () => {
    for (const bridge of bridges) bridge.process.child.kill('SIGKILL');
    await Promise.all(bridges.map((bridge) => bridge.process.exited));
    await sink.close();
    await redis.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** SESSIONS_EACH new sessions posted to each process, alternately, from id `from` on. */
  async function postToBoth(from: number): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < SESSIONS_EACH * bridges.length; i += 1) {
      const bridge = bridges[i % bridges.length]!;
      const plan = await postSession(bridge, finishedChat({ id: from + i }));
      expect(plan.email).toBe('scheduled');
      keys.push(plan.session);
    }
    return keys;
  }

  /** Each of `keys` is emailed, and none twice (nor anything else: the sink counts them all). */
  async function expectEachEmailedOnce(keys: string[], before: number): Promise<void> {
    await eventually(
      async () => (keys.every((key) => sink.count(key) > 0) ? true : undefined),
      `every email (${sink.accepted.length - before} of ${keys.length} so far)`,
      30_000, // the emails are due 3 s after posting
    );
    await sleep(1000); // a duplicate would arrive by now
    expect(Object.fromEntries(keys.map((key) => [key, sink.count(key)]))).toEqual(
      Object.fromEntries(keys.map((key) => [key, 1])),
    );
    expect(sink.accepted).toHaveLength(before + keys.length);
  }

  test('When sessions are posted to both, then each is emailed exactly once, by either; also when one process is killed before they are due', async () => {
    await expectEachEmailedOnce(await postToBoth(100), 0);

    const before = sink.accepted.length;
    const keys = await postToBoth(200);
    const [dead, survivor] = bridges as [Bridge, Bridge];
    dead.process.child.kill('SIGKILL');
    await dead.process.exited;
    await expectEachEmailedOnce(keys, before);
    expect(await stopBridge(survivor)).toBe(0);
  });
});

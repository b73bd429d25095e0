import Redis from 'ioredis';
import { errorMessage } from '../../shared/errors/system-error';
import { evictionPolicy, nearlyFull } from '../../shared/queue/redis-memory';
import type { DoctorCheck } from '../check';
import { fail, ok, warn, type Finding } from '../finding';

const CHECK = 'redis';

/**
 * REDIS_URL: reachable, the password accepted, `maxmemory-policy noeviction` (bull's jobs are
 * plain keys: any other policy may evict a queued outcome email under memory pressure), and not
 * nearly at its maxmemory (where, with noeviction, it refuses new jobs).
 */
export function redisCheck(redisUrl: string): DoctorCheck {
  const url = new URL(redisUrl);
  const target = `${url.hostname}:${url.port || '6379'}`;
  return {
    check: CHECK,
    target,
    async run(timeoutMs) {
      const client = new Redis(redisUrl, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
        // After a refused AUTH, ioredis waits this long (default 2 s) before it lets the process exit.
        disconnectTimeout: 100,
      });
      // An AUTH refusal reaches connect() only as "Connection is closed": keep the real reason.
      let reason: unknown;
      client.on('error', (error) => (reason ??= error));
      try {
        await client.connect();
        return await inspect(client, target);
      } catch (error) {
        return [connectFailure(reason ?? error, target, url.password !== '')];
      } finally {
        client.disconnect();
      }
    },
  };
}

async function inspect(client: Redis, target: string): Promise<Finding[]> {
  const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
  let policy: string | undefined;
  try {
    policy = await evictionPolicy(client);
  } catch (error) {
    return [
      warn(
        CHECK,
        `${target} Redis ${version}; CONFIG is not available (${errorMessage(error)}), so maxmemory-policy is unknown`,
        'make sure the server runs with maxmemory-policy noeviction',
      ),
    ];
  }
  if (policy !== 'noeviction') {
    return [
      fail(
        CHECK,
        `${target} maxmemory-policy is ${policy ?? 'unset'}`,
        'set noeviction or queued emails can be evicted',
      ),
    ];
  }
  const full = nearlyFull(await client.info('memory'));
  if (full !== undefined) {
    return [
      warn(
        CHECK,
        `${target} ${full}`,
        'raise maxmemory or free memory: once full, Redis refuses new outcome emails',
      ),
    ];
  }
  return [ok(CHECK, `${target} Redis ${version}, maxmemory-policy noeviction`)];
}

function connectFailure(error: unknown, target: string, hasPassword: boolean): Finding {
  const message = errorMessage(error);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message))
    return fail(CHECK, `${target} rejected the password`, 'correct the password in REDIS_URL');
  if (/NOAUTH/.test(message))
    return fail(
      CHECK,
      `${target} requires a password${hasPassword ? '' : ' and REDIS_URL has none'}`,
      'put it in REDIS_URL: redis://:PASSWORD@host:port',
    );
  return fail(CHECK, `${target} cannot connect (${message})`, 'start Redis or correct REDIS_URL');
}

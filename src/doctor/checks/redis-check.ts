import Redis from 'ioredis';
import { errorMessage } from '../../shared/errors/system-error';
import type { DoctorCheck } from '../check';
import { fail, ok, warn, type Finding } from '../finding';

const CHECK = 'redis';

/**
 * REDIS_URL: reachable, the password accepted, `maxmemory-policy noeviction` (bull's jobs are
 * plain keys: any other policy may evict a queued outcome email under memory pressure).
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
      });
      // Failures are reported through the awaited calls; without a listener ioredis logs them.
      client.on('error', () => undefined);
      try {
        await client.connect();
        return await inspect(client, target);
      } catch (error) {
        return [connectFailure(error, target, url.password !== '')];
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
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
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

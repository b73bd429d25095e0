import type Redis from 'ioredis';

/** How full Redis may get before crm-bridge warns: with `noeviction`, a full Redis refuses jobs. */
const FULL_WARNING_SHARE = 0.9;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * From `INFO memory`: "Redis is 95% full (… MB of maxmemory … MB)" once it holds 90% of a set
 * maxmemory; undefined without a maxmemory or below that.
 */
export function nearlyFull(info: string): string | undefined {
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
  const used = field('used_memory');
  const max = field('maxmemory');
  if (!(max > 0) || !(used >= max * FULL_WARNING_SHARE)) return undefined;
  return `Redis is ${Math.round((used / max) * 100)}% full (${mb(used)} of maxmemory ${mb(max)})`;
}

/**
 * Redis's `maxmemory-policy` (bull needs `noeviction`: an evicted key is a lost job). Rejects when
 * CONFIG is refused, as managed Redis services often do; the caller decides what that means.
 */
export async function evictionPolicy(redis: Redis): Promise<string | undefined> {
  const reply: unknown = await redis.config('GET', 'maxmemory-policy');
  return Array.isArray(reply) && reply[1] !== undefined ? String(reply[1]) : undefined;
}

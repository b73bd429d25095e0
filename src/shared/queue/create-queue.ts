import type { Store } from '../store/store-port';
import { createBullQueuePort } from './bull-queue';
import { createLocalQueuePort } from './local-queue';
import type { QueuePort } from './queue-port';

export interface QueueEnv {
  /** Set in production: bull on Redis, any number of worker processes. */
  redisUrl?: string;
  /** Holds the jobs when no Redis is configured (the local scheduler, one process). */
  store: Store;
  /** Redis key prefix, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
  /** Told about failures the queue recovers from by itself; pass the logger's error. */
  onError?: (error: unknown) => void;
}

/** The queue the environment asks for: bull when a Redis URL is given, else the local scheduler. */
export function createQueuePort(env: QueueEnv): QueuePort {
  const onError = env.onError && { onError: env.onError };
  if (env.redisUrl) {
    return createBullQueuePort({
      redisUrl: env.redisUrl,
      ...(env.prefix !== undefined && { prefix: env.prefix }),
      ...onError,
    });
  }
  return createLocalQueuePort(env.store, { ...onError });
}

import Redis, { type RedisOptions } from 'ioredis';
import { settleWithin } from './settle-within';

export type ConnectionType = 'client' | 'subscriber' | 'bclient';

const QUIT_TIMEOUT_MS = 1_000;

/**
 * The Redis connections of one bull port. Every queue shares one command connection and one
 * subscriber (bull's documented pattern); each queue has a blocking connection of its own, which
 * its worker's BRPOPLPUSH occupies. So N queues take N + 2 connections, not 3N.
 *
 * Commands wait for a lost connection to come back (`maxRetriesPerRequest: null`) instead of
 * failing after a few retries: a worker's bookkeeping (complete, retry, fail) must not be dropped
 * during a Redis restart, or the job would be left active and run twice.
 */
export class BullConnections {
  private client: Redis | undefined;
  private subscriber: Redis | undefined;
  private readonly blocking = new Set<Redis>();
  private closed = false;

  constructor(private readonly redisUrl: string) {}

  /** bull's `createClient`. */
  readonly create = (type: ConnectionType): Redis => {
    if (this.closed) throw new Error('bull connections are closed');
    switch (type) {
      case 'client':
        return (this.client ??= this.connect({}));
      case 'subscriber':
        // bull refuses a subscriber or blocking connection that would give up on a command or
        // wait for a ready check (which these connections cannot answer while blocked).
        return (this.subscriber ??= this.connect({ enableReadyCheck: false }));
      case 'bclient': {
        const connection = this.connect({ enableReadyCheck: false });
        this.blocking.add(connection);
        return connection;
      }
    }
  };

  /** The shared command connection, for what the adapter asks Redis itself. */
  commands(): Redis {
    return this.create('client');
  }

  /** Ends every connection: politely if Redis answers soon, at once otherwise. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [this.client, this.subscriber, ...this.blocking].filter(
      (connection): connection is Redis => connection !== undefined,
    );
    await Promise.all(all.map(quit));
  }

  private connect(options: RedisOptions): Redis {
    const connection = new Redis(this.redisUrl, {
      maxRetriesPerRequest: null,
      // Back quickly after a Redis restart, but without hammering one that stays down.
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      ...options,
    });
    // bull forwards connection errors to its queues' 'error' event, which the port reports; this
    // only keeps ioredis from printing them when no queue is listening (e.g. while closing).
    connection.on('error', () => undefined);
    return connection;
  }
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  await settleWithin(connection.quit(), QUIT_TIMEOUT_MS);
  connection.disconnect();
}

import type { Logger } from '../shared/log/logger';
import { type CallbackRequest, PlatformClient, type RequestedCall } from './platform-client';
import { PlatformError } from './platform-error';
import {
  type PlatformAvailability,
  platformAvailability,
  type PlatformConfig,
} from './platform-settings';
import { TtlCache } from './ttl-cache';
import type { WaitTime } from './wait-time';

/** A page waits this long at most for a wait time, whatever the configured timeout. */
const PAGE_WAIT_TIME_SECONDS = 2;
/** A queue's wait time (or why there is none) is reused for this long. */
const WAIT_TIME_CACHE_MS = 5000;

export type WaitTimeResult = { ok: true; wait: WaitTime } | { ok: false; reason: string };

/** What the pages use: calls when the platform is configured, and why not when it is not. */
export interface PlatformCalls {
  availability: PlatformAvailability;
  /** Never rejects: a failure is a reason to show. */
  waitTime(menuId: string): Promise<WaitTimeResult>;
  /** Rejects with a PlatformError (message fit to show) when the platform refuses. */
  requestCallback(request: CallbackRequest): Promise<RequestedCall>;
}

const reasonOf = (error: unknown): string =>
  error instanceof PlatformError ? error.message : 'unexpected error';

export function platformCalls(config: PlatformConfig | undefined, logger: Logger): PlatformCalls {
  const availability = platformAvailability(config);
  if (!availability.enabled) {
    const off = new PlatformError(`platform calls are off: ${availability.reason}`);
    return {
      availability,
      waitTime: () => Promise.resolve({ ok: false, reason: off.message }),
      requestCallback: () => Promise.reject(off),
    };
  }
  const client = new PlatformClient(availability.settings);
  const cache = new TtlCache<WaitTimeResult>(WAIT_TIME_CACHE_MS);
  return {
    availability,
    waitTime: (menuId) =>
      cache.get(menuId, () =>
        client
          .waitTime({ menuId, timeoutSeconds: PAGE_WAIT_TIME_SECONDS })
          .then((wait): WaitTimeResult => ({ ok: true, wait }))
          .catch((error: unknown): WaitTimeResult => {
            logger.warn('platform wait time unavailable', { menuId, reason: reasonOf(error) });
            return { ok: false, reason: reasonOf(error) };
          }),
      ),
    requestCallback: async (request) => {
      try {
        const call = await client.requestCallback(request);
        logger.info('platform callback requested', { menuId: request.menuId, call: call.id });
        return call;
      } catch (error) {
        logger.warn('platform callback refused', {
          menuId: request.menuId,
          reason: reasonOf(error),
        });
        throw error;
      }
    },
  };
}

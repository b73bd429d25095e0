import type { PlatformConfig } from './platform-settings';
import { PlatformError } from './platform-error';

/** One queue's estimated wait, as the wait-time API reports it. */
export interface WaitTime {
  menuId: string;
  waitSeconds: number;
  /** The queue's materialized path (as in the /menus API), when the platform sent one. */
  path?: string;
}

const idText = (value: unknown): string | undefined =>
  typeof value === 'number' || (typeof value === 'string' && value !== '')
    ? String(value)
    : undefined;

/**
 * The entry for `menuId` in a wait-time answer: a list of `{menu_id, wait, materialized_path}`
 * covering the menu and its sub-menus. `wait` is read in the configured unit.
 */
export function readWaitTime(
  body: unknown,
  menuId: string,
  unit: PlatformConfig['waitTimeUnit'],
): WaitTime {
  if (!Array.isArray(body)) {
    throw new PlatformError(
      'the platform answered the wait-time request with something other than a list',
    );
  }
  const entry: unknown = body.find(
    (item: unknown) =>
      typeof item === 'object' &&
      item !== null &&
      idText((item as { menu_id?: unknown }).menu_id) === menuId,
  );
  if (entry === undefined) {
    throw new PlatformError(`the platform has no wait time for queue ${menuId}`);
  }
  const { wait, materialized_path: path } = entry as Record<string, unknown>;
  if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0) {
    throw new PlatformError(`the platform's wait time for queue ${menuId} is not a number`);
  }
  return {
    menuId,
    waitSeconds: unit === 'minutes' ? wait * 60 : wait,
    ...(typeof path === 'string' && path !== '' && { path }),
  };
}

/** `3 min`, `under 1 min`: whole minutes, rounded up, as a person reads a wait. */
export function formatWait(seconds: number): string {
  if (seconds === 0) return 'no wait';
  if (seconds < 60) return 'under 1 min';
  return `${Math.ceil(seconds / 60)} min`;
}

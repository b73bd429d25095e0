import type { CrmConfig } from '../shared/config/crm-schema';
import { unprocessable } from '../shared/errors/app-error';

type Statuses = CrmConfig['recordStatuses'];

/**
 * A status arrives either as one of the CRM's record statuses or as a platform session status
 * (finished, connected, …), which the configured map translates.
 */
export function resolveStatus(given: string, statuses: Statuses, field = 'status'): string {
  const lower = given.trim().toLowerCase();
  const direct = statuses.values.find((v) => v.toLowerCase() === lower);
  if (direct !== undefined) return direct;
  const mapped = Object.entries(statuses.fromSessionStatus).find(
    ([from]) => from.toLowerCase() === lower,
  );
  if (mapped) return mapped[1];
  const accepted = [...statuses.values, ...Object.keys(statuses.fromSessionStatus)].join(', ');
  throw unprocessable(`${field} "${given}" is not a record status`, [
    { field, message: `must be one of ${accepted}` },
  ]);
}

export const isOpenStatus = (status: unknown, statuses: Statuses): boolean =>
  typeof status === 'string' && statuses.open.includes(status);

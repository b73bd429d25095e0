import { Router } from 'express';
import type { CrmService, Entity } from '../crm/crm-service';
import type { PlatformCalls } from '../platform/platform-calls';
import { fieldRows } from './field-view';
import type { ShowPage } from './page';
import { pathParam } from './path-param';
import { callbackNumber, callbackRoute, knownQueues, platformPanel } from './platform-panel';
import { requireStaff } from './staff-auth';

/** Records listed on an account page, newest first. */
const MAX_RECORDS = 100;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

export function recordSummary(record: Entity) {
  return {
    href: `/records/${encodeURIComponent(record.id)}`,
    subject: text(record.subject) ?? '(no subject)',
    status: text(record.status) ?? '',
    menu: text(record.menu) ?? '',
    createdAt: record.createdAt,
  };
}

export const accountHref = (id: string): string => `/accounts/${encodeURIComponent(id)}`;

/** The account's records, newest first (the first ones are enough to know its last queue). */
export const accountRecords = (crm: CrmService, accountId: string) =>
  crm.records.list({
    filter: { field: 'accountId', op: 'eq', value: accountId },
    limit: MAX_RECORDS,
    offset: 0,
  });

/**
 * `/accounts/:id`: the account's fields (unknown ones too), its records, and the platform calls:
 * its last queue's estimated wait and a callback to its phone.
 */
export function accountRoutes(crm: CrmService, show: ShowPage, platform: PlatformCalls): Router {
  const router = Router();
  router.get('/accounts/:id', requireStaff, async (req, res) => {
    const account = await crm.accounts.get(pathParam(req, 'id'));
    const records = await accountRecords(crm, account.id);
    const href = accountHref(account.id);
    show(req, res, 'account', {
      title: text(account.name) ?? 'Account',
      account: {
        id: account.id,
        createdAt: account.createdAt,
        updatedAt: account.updatedAt,
        fields: fieldRows(account, crm.accounts.fields),
      },
      records: records.items.map(recordSummary),
      moreRecords: records.total > records.items.length,
      platform: await platformPanel(req, platform, {
        action: `${href}/callback`,
        queues: knownQueues(records.items),
        phone: callbackNumber(account.phone, crm.accounts.fields.region),
      }),
    });
  });
  router.post(
    '/accounts/:id/callback',
    requireStaff,
    ...callbackRoute(platform, async (req) => {
      const account = await crm.accounts.get(pathParam(req, 'id'));
      return {
        phone: callbackNumber(account.phone, crm.accounts.fields.region),
        back: accountHref(account.id),
      };
    }),
  );
  return router;
}

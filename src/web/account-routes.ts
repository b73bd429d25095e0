import { Router } from 'express';
import type { CrmService, Entity } from '../crm/crm-service';
import { fieldRows } from './field-view';
import type { ShowPage } from './page';
import { pathParam } from './path-param';
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

/** `/accounts/:id`: the account's fields (unknown ones too) and its records. */
export function accountRoutes(crm: CrmService, show: ShowPage): Router {
  const router = Router();
  router.get('/accounts/:id', requireStaff, async (req, res) => {
    const account = await crm.accounts.get(pathParam(req, 'id'));
    const records = await crm.records.list({
      filter: { field: 'accountId', op: 'eq', value: account.id },
      limit: MAX_RECORDS,
      offset: 0,
    });
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
    });
  });
  return router;
}

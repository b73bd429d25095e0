import { searchKeyName } from '../../crm/entity-fields';
import { CODES_COLLECTION, TOKENS_COLLECTION } from '../../oauth/grant-store';
import type { CrmConfig } from '../../shared/config/crm-schema';

export interface RequiredIndex {
  collection: string;
  /** The indexed field, as stored. */
  field: string;
}

/**
 * The single-field indexes the server creates at start (CrmService.open, GrantStore.open): without
 * them every lookup by phone, email or account scans a whole collection. The local queue's are
 * left out: with MongoDB, production runs the outcome-email queue on Redis.
 */
export function requiredIndexes(crm: CrmConfig): RequiredIndex[] {
  const searchKeys = (collection: string, fields: CrmConfig['accounts']['fields']) =>
    Object.entries(fields)
      .filter(([, spec]) => spec.type === 'phone' || spec.type === 'email')
      .map(([field]) => ({ collection, field: searchKeyName(field) }));
  return [
    ...searchKeys('accounts', crm.accounts.fields),
    ...searchKeys('records', crm.records.fields),
    { collection: 'records', field: 'accountId' },
    { collection: 'comments', field: 'recordId' },
    { collection: 'attachments', field: 'recordId' },
    ...[CODES_COLLECTION, TOKENS_COLLECTION].flatMap((collection) => [
      { collection, field: 'family' },
      { collection, field: 'expiresAt' },
    ]),
  ];
}

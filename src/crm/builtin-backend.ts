import type { AttachmentContent, CrmBackend, QueryParams } from './crm-backend';
import type { CrmService } from './crm-service';
import { listQuery } from './entity-query';

/** The built-in CRM behind the backend port: CrmService on the store. */
export function builtinBackend(crm: CrmService, maxPageSize: number): CrmBackend {
  const accountQuery = (q: QueryParams) => listQuery(q, crm.accounts.fields, maxPageSize);
  const recordQuery = (q: QueryParams) => listQuery(q, crm.records.fields, maxPageSize);
  return {
    kind: 'builtin',
    listAccounts: (query) => crm.accounts.list(accountQuery(query)),
    getAccount: (id) => crm.accounts.get(id),
    createAccount: (body) => crm.createAccount(body),
    listRecords: (query) => crm.records.list(recordQuery(query)),
    getRecord: (id) => crm.records.get(id),
    createRecord: (body) => crm.createRecord(body),
    updateRecord: (id, body) => crm.updateRecord(id, body),
    listComments: (recordId, query) =>
      crm.listComments(recordId, listQuery(query, crm.comments.fields, maxPageSize)),
    addComment: (recordId, body) => crm.addComment(recordId, body),
    addAttachment: (recordId, file) => crm.addAttachment(recordId, file),
    listAttachments: (recordId) => crm.listAttachments(recordId),
    getAttachment: async (recordId, attachmentId): Promise<AttachmentContent> => ({
      kind: 'bytes',
      ...(await crm.getAttachment(recordId, attachmentId)),
    }),
  };
}

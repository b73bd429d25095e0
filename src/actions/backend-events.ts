import type { CrmBackend } from '../crm/crm-backend';
import type { EventSink } from './events';

/**
 * The CRM backend, reporting record.created, record.updated and comment.added once the backend
 * (built-in or remote) has answered, with the entity as it answered. Every other operation is
 * the backend's own (written out: the remote backend is a class, whose methods a spread loses).
 */
export function withEvents(backend: CrmBackend, events: EventSink): CrmBackend {
  return {
    kind: backend.kind,
    listAccounts: (query) => backend.listAccounts(query),
    getAccount: (id) => backend.getAccount(id),
    createAccount: (body) => backend.createAccount(body),
    listRecords: (query) => backend.listRecords(query),
    getRecord: (id) => backend.getRecord(id),
    createRecord: async (body) => {
      const record = await backend.createRecord(body);
      await events.emit({ kind: 'record', name: 'record.created', record });
      return record;
    },
    updateRecord: async (id, body) => {
      const record = await backend.updateRecord(id, body);
      await events.emit({ kind: 'record', name: 'record.updated', record });
      return record;
    },
    listComments: (recordId, query) => backend.listComments(recordId, query),
    addComment: async (recordId, body) => {
      const comment = await backend.addComment(recordId, body);
      await events.emit({ kind: 'comment', name: 'comment.added', recordId, comment });
      return comment;
    },
    addAttachment: (recordId, file) => backend.addAttachment(recordId, file),
    listAttachments: (recordId) => backend.listAttachments(recordId),
    getAttachment: (recordId, attachmentId) => backend.getAttachment(recordId, attachmentId),
  };
}

/**
 * What the /api/v1 routes call: the CRM operations in crm-bridge's shape. `builtin` keeps the
 * CRM in the store (CrmService); `remote` translates each operation to a downstream CRM's own
 * API through generic-api.yaml (middleware mode).
 */
import type { StoredDocument } from '../shared/store/store-port';
import type { Attachment, NewAttachment, Page } from './crm-service';

/** A list request's query string as express parsed it; each backend validates it. */
export type QueryParams = Record<string, unknown>;

/** An attachment as the API shows it; `url` is set when the backend knows where it lives. */
export type AttachmentView = Record<string, unknown> & {
  recordId: string;
  id?: string;
  url?: string;
};

/** The bytes crm-bridge holds, or where the downstream CRM serves them. */
export type AttachmentContent =
  { kind: 'bytes'; attachment: Attachment; data: Buffer } | { kind: 'link'; url: string };

export interface CrmBackend {
  readonly kind: 'builtin' | 'remote';
  listAccounts(query: QueryParams): Promise<Page<StoredDocument>>;
  getAccount(id: string): Promise<StoredDocument>;
  createAccount(body: unknown): Promise<StoredDocument>;
  listRecords(query: QueryParams): Promise<Page<StoredDocument>>;
  getRecord(id: string): Promise<StoredDocument>;
  createRecord(body: unknown): Promise<StoredDocument>;
  updateRecord(id: string, body: unknown): Promise<StoredDocument>;
  listComments(recordId: string, query: QueryParams): Promise<Page<StoredDocument>>;
  /** Not every CRM gives a comment an id: the answer may lack one. */
  addComment(recordId: string, body: unknown): Promise<Record<string, unknown>>;
  addAttachment(recordId: string, file: NewAttachment): Promise<AttachmentView>;
  listAttachments(recordId: string): Promise<AttachmentView[]>;
  getAttachment(recordId: string, attachmentId: string): Promise<AttachmentContent>;
}

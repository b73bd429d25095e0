import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { CrmConfig } from '../shared/config/crm-schema';
import { notFound, unprocessable } from '../shared/errors/app-error';
import { DuplicateKeyError } from '../shared/errors/duplicate-key-error';
import { newId } from '../shared/ids';
import type { Collection, Filter, Store, StoredDocument } from '../shared/store/store-port';
import { customDataFields } from './custom-data';
import {
  compileEntityFields,
  type EntityFields,
  mapFields,
  publicView,
  searchKeyName,
  searchKeys,
  unwrapBody,
} from './entity-fields';
import { equalsCondition, type ListQuery } from './entity-query';
import { isOpenStatus, resolveStatus } from './record-status';

export type Entity = StoredDocument & { createdAt: string; updatedAt: string };

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Attachment extends StoredDocument {
  recordId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface NewAttachment {
  data: Buffer;
  filename: string;
  contentType: string;
}

/** An account nobody could ever recognise again is refused, whichever backend holds it. */
export function requireAccountIdentity(set: Record<string, unknown>): void {
  if (['name', 'phone', 'email'].every((f) => set[f] === undefined || set[f] === '')) {
    throw unprocessable('an account needs at least a name, a phone or an email', [
      { field: 'name', message: 'give at least one of name, phone or email' },
    ]);
  }
}

const NEWEST_FIRST = [{ field: 'id', direction: 'desc' as const }];

/** Create, read, list and merge-update for one entity kind, in its configured field shape. */
class EntityRepository {
  constructor(
    readonly fields: EntityFields,
    readonly collection: Collection<Entity>,
  ) {}

  async create(set: Record<string, unknown>): Promise<Entity> {
    const now = new Date().toISOString();
    const doc = { id: newId(), ...set, createdAt: now, updatedAt: now } as Entity;
    return publicView(await this.collection.insert({ ...doc, ...searchKeys(doc, this.fields) }));
  }

  async get(id: string): Promise<Entity> {
    const doc = await this.collection.findById(id);
    if (!doc) throw notFound(this.fields.entity, id);
    return publicView(doc);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.collection.findById(id)) !== null;
  }

  async list(query: ListQuery): Promise<Page<Entity>> {
    const items = await this.collection.find(query.filter, {
      sort: NEWEST_FIRST,
      skip: query.offset,
      limit: query.limit,
    });
    // A short page already tells the total; counting is only needed when the page is full.
    const complete = (items.length > 0 || query.offset === 0) && items.length < query.limit;
    const total = complete
      ? query.offset + items.length
      : await this.collection.count(query.filter);
    return { items: items.map(publicView), total, limit: query.limit, offset: query.offset };
  }

  async update(id: string, set: Record<string, unknown>, unset: string[]): Promise<Entity> {
    const current = await this.get(id);
    const merged: Record<string, unknown> = { ...current, ...set };
    for (const field of unset) delete merged[field];
    const keys = searchKeys(merged, this.fields);
    const updated = await this.collection.update(
      id,
      { ...set, ...keys, updatedAt: new Date().toISOString() },
      { unset },
    );
    if (!updated) throw notFound(this.fields.entity, id);
    return publicView(updated);
  }

  async indexSearchKeys(): Promise<void> {
    for (const [field, spec] of this.fields.specs) {
      if (spec.type === 'phone' || spec.type === 'email')
        await this.collection.ensureIndex(searchKeyName(field));
    }
  }
}

/** The built-in CRM: accounts contain records, records carry comments and attachments. */
export class CrmService {
  readonly accounts: EntityRepository;
  readonly records: EntityRepository;
  readonly comments: EntityRepository;
  private readonly attachments: Collection<Attachment>;

  private constructor(
    private readonly store: Store,
    private readonly config: CrmConfig,
  ) {
    const region = config.defaultRegion as CountryCode;
    this.accounts = new EntityRepository(
      compileEntityFields('account', config.accounts, region),
      store.collection<Entity>('accounts'),
    );
    this.records = new EntityRepository(
      compileEntityFields('record', config.records, region),
      store.collection<Entity>('records'),
    );
    this.comments = new EntityRepository(
      compileEntityFields('comment', config.comments, region),
      store.collection<Entity>('comments'),
    );
    this.attachments = store.collection<Attachment>('attachments');
  }

  static async open(store: Store, config: CrmConfig): Promise<CrmService> {
    const service = new CrmService(store, config);
    await Promise.all([
      service.accounts.indexSearchKeys(),
      service.records.indexSearchKeys(),
      service.records.collection.ensureIndex('accountId'),
      service.comments.collection.ensureIndex('recordId'),
      service.attachments.ensureIndex('recordId'),
    ]);
    return service;
  }

  // Accounts

  createAccount(body: unknown): Promise<Entity> {
    const { set } = mapFields(
      unwrapBody(body, this.accounts.fields),
      this.accounts.fields,
      'create',
    );
    requireAccountIdentity(set);
    return this.accounts.create(set);
  }

  // Records

  async createRecord(body: unknown): Promise<Entity> {
    const source = unwrapBody(body, this.records.fields);
    const { set } = mapFields(source, this.records.fields, 'create');
    await this.requireAccount(String(set.accountId));
    set.status = resolveStatus(
      typeof set.status === 'string' ? set.status : this.config.recordStatuses.default,
      this.config.recordStatuses,
    );
    return this.records.create({ ...customDataFields(source, this.config.customFields), ...set });
  }

  async updateRecord(id: string, body: unknown): Promise<Entity> {
    const source = unwrapBody(body, this.records.fields);
    const { set, unset } = mapFields(source, this.records.fields, 'update');
    await this.records.get(id);
    if (typeof set.accountId === 'string') await this.requireAccount(set.accountId);
    if (typeof set.status === 'string')
      set.status = resolveStatus(set.status, this.config.recordStatuses);
    return this.records.update(
      id,
      { ...customDataFields(source, this.config.customFields), ...set },
      unset,
    );
  }

  /**
   * The newest account matching any of the identities given (phone in any format, email in any
   * case, or an exact field value): how a session's end user is recognised.
   */
  async findAccountByIdentity(
    identity: Readonly<Record<string, string | undefined>>,
  ): Promise<Entity | null> {
    const conditions: Filter[] = [];
    for (const [name, value] of Object.entries(identity)) {
      const field = this.accounts.fields.canonical(name);
      if (field !== undefined && value !== undefined && value.trim() !== '') {
        conditions.push(equalsCondition(field, value, this.accounts.fields));
      }
    }
    if (conditions.length === 0) return null;
    const found = await this.accounts.collection.findOne(
      { or: conditions },
      { sort: NEWEST_FIRST },
    );
    return found ? publicView(found) : null;
  }

  /** The newest open record of an account (optionally in one queue): what the platform reuses. */
  async latestOpenRecord(accountId: string, menu?: string): Promise<Entity | null> {
    const filter: Filter = {
      and: [
        { field: 'accountId', op: 'eq', value: accountId },
        { field: 'status', op: 'in', values: [...this.config.recordStatuses.open] },
        ...(menu === undefined ? [] : [{ field: 'menu', op: 'eq' as const, value: menu }]),
      ],
    };
    const found = await this.records.collection.findOne(filter, { sort: NEWEST_FIRST });
    return found && isOpenStatus(found.status, this.config.recordStatuses)
      ? publicView(found)
      : null;
  }

  /** The account's record made for a platform session (its `sessionId`), open or not. */
  async sessionRecord(accountId: string, sessionId: string): Promise<Entity | null> {
    const found = await this.records.collection.findOne({
      and: [
        { field: 'accountId', op: 'eq', value: accountId },
        { field: 'sessionId', op: 'eq', value: sessionId },
      ],
    });
    return found ? publicView(found) : null;
  }

  // Comments

  /**
   * Adds a comment to a record. With `once`, the comment gets that id and is added only once: a
   * second call with the same id (a retry, or a race) finds it there and adds nothing.
   */
  async addComment(recordId: string, body: unknown, once?: { id: string }): Promise<Entity> {
    await this.records.get(recordId);
    const { set } = mapFields(
      unwrapBody(body, this.comments.fields),
      this.comments.fields,
      'create',
    );
    if (!once) return this.comments.create({ ...set, recordId });
    try {
      return await this.comments.create({ ...set, recordId, id: once.id });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      return this.comments.get(once.id);
    }
  }

  async listComments(recordId: string, query: ListQuery): Promise<Page<Entity>> {
    await this.records.get(recordId);
    const byRecord: Filter = { field: 'recordId', op: 'eq', value: recordId };
    return this.comments.list({
      ...query,
      filter: query.filter ? { and: [byRecord, query.filter] } : byRecord,
    });
  }

  // Attachments

  /**
   * Attaches a file to a record. With `once`, the attachment gets that id and is added only once:
   * a second call with the same id finds it there and adds nothing.
   */
  async addAttachment(
    recordId: string,
    file: NewAttachment,
    once?: { id: string },
  ): Promise<Attachment> {
    await this.records.get(recordId);
    const attachment: Attachment = {
      id: once?.id ?? newId(),
      recordId,
      filename: file.filename,
      contentType: file.contentType,
      size: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      createdAt: new Date().toISOString(),
    };
    // Bytes first: a crash in between leaves an orphan blob, never a record of missing bytes.
    await this.store.blobs.put(attachment.id, file.data, {
      filename: file.filename,
      contentType: file.contentType,
    });
    try {
      return await this.attachments.insert(attachment);
    } catch (err) {
      const kept =
        once && err instanceof DuplicateKeyError && (await this.attachments.findById(once.id));
      if (!kept) throw err;
      return kept;
    }
  }

  async listAttachments(recordId: string): Promise<Attachment[]> {
    await this.records.get(recordId);
    return this.attachments.find(
      { field: 'recordId', op: 'eq', value: recordId },
      { sort: NEWEST_FIRST },
    );
  }

  async getAttachment(
    recordId: string,
    attachmentId: string,
  ): Promise<{ attachment: Attachment; data: Buffer }> {
    const attachment = await this.attachments.findById(attachmentId);
    if (!attachment || attachment.recordId !== recordId) throw notFound('attachment', attachmentId);
    const blob = await this.store.blobs.get(attachmentId);
    if (!blob) throw notFound('attachment', attachmentId);
    return { attachment, data: blob.data };
  }

  private async requireAccount(accountId: string): Promise<void> {
    if (!(await this.accounts.exists(accountId))) {
      throw unprocessable(`account "${accountId}" does not exist`, [
        { field: 'accountId', message: `no account has the id "${accountId}"` },
      ]);
    }
  }
}

/**
 * The store port: a small document-collection API that both adapters (embedded and MongoDB)
 * implement identically. Filters are data (never raw query objects from a client), so a value
 * can never be interpreted as a query operator.
 */

export type ScalarValue = string | number | boolean | null;

export type Condition =
  | { field: string; op: 'eq'; value: ScalarValue }
  | { field: string; op: 'in'; values: ScalarValue[] }
  /** Case-insensitive, on string fields only; the value is matched literally (no regex). */
  | { field: string; op: 'startsWith' | 'contains'; value: string };

export type Filter = Condition | { and: Filter[] } | { or: Filter[] };

/** Every stored document has an opaque string id chosen by the caller. */
export interface StoredDocument {
  id: string;
  [key: string]: unknown;
}

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

export interface FindOptions {
  /** Ties are broken by id ascending, so pages are stable. */
  sort?: SortKey[];
  skip?: number;
  limit?: number;
}

export interface UpdateOptions {
  /** Top-level fields to remove. */
  unset?: string[];
}

export interface Collection<T extends StoredDocument = StoredDocument> {
  /** Throws DuplicateKeyError when the id (or a unique index) is already taken. */
  insert(doc: T): Promise<T>;
  findById(id: string): Promise<T | null>;
  findOne(filter: Filter, options?: Omit<FindOptions, 'limit' | 'skip'>): Promise<T | null>;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  /** The ids of the documents `find` would return, in the same order, without loading them. */
  findIds(filter?: Filter): Promise<string[]>;
  count(filter?: Filter): Promise<number>;
  /** Sets top-level fields (and unsets others); returns the updated document or null if absent. */
  update(id: string, set: Partial<T>, options?: UpdateOptions): Promise<T | null>;
  delete(id: string): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
  ensureIndex(field: string, options?: { unique?: boolean }): Promise<void>;
}

export interface BlobMeta {
  filename: string;
  contentType: string;
}

export interface BlobStore {
  put(id: string, data: Buffer, meta: BlobMeta): Promise<void>;
  get(id: string): Promise<{ data: Buffer; meta: BlobMeta } | null>;
  delete(id: string): Promise<boolean>;
}

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends StoredDocument>(name: string): Collection<T>;
  readonly blobs: BlobStore;
  /** Resolves when the backing store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

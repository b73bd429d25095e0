import { finished } from 'node:stream/promises';
import mongoose, { type Connection, type Model, type mongo, Schema } from 'mongoose';
import { DuplicateKeyError } from '../errors/duplicate-key-error';
import {
  assertBlobId,
  assertCollectionName,
  assertDocumentId,
  assertFieldPath,
  assertPaging,
  assertScalar,
  assertString,
  backendField,
  escapeRegExp,
  fromRawDocument,
  type RawDocument,
  sortSpec,
  toRawDocument,
  updateFields,
} from './store-guards';
import type {
  BlobMeta,
  BlobStore,
  Collection,
  Condition,
  Filter,
  FindOptions,
  Store,
  StoredDocument,
  UpdateOptions,
} from './store-port';

/** A wrong URI or an unreachable server fails start-up within this, not after 30 s. */
const SERVER_SELECTION_TIMEOUT_MS = 5_000;
const BLOB_BUCKET = 'blobs';

type MongoFilter = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Filter translation: every value goes under an explicit operator (`$eq`, `$in`, `$regex`), so a
// value is only ever compared, never read as a query.
// ---------------------------------------------------------------------------------------------

export function toMongoFilter(filter: Filter): MongoFilter {
  if ('and' in filter) {
    return filter.and.length === 0 ? {} : { $and: filter.and.map(toMongoFilter) };
  }
  if ('or' in filter) {
    // MongoDB refuses `$or: []`; an empty `or` is false, so match nothing instead.
    return filter.or.length === 0 ? { _id: { $in: [] } } : { $or: filter.or.map(toMongoFilter) };
  }
  return conditionFilter(filter);
}

function conditionFilter(condition: Condition): MongoFilter {
  assertFieldPath(condition.field);
  const field = backendField(condition.field);
  switch (condition.op) {
    case 'eq':
      assertScalar(condition.value, condition.field);
      return { [field]: { $eq: condition.value } };
    case 'in':
      if (!Array.isArray(condition.values)) {
        throw new TypeError(`filter on "${condition.field}": in takes an array`);
      }
      for (const value of condition.values) assertScalar(value, condition.field);
      return { [field]: { $in: [...condition.values] } };
    case 'startsWith':
    case 'contains': {
      assertString(condition.value, condition.field);
      const literal = escapeRegExp(condition.value);
      const pattern = condition.op === 'startsWith' ? `^${literal}` : literal;
      return { [field]: { $regex: pattern, $options: 'i' } };
    }
    default:
      throw new Error(`unknown filter op ${JSON.stringify((condition as { op: unknown }).op)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The field a duplicate-key error (E11000) is about, or null for any other error. The server's
 * details sit on the error itself, or on its first write error when it comes from a bulk insert.
 */
function duplicateKeyField(error: unknown): string | null {
  const details = duplicateKeyDetails(error);
  if (!details) return null;
  const pattern = details.keyPattern;
  const message = typeof details.errmsg === 'string' ? details.errmsg : String(details.message);
  const field = isRecord(pattern)
    ? Object.keys(pattern)[0]
    : /dup key: \{ ?"?([^":\s]+)"?\s*:/.exec(message)?.[1];
  return field === undefined || field === '_id' ? 'id' : field;
}

function duplicateKeyDetails(error: unknown): Record<string, unknown> | null {
  if (!isRecord(error)) return null;
  const writeErrors = error.writeErrors;
  const first: unknown = Array.isArray(writeErrors) ? writeErrors[0] : undefined;
  const inner = isRecord(first) && isRecord(first.err) ? first.err : first;
  if (isRecord(inner) && inner.code === 11000) return inner;
  return error.code === 11000 ? error : null;
}

/** Credentials never go into an error message (and from there into logs). */
const redactUri = (uri: string): string => uri.replace(/\/\/[^@/?#]*@/, '//***@');

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

// ---------------------------------------------------------------------------------------------
// Work in flight
// ---------------------------------------------------------------------------------------------

/** Refuses new work once the store is closing, and lets close wait for the work already begun. */
class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  run<R>(work: () => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the MongoDB store is closed'));
    const promise = work();
    this.pending.add(promise);
    const forget = (): void => void this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }
}

// ---------------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------------

/** Schemaless: the port decides the shape; mongoose only carries documents to and fro. */
function schemaFor(collection: string): Schema<RawDocument> {
  return new Schema<RawDocument>(
    { _id: String },
    {
      strict: false,
      // Explicit, so a global `mongoose.set('strictQuery', true)` can never strip a filter on a
      // field the schema does not list (a deleteMany would then match everything).
      strictQuery: false,
      versionKey: false,
      collection,
      // Keep empty objects, as the embedded store does, and add no `id` virtual of mongoose's own.
      minimize: false,
      id: false,
      autoCreate: false,
      autoIndex: false,
    },
  );
}

class MongoCollection<T extends StoredDocument> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly model: Model<RawDocument>,
    private readonly inFlight: InFlight,
  ) {}

  async insert(doc: T): Promise<T> {
    const raw = toRawDocument(doc);
    return this.write(async () => {
      // lean: the document goes to the driver as it is, with no mongoose casting or hydration.
      await this.model.insertMany([raw], { lean: true });
      return fromRawDocument<T>(raw);
    });
  }

  async findById(id: string): Promise<T | null> {
    assertDocumentId(id);
    return this.inFlight.run(async () => {
      const raw = await this.model
        .findOne({ _id: { $eq: id } })
        .lean<RawDocument>()
        .exec();
      return raw ? fromRawDocument<T>(raw) : null;
    });
  }

  async findOne(
    filter: Filter,
    options: Omit<FindOptions, 'limit' | 'skip'> = {},
  ): Promise<T | null> {
    const docs = await this.find(filter, { ...options, limit: 1 });
    return docs[0] ?? null;
  }

  async find(filter?: Filter, options: FindOptions = {}): Promise<T[]> {
    assertPaging(options);
    const query = filter ? toMongoFilter(filter) : {};
    const sort = sortSpec(options.sort);
    return this.inFlight.run(async () => {
      let cursor = this.model.find(query).sort(sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      const docs = await cursor.lean<RawDocument[]>().exec();
      return docs.map((raw) => fromRawDocument<T>(raw));
    });
  }

  async findIds(filter?: Filter): Promise<string[]> {
    const query = filter ? toMongoFilter(filter) : {};
    return this.inFlight.run(async () => {
      const docs = await this.model
        .find(query, { _id: 1 })
        .sort({ _id: 1 })
        .lean<{ _id: string }[]>()
        .exec();
      return docs.map((doc) => doc._id);
    });
  }

  async count(filter?: Filter): Promise<number> {
    const query = filter ? toMongoFilter(filter) : {};
    return this.inFlight.run(() => this.model.countDocuments(query).exec());
  }

  async update(id: string, set: Partial<T>, options: UpdateOptions = {}): Promise<T | null> {
    assertDocumentId(id);
    const unset = options.unset ?? [];
    const fields = updateFields(id, set, unset);
    // Nothing to change: an empty update is a read (and mongoose would not send it anyway).
    if (Object.keys(fields).length === 0 && unset.length === 0) return this.findById(id);
    const change = {
      ...(Object.keys(fields).length > 0 ? { $set: fields } : {}),
      ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((field) => [field, 1])) } : {}),
    };
    return this.write(async () => {
      const raw = await this.model
        .findOneAndUpdate({ _id: { $eq: id } }, change, { returnDocument: 'after' })
        .lean<RawDocument>()
        .exec();
      return raw ? fromRawDocument<T>(raw) : null;
    });
  }

  async delete(id: string): Promise<boolean> {
    assertDocumentId(id);
    return this.inFlight.run(async () => {
      const { deletedCount } = await this.model.deleteOne({ _id: { $eq: id } }).exec();
      return deletedCount > 0;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    const query = toMongoFilter(filter);
    return this.inFlight.run(async () => {
      const { deletedCount } = await this.model.deleteMany(query).exec();
      return deletedCount;
    });
  }

  async ensureIndex(field: string, options: { unique?: boolean } = {}): Promise<void> {
    assertFieldPath(field);
    const name = backendField(field);
    if (name === '_id') return;
    // A unique index is sparse: it constrains only documents that have the field.
    const indexOptions = options.unique === true ? { unique: true, sparse: true } : {};
    await this.write(async () => {
      await this.model.collection.createIndex({ [name]: 1 }, indexOptions);
    });
  }

  /** Runs a write, turning a duplicate-key failure into DuplicateKeyError. */
  private write<R>(work: () => Promise<R>): Promise<R> {
    return this.inFlight.run(async () => {
      try {
        return await work();
      } catch (error) {
        const field = duplicateKeyField(error);
        throw field === null ? error : new DuplicateKeyError(this.name, field);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Blobs in GridFS: one file per blob, named by its id, with the meta as the file's metadata.
// ---------------------------------------------------------------------------------------------

class GridFsBlobStore implements BlobStore {
  constructor(
    private readonly bucket: mongo.GridFSBucket,
    private readonly inFlight: InFlight,
  ) {}

  async put(id: string, data: Buffer, meta: BlobMeta): Promise<void> {
    assertBlobId(id);
    const metadata = toBlobMeta(meta);
    await this.inFlight.run(async () => {
      const previous = await this.fileIds(id);
      const upload = this.bucket.openUploadStream(id, { metadata });
      upload.end(data);
      await finished(upload);
      // Older copies go only once the new one is complete, so a failed put keeps the old bytes.
      // Only those seen before the upload: a concurrent put's new copy is never removed.
      await Promise.all(previous.map((fileId) => this.deleteFile(fileId)));
    });
  }

  async get(id: string): Promise<{ data: Buffer; meta: BlobMeta } | null> {
    assertBlobId(id);
    return this.inFlight.run(async () => {
      const [file] = await this.bucket
        .find({ filename: { $eq: id } })
        .sort({ uploadDate: -1, _id: -1 })
        .limit(1)
        .toArray();
      if (!file) return null;
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of this.bucket.openDownloadStream(file._id)) {
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        if (isFileNotFound(error)) return null; // deleted while we read it
        throw error;
      }
      return { data: Buffer.concat(chunks), meta: parseBlobMeta(file.metadata, id) };
    });
  }

  async delete(id: string): Promise<boolean> {
    assertBlobId(id);
    return this.inFlight.run(async () => {
      const fileIds = await this.fileIds(id);
      await Promise.all(fileIds.map((fileId) => this.deleteFile(fileId)));
      return fileIds.length > 0;
    });
  }

  private async fileIds(id: string): Promise<mongo.ObjectId[]> {
    const files = await this.bucket
      .find({ filename: { $eq: id } }, { projection: { _id: 1 } })
      .toArray();
    return files.map((file) => file._id);
  }

  /** Deletes one stored file; one that a concurrent call removed first counts as deleted. */
  private async deleteFile(fileId: mongo.ObjectId): Promise<void> {
    try {
      await this.bucket.delete(fileId);
    } catch (error) {
      if (!isFileNotFound(error)) throw error;
    }
  }
}

/** The driver's GridFS has no error class for this: download says "FileNotFound: file …" and
 * delete "File not found for id …". */
const isFileNotFound = (error: unknown): boolean =>
  isRecord(error) &&
  typeof error.message === 'string' &&
  /^(FileNotFound|File not found)\b/.test(error.message);

function toBlobMeta(meta: BlobMeta): BlobMeta {
  if (typeof meta.filename !== 'string' || typeof meta.contentType !== 'string') {
    throw new TypeError('blob meta needs a filename and a contentType, both strings');
  }
  return { filename: meta.filename, contentType: meta.contentType };
}

function parseBlobMeta(metadata: unknown, id: string): BlobMeta {
  if (
    !isRecord(metadata) ||
    typeof metadata.filename !== 'string' ||
    typeof metadata.contentType !== 'string'
  ) {
    throw new Error(`blob ${id}: its GridFS metadata is damaged`);
  }
  return { filename: metadata.filename, contentType: metadata.contentType };
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

export interface MongoStoreOptions {
  /** Overrides the database named in the URI (tests use a throw-away one). */
  dbName?: string;
}

/** The production store: MongoDB through its own mongoose connection, blobs in GridFS. */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly blobs: BlobStore;
  private readonly models = new Map<string, Model<RawDocument>>();
  private readonly inFlight = new InFlight();

  private constructor(
    private readonly connection: Connection,
    private readonly db: mongo.Db,
  ) {
    const bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: BLOB_BUCKET });
    this.blobs = new GridFsBlobStore(bucket, this.inFlight);
  }

  /** Connects, or fails within a few seconds with a message that names the (redacted) URI. */
  static async connect(uri: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    let connection: Connection | undefined;
    try {
      // Its own connection, not mongoose's global one, so nothing else shares its models.
      connection = mongoose.createConnection(uri, {
        serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        // As on the embedded store, a field set to undefined is absent rather than null.
        ignoreUndefined: true,
        autoCreate: false,
        autoIndex: false,
        ...(options.dbName ? { dbName: options.dbName } : {}),
      });
      await connection.asPromise();
    } catch (error) {
      await connection?.close(true).catch(() => undefined);
      throw new Error(`cannot connect to MongoDB at ${redactUri(uri)}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const db = connection.db;
    if (!db) throw new Error(`connected to MongoDB at ${redactUri(uri)} but got no database`);
    return new MongoStore(connection, db);
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    assertCollectionName(name);
    let model = this.models.get(name);
    if (!model) {
      model = this.connection.model<RawDocument>(name, schemaFor(name));
      this.models.set(name, model);
    }
    return new MongoCollection<T>(name, model, this.inFlight);
  }

  async ping(): Promise<void> {
    await this.inFlight.run(() => this.db.admin().ping());
  }

  /** Refuses new work, lets what has begun finish, then closes the connection. */
  async close(): Promise<void> {
    await this.inFlight.close();
    await this.connection.close();
  }
}

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import { DuplicateKeyError } from '../errors/duplicate-key-error';
import {
  appendLinesAtOnce,
  type DocumentChange,
  matchingIds,
  readById,
  updateByIds,
} from './nedb-internals';
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

/** Datafiles are append-only between compactions; rewriting them this often bounds their growth. */
const COMPACTION_INTERVAL_MS = 5 * 60_000;
/** The most inserts (or updates) that share one datafile append (see OperationQueue). */
const MAX_WRITE_BATCH = 1_000;

type NedbQuery = Record<string, unknown>;
type Nedb = Datastore<RawDocument>;

const noop = (): void => undefined;

// ---------------------------------------------------------------------------------------------
// Filter translation. nedb consults an index only for a plain scalar (or `$in`) stored directly
// under a top-level key of the query, so equality is written as `{ field: value }` (nedb has no
// `$eq`; the value is a checked scalar, so it cannot act as an operator) and an `and` is flattened
// into top-level keys wherever no key repeats.
// ---------------------------------------------------------------------------------------------

export function toNedbQuery(filter: Filter): NedbQuery {
  if ('and' in filter) return conjunction(filter.and.map(toNedbQuery));
  // An empty `or` matches nothing, as in logic (and as the MongoDB adapter makes it).
  if ('or' in filter) return { $or: filter.or.map(toNedbQuery) };
  return conditionQuery(filter);
}

function conditionQuery(condition: Condition): NedbQuery {
  assertFieldPath(condition.field);
  const field = backendField(condition.field);
  switch (condition.op) {
    case 'eq':
      assertScalar(condition.value, condition.field);
      return condition.value === null
        ? nullOrMissing(field, { [field]: null })
        : { [field]: condition.value };
    case 'in': {
      if (!Array.isArray(condition.values)) {
        throw new TypeError(`filter on "${condition.field}": in takes an array`);
      }
      for (const value of condition.values) assertScalar(value, condition.field);
      const query = { [field]: { $in: [...condition.values] } };
      return condition.values.includes(null) ? nullOrMissing(field, query) : query;
    }
    case 'startsWith':
    case 'contains': {
      assertString(condition.value, condition.field);
      const literal = escapeRegExp(condition.value);
      const source = condition.op === 'startsWith' ? `^${literal}` : literal;
      return { [field]: { $regex: new RegExp(source, 'i') } };
    }
    default:
      throw new Error(`unknown filter op ${JSON.stringify((condition as { op: unknown }).op)}`);
  }
}

/** The port follows MongoDB, where matching null also matches a missing field; nedb does not. */
function nullOrMissing(field: string, query: NedbQuery): NedbQuery {
  return { $or: [query, { [field]: { $exists: false } }] };
}

/** ANDs queries by merging their keys; a part whose keys are taken already goes under `$and`. */
function conjunction(parts: NedbQuery[]): NedbQuery {
  const merged: [string, unknown][] = [];
  const taken = new Set<string>(['$and']);
  const rest: NedbQuery[] = [];
  for (const part of parts) {
    const entries = Object.entries(part);
    if (entries.some(([key]) => taken.has(key))) {
      rest.push(part);
      continue;
    }
    for (const [key, value] of entries) {
      taken.add(key);
      merged.push([key, value]);
    }
  }
  if (rest.length > 0) merged.push(['$and', rest]);
  // fromEntries defines own properties, so even a field named "__proto__" stays a plain key.
  return Object.fromEntries(merged);
}

// ---------------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------------

interface Pending<P, R> {
  payload: P;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

type PendingInsert = Pending<RawDocument, RawDocument>;
type PendingUpdate = Pending<DocumentChange, RawDocument | null>;

/** Writes queued back to back, waiting to be written together. */
type OpenBatch =
  | { kind: 'insert'; items: PendingInsert[] }
  | { kind: 'update'; items: PendingUpdate[]; ids: Set<string> };

/**
 * Runs one collection's operations one at a time, in call order, once its datafile has loaded
 * (nedb serialises them internally anyway, so no concurrency is lost). Inserts queued back to back
 * form one batch written with a single append, and so do updates of distinct documents: nedb
 * appends to the datafile once per call, which alone makes 100,000 concurrent single inserts take
 * over ten seconds, and makes every read wait for the append before it.
 */
class OperationQueue {
  private tail: Promise<void> = Promise.resolve();
  private openBatch: OpenBatch | null = null;
  private isLoaded = false;
  /** Operations queued or running that may touch any document (all but batched writes). */
  private unscoped = 0;
  /** Ids of the documents batched writes queued or running will write, with their count. */
  private readonly writing = new Map<string, number>();

  constructor(
    private readonly loaded: Promise<void>,
    private readonly writeInserts: (batch: PendingInsert[]) => Promise<void>,
    private readonly writeUpdates: (batch: PendingUpdate[]) => Promise<void>,
  ) {
    loaded.then(() => (this.isLoaded = true), noop);
  }

  run<R>(operation: () => Promise<R>): Promise<R> {
    // Writes called after this operation must not join a batch queued before it.
    this.openBatch = null;
    this.unscoped += 1;
    const result = this.chain(operation);
    void result.then(
      () => (this.unscoped -= 1),
      () => (this.unscoped -= 1),
    );
    return result;
  }

  /**
   * Reads document `id` at once when nothing queued or running can change it (only writes of
   * other documents are, say), else in turn. Either way the read sees every write called before
   * it, and only written ones: a write is running until its datafile append has finished.
   */
  read<R>(id: string, read: () => R): Promise<R> {
    if (this.isLoaded && this.unscoped === 0 && !this.writing.has(id)) {
      return new Promise((resolve) => resolve(read()));
    }
    return this.run(async () => read());
  }

  insert(doc: RawDocument): Promise<RawDocument> {
    return new Promise((resolve, reject) => {
      const open = this.openBatch;
      const batch =
        open?.kind === 'insert' && open.items.length < MAX_WRITE_BATCH
          ? open
          : this.startBatch({ kind: 'insert', items: [] }, this.writeInserts);
      this.noteWriting(doc._id);
      batch.items.push({ payload: doc, resolve, reject });
    });
  }

  update(change: DocumentChange): Promise<RawDocument | null> {
    return new Promise((resolve, reject) => {
      const open = this.openBatch;
      // A second change of one document waits for the first: each is applied to what it left.
      const batch =
        open?.kind === 'update' && open.items.length < MAX_WRITE_BATCH && !open.ids.has(change.id)
          ? open
          : this.startBatch({ kind: 'update', items: [], ids: new Set() }, this.writeUpdates);
      batch.ids.add(change.id);
      this.noteWriting(change.id);
      batch.items.push({ payload: change, resolve, reject });
    });
  }

  /** Resolves once everything queued so far has run. */
  drained(): Promise<void> {
    return this.tail;
  }

  private startBatch<B extends OpenBatch>(
    batch: B,
    write: (items: B['items']) => Promise<void>,
  ): B {
    this.openBatch = batch;
    this.chain(() => {
      if (this.openBatch === batch) this.openBatch = null;
      return write(batch.items);
    })
      .catch((error: unknown) => batch.items.forEach((pending) => pending.reject(error)))
      .finally(() => {
        for (const { payload } of batch.items) this.doneWriting(idOf(payload));
      });
    return batch;
  }

  private noteWriting(id: string): void {
    this.writing.set(id, (this.writing.get(id) ?? 0) + 1);
  }

  private doneWriting(id: string): void {
    const left = (this.writing.get(id) ?? 1) - 1;
    if (left > 0) this.writing.set(id, left);
    else this.writing.delete(id);
  }

  private chain<R>(operation: () => Promise<R>): Promise<R> {
    const result = this.tail.then(() => this.loaded).then(operation);
    this.tail = result.then(noop, noop);
    return result;
  }
}

const idOf = (payload: RawDocument | DocumentChange): string =>
  '_id' in payload ? payload._id : payload.id;

/** What every handle on one collection shares: its datastore, queue and known unique fields. */
class CollectionState {
  readonly queue: OperationQueue;
  /** Fields with a unique index, to name the one a duplicate-key error is about. */
  readonly uniqueFields = new Set<string>(['_id']);

  constructor(
    readonly name: string,
    readonly db: Nedb,
    readonly loaded: Promise<void>,
  ) {
    this.queue = new OperationQueue(
      loaded,
      (batch) => this.writeInserts(batch),
      (batch) => this.writeUpdates(batch),
    );
  }

  static open(name: string, filename: string): CollectionState {
    // Load errors surface through autoloadPromise, which every operation awaits; without an
    // onload handler nedb would also rethrow them as an unhandled rejection.
    const db: Nedb = new Datastore<RawDocument>({ filename, autoload: true, onload: noop });
    if (!db.autoloadPromise) throw new Error(`${name}: nedb did not start loading ${filename}`);
    appendLinesAtOnce(db);
    return new CollectionState(name, db, db.autoloadPromise);
  }

  /** Maps nedb's unique-constraint error to DuplicateKeyError; other errors pass unchanged. */
  translateError(error: unknown, written: Record<string, unknown>): unknown {
    if (!isUniqueViolation(error)) return error;
    const key = error.key;
    const candidates = [...this.uniqueFields, ...Object.keys(written)];
    const field = candidates.find((name) => valueAt(written, name) === key) ?? '_id';
    return new DuplicateKeyError(this.name, field === '_id' ? 'id' : field);
  }

  private async writeInserts(batch: PendingInsert[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const stored = await this.db.insertAsync(batch.map((pending) => pending.payload));
        stored.forEach((doc, index) => batch[index]?.resolve(doc));
        return;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // nedb rejected the whole batch before writing anything; one at a time, only the
        // colliding documents fail.
      }
    }
    for (const pending of batch) {
      try {
        pending.resolve(await this.db.insertAsync(pending.payload));
      } catch (error) {
        pending.reject(this.translateError(error, pending.payload));
      }
    }
  }

  private async writeUpdates(batch: PendingUpdate[]): Promise<void> {
    if (batch.length > 1) {
      const result = await updateByIds(
        this.db,
        batch.map((pending) => pending.payload),
      );
      if (result.applied) {
        result.docs.forEach((doc, index) => batch[index]?.resolve(doc));
        return;
      }
      // A change could not be applied (a unique index refused it): nothing was written, and one
      // at a time only the refused changes fail.
    }
    for (const pending of batch) {
      const { id, modifier } = pending.payload;
      try {
        const { affectedDocuments } = await this.db.updateAsync({ _id: id }, modifier, {
          returnUpdatedDocs: true,
        });
        pending.resolve(affectedDocuments);
      } catch (error) {
        pending.reject(this.translateError(error, modifier.$set ?? {}));
      }
    }
  }
}

class EmbeddedCollection<T extends StoredDocument> implements Collection<T> {
  constructor(
    private readonly state: CollectionState,
    private readonly assertOpen: () => void,
  ) {}

  async insert(doc: T): Promise<T> {
    this.assertOpen();
    return fromRawDocument<T>(await this.state.queue.insert(toRawDocument(doc)));
  }

  async findById(id: string): Promise<T | null> {
    this.assertOpen();
    assertDocumentId(id);
    const doc = await this.state.queue.read(id, () => readById(this.state.db, id));
    return doc ? fromRawDocument<T>(doc) : null;
  }

  async findOne(
    filter: Filter,
    options: Omit<FindOptions, 'limit' | 'skip'> = {},
  ): Promise<T | null> {
    const docs = await this.find(filter, { ...options, limit: 1 });
    return docs[0] ?? null;
  }

  async find(filter?: Filter, options: FindOptions = {}): Promise<T[]> {
    this.assertOpen();
    assertPaging(options);
    return this.query(filter ? toNedbQuery(filter) : {}, options);
  }

  async findIds(filter?: Filter): Promise<string[]> {
    this.assertOpen();
    const query = filter ? toNedbQuery(filter) : {};
    const ids = await this.state.queue.run(async () => matchingIds(this.state.db, query));
    // In find's default order (nedb compares strings with `<`, as sort() does).
    return ids.sort();
  }

  async count(filter?: Filter): Promise<number> {
    this.assertOpen();
    const query = filter ? toNedbQuery(filter) : {};
    return this.state.queue.run(() => this.state.db.countAsync(query).execAsync());
  }

  async update(id: string, set: Partial<T>, options: UpdateOptions = {}): Promise<T | null> {
    this.assertOpen();
    assertDocumentId(id);
    const unset = options.unset ?? [];
    // `$set` is always present, even empty: an update without operators would replace the document.
    const modifier = {
      $set: updateFields(id, set, unset),
      $unset: Object.fromEntries(unset.map((field) => [field, true])),
    };
    const updated = await this.state.queue.update({ id, modifier });
    return updated ? fromRawDocument<T>(updated) : null;
  }

  async delete(id: string): Promise<boolean> {
    this.assertOpen();
    assertDocumentId(id);
    const removed = await this.state.queue.run(() => this.state.db.removeAsync({ _id: id }, {}));
    return removed > 0;
  }

  async deleteMany(filter: Filter): Promise<number> {
    this.assertOpen();
    const query = toNedbQuery(filter);
    return this.state.queue.run(() => this.state.db.removeAsync(query, { multi: true }));
  }

  async ensureIndex(field: string, options: { unique?: boolean } = {}): Promise<void> {
    this.assertOpen();
    assertFieldPath(field);
    const fieldName = backendField(field);
    if (fieldName === '_id') return;
    const unique = options.unique === true;
    try {
      // A unique index is sparse, as on MongoDB: it constrains only documents that have the field.
      await this.state.queue.run(() =>
        this.state.db.ensureIndexAsync({ fieldName, unique, sparse: unique }),
      );
    } catch (error) {
      // Existing documents already collide: the index cannot be unique.
      throw isUniqueViolation(error) ? new DuplicateKeyError(this.state.name, field) : error;
    }
    if (unique) this.state.uniqueFields.add(fieldName);
  }

  private async query(query: NedbQuery, options: FindOptions): Promise<T[]> {
    const sort = Object.fromEntries(sortSpec(options.sort));
    const docs = await this.state.queue.run(() => {
      let cursor = this.state.db.findAsync(query).sort(sort);
      // nedb, like MongoDB, reads 0 as "no skip" and "no limit".
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      return cursor.execAsync();
    });
    // nedb hands out deep copies, so callers may mutate what they get.
    return docs.map((doc) => fromRawDocument<T>(doc));
  }
}

/** nedb's unique-constraint error carries `errorType` and the colliding value as `key`. */
function isUniqueViolation(
  error: unknown,
): error is { errorType: 'uniqueViolated'; key?: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { errorType?: unknown }).errorType === 'uniqueViolated'
  );
}

function valueAt(doc: Record<string, unknown>, dottedPath: string): unknown {
  let value: unknown = doc;
  for (const segment of dottedPath.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Blobs: `<dir>/<id>` holds the bytes and `<dir>/<id>.json` the meta. Ids never contain a dot, so
// neither name can be another blob's. Each file is written under a temporary name, synced and then
// renamed, so a crash leaves the old file or the new one, never half of one.
// ---------------------------------------------------------------------------------------------

const TEMP_PREFIX = '.tmp-';

class FileBlobStore implements BlobStore {
  /** Per-id chains, so a put, get or delete of one blob never interleaves with another. */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly assertOpen: () => void,
  ) {}

  async put(id: string, data: Buffer, meta: BlobMeta): Promise<void> {
    this.assertOpen();
    assertBlobId(id);
    const json = JSON.stringify(toBlobMeta(meta));
    await this.exclusive(id, async () => {
      // Bytes first: should the meta write fail, a new blob is simply absent (get wants both).
      await writeAtomically(this.dataPath(id), data);
      await writeAtomically(this.metaPath(id), json);
    });
  }

  async get(id: string): Promise<{ data: Buffer; meta: BlobMeta } | null> {
    this.assertOpen();
    assertBlobId(id);
    return this.exclusive(id, async () => {
      const json = await readIfExists(this.metaPath(id), 'utf8');
      const data = json === null ? null : await readIfExists(this.dataPath(id));
      if (json === null || data === null) return null;
      return { data, meta: parseBlobMeta(json, id) };
    });
  }

  async delete(id: string): Promise<boolean> {
    this.assertOpen();
    assertBlobId(id);
    return this.exclusive(id, async () => {
      // Meta first: it is what makes a blob visible, so a crash in between hides it at once.
      const hadMeta = await removeIfExists(this.metaPath(id));
      const hadData = await removeIfExists(this.dataPath(id));
      return hadMeta || hadData;
    });
  }

  /** Resolves once every blob operation started so far has finished. */
  async drained(): Promise<void> {
    await Promise.all(this.locks.values());
  }

  /** Clears temporary files a crash may have left behind; only one process uses the directory. */
  async removeStaleTempFiles(): Promise<void> {
    const names = await fs.readdir(this.dir);
    const stale = names.filter((name) => name.startsWith(TEMP_PREFIX));
    await Promise.all(stale.map((name) => fs.rm(path.join(this.dir, name), { force: true })));
  }

  private exclusive<R>(id: string, work: () => Promise<R>): Promise<R> {
    const result = (this.locks.get(id) ?? Promise.resolve()).then(work);
    const tail = result.then(noop, noop);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return result;
  }

  private dataPath(id: string): string {
    return path.join(this.dir, id);
  }

  private metaPath(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
}

function toBlobMeta(meta: BlobMeta): BlobMeta {
  if (typeof meta.filename !== 'string' || typeof meta.contentType !== 'string') {
    throw new TypeError('blob meta needs a filename and a contentType, both strings');
  }
  return { filename: meta.filename, contentType: meta.contentType };
}

function parseBlobMeta(json: string, id: string): BlobMeta {
  const parsed: unknown = JSON.parse(json);
  const meta = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<BlobMeta>;
  if (typeof meta.filename !== 'string' || typeof meta.contentType !== 'string') {
    throw new Error(`blob ${id}: its meta file is damaged`);
  }
  return { filename: meta.filename, contentType: meta.contentType };
}

async function writeAtomically(target: string, data: Buffer | string): Promise<void> {
  const temp = path.join(path.dirname(target), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(data);
      // Synced before the rename: otherwise a power cut could leave the new name on empty blocks.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

function readIfExists(file: string): Promise<Buffer | null>;
function readIfExists(file: string, encoding: 'utf8'): Promise<string | null>;
async function readIfExists(file: string, encoding?: 'utf8'): Promise<Buffer | string | null> {
  try {
    return await fs.readFile(file, encoding ? { encoding } : undefined);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function removeIfExists(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

// Duck-typed: errors from Node's own fs need not be instances of this realm's Error (under jest
// they are not).
const isNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

/**
 * The embedded store: nedb datafiles `<dir>/<collection>.db` and blob files under `<dir>/blobs`,
 * for one process. Everything is kept in memory and appended to the datafiles as it changes.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly blobs: BlobStore;
  private readonly files: FileBlobStore;
  private readonly collections = new Map<string, CollectionState>();
  private readonly compactionTimer: NodeJS.Timeout;
  private closing: Promise<void> | null = null;

  private constructor(private readonly dir: string) {
    this.files = new FileBlobStore(path.join(dir, 'blobs'), () => this.assertOpen());
    this.blobs = this.files;
    // Our own timer rather than nedb's setAutocompactionInterval: nedb's leaves a failed
    // compaction as an unhandled rejection, and keeps the process alive.
    this.compactionTimer = setInterval(() => this.compactAll(), COMPACTION_INTERVAL_MS);
    this.compactionTimer.unref();
  }

  static async open(dir: string): Promise<EmbeddedStore> {
    const root = path.resolve(dir);
    await fs.mkdir(path.join(root, 'blobs'), { recursive: true });
    const store = new EmbeddedStore(root);
    await store.files.removeStaleTempFiles();
    return store;
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    this.assertOpen();
    assertCollectionName(name);
    let state = this.collections.get(name);
    if (!state) {
      state = CollectionState.open(name, path.join(this.dir, `${name}.db`));
      this.collections.set(name, state);
    }
    return new EmbeddedCollection<T>(state, () => this.assertOpen());
  }

  async ping(): Promise<void> {
    this.assertOpen();
    const probe = path.join(this.dir, `.ping-${randomBytes(8).toString('hex')}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe, { force: true });
  }

  /** Refuses new work, then waits for everything already asked for to reach the disk. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.compactionTimer);
    const states = [...this.collections.values()];
    await Promise.all(states.map((state) => state.queue.drained()));
    // Queued behind any compaction the timer started, so the files are complete once it resolves.
    await Promise.all(states.map((state) => compactIfLoaded(state)));
    await this.files.drained();
  }

  private compactAll(): void {
    for (const state of this.collections.values()) {
      // A failed compaction loses nothing (the datafile it would rewrite stays valid) and the
      // next one retries, so there is nothing to do about it here.
      compactIfLoaded(state).catch(noop);
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the embedded store is closed');
  }
}

/** A datastore that never loaded has nothing to compact, and nedb would wait for it forever. */
function compactIfLoaded(state: CollectionState): Promise<void> {
  return state.loaded.then(
    () => state.db.compactDatafileAsync(),
    () => undefined,
  );
}

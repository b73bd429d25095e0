/**
 * What the embedded store uses of nedb beyond its public API — its in-memory candidates, its
 * query matcher, its document modifier, its index update and its datafile append — typed as
 * narrowly as it uses them and checked once at load, so an nedb upgrade that moves them fails
 * loudly at start rather than quietly at the first write. All are the very calls nedb's own
 * `find` and `update` make (@seald-io/nedb 4.x, pinned ^4.1.2); the store contract suite
 * exercises them. `matchingIds` lists matches without copying them, which `find` always does.
 *
 * Why internals at all: nedb appends to its datafile once per `update` call (an open, a write and
 * a close), so every update costs a file append, and every operation queued behind it waits for
 * that append. Updates of different documents that arrive together are applied here as one: each
 * changed in memory as nedb's `update` would change it, all appended with a single write. And
 * nedb builds each append a line at a time (a string `+=` and an await per document, and a
 * JSON.stringify that calls a function on every key to find Dates): `appendLinesAtOnce` writes the
 * same lines, built at once, to a file handle kept open between compactions.
 */
import { type FileHandle, open } from 'node:fs/promises';
import Datastore from '@seald-io/nedb';
import type { RawDocument } from './store-guards';

export type NedbModifier = Record<string, Record<string, unknown>>;

export interface DocumentChange {
  id: string;
  modifier: NedbModifier;
}

interface Modification {
  oldDoc: RawDocument;
  newDoc: RawDocument;
}

/** The parts of a Datastore that `update` itself uses. */
interface DatastoreInternals {
  executor: { pushAsync<R>(task: () => Promise<R>): Promise<R> };
  _getRawCandidates(query: Record<string, unknown>): RawDocument[];
  /** Updates every index for all modifications, or (rolling back) none and throws. */
  _updateIndexes(modifications: Modification[]): void;
  persistence: PersistenceInternals;
}

/** The parts of nedb's Persistence that its datafile append uses. */
interface PersistenceInternals {
  inMemoryOnly: boolean;
  filename: string;
  modes: { fileMode: number };
  /** Appends the documents' lines (nedb's own: one `serialize(doc)` and a newline each). */
  persistNewStateAsync(docs: RawDocument[]): Promise<void>;
  /** Rewrites the datafile from memory (a compaction): a new file, renamed over the old one. */
  persistCachedDatabaseAsync(): Promise<void>;
}

interface NedbModel {
  /** Whether a document matches a query (what `find` filters its candidates with). */
  match(doc: RawDocument, query: Record<string, unknown>): boolean;
  modify(doc: RawDocument, modifier: NedbModifier): RawDocument;
  deepCopy<T>(value: T): T;
  /** One document as a datafile line: JSON, with each Date written as `{"$$date": ms}`. */
  serialize(doc: RawDocument): string;
}

// A module nedb does not export by name; see the header for why it is worth it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require('@seald-io/nedb/lib/model.js') as Partial<NedbModel>;
if (
  typeof model.match !== 'function' ||
  typeof model.modify !== 'function' ||
  typeof model.deepCopy !== 'function' ||
  typeof model.serialize !== 'function'
) {
  throw new Error('@seald-io/nedb: lib/model.js has no match/modify/deepCopy/serialize');
}
const { match, modify, deepCopy, serialize } = model as NedbModel;

const proto = Datastore.prototype as unknown as Partial<DatastoreInternals>;
if (typeof proto._getRawCandidates !== 'function' || typeof proto._updateIndexes !== 'function') {
  throw new Error('@seald-io/nedb: Datastore has no _getRawCandidates/_updateIndexes');
}

function internals(db: Datastore<RawDocument>): DatastoreInternals {
  const inner = db as unknown as Partial<DatastoreInternals>;
  if (typeof inner.executor?.pushAsync !== 'function' || !inner.persistence) {
    throw new Error('@seald-io/nedb: a Datastore has no executor or persistence');
  }
  return inner as DatastoreInternals;
}

/** The stored document with this id, as a copy the caller may change; null when there is none. */
export function readById(db: Datastore<RawDocument>, id: string): RawDocument | null {
  const found = internals(db)
    ._getRawCandidates({ _id: id })
    .find((doc) => doc._id === id);
  return found === undefined ? null : deepCopy(found);
}

/** The ids of the stored documents that match `query`, read in place (no document is copied). */
export function matchingIds(db: Datastore<RawDocument>, query: Record<string, unknown>): string[] {
  return internals(db)
    ._getRawCandidates(query)
    .filter((doc) => match(doc, query))
    .map((doc) => doc._id);
}

/**
 * Applies each change to its document (ids distinct) in nedb's queue, like one `update` per
 * change, but with one datafile append for them all. Resolves with each updated document (a copy),
 * or null for an id not stored; `applied: false` when nothing was changed because a change could
 * not be applied (a unique index refused it, say): then each must be tried on its own.
 */
export function updateByIds(
  db: Datastore<RawDocument>,
  changes: readonly DocumentChange[],
): Promise<{ applied: true; docs: (RawDocument | null)[] } | { applied: false }> {
  const inner = internals(db);
  return inner.executor.pushAsync(async () => {
    const modifications: Modification[] = [];
    const docs: (RawDocument | null)[] = [];
    try {
      for (const { id, modifier } of changes) {
        const oldDoc = inner._getRawCandidates({ _id: id }).find((doc) => doc._id === id);
        if (oldDoc === undefined) {
          docs.push(null);
          continue;
        }
        const newDoc = modify(oldDoc, modifier);
        modifications.push({ oldDoc, newDoc });
        docs.push(newDoc);
      }
      inner._updateIndexes(modifications);
    } catch {
      return { applied: false } as const;
    }
    await inner.persistence.persistNewStateAsync(modifications.map((change) => change.newDoc));
    return { applied: true, docs: docs.map((doc) => doc && deepCopy(doc)) } as const;
  });
}

/**
 * Whether a Date is anywhere in `value`: only then does nedb's line differ from plain JSON. A Date
 * is told as nedb tells it, by a getTime method, since one made in another realm (by
 * structuredClone, say) is not `instanceof Date` here.
 */
function holdsDate(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { getTime?: unknown }).getTime === 'function') return true;
  if (Array.isArray(value)) return value.some(holdsDate);
  for (const key in value) {
    if (holdsDate((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** nedb's datafile line for a document (keys were checked when it was inserted or modified). */
const datafileLine = (doc: RawDocument): string =>
  `${holdsDate(doc) ? serialize(doc) : JSON.stringify(doc)}\n`;

/**
 * Makes a datastore append its writes' lines built at once, to a file handle it keeps open: the
 * same lines nedb's own append writes (for a datastore opened without an afterSerialization hook,
 * which this would skip), without nedb's open and close around each append. nedb rewrites the
 * datafile when it compacts (a new file renamed over the old one) and both run in its queue, one
 * at a time: the handle is let go after each compaction (and after a failed append), and the next
 * append opens the file again. The store's close compacts, so it leaves no handle open.
 */
export function appendLinesAtOnce(db: Datastore<RawDocument>): void {
  const persistence = internals(db).persistence;
  const { filename, modes } = persistence;
  const compact = persistence.persistCachedDatabaseAsync;
  if (
    typeof filename !== 'string' ||
    typeof modes?.fileMode !== 'number' ||
    typeof compact !== 'function'
  ) {
    throw new Error(
      '@seald-io/nedb: a Datastore persistence has no filename, file mode or compaction',
    );
  }
  let handle: FileHandle | undefined;
  const letGo = async (): Promise<void> => {
    const held = handle;
    handle = undefined;
    await held?.close();
  };
  persistence.persistNewStateAsync = async (docs) => {
    if (persistence.inMemoryOnly || docs.length === 0) return;
    const lines = docs.map(datafileLine).join('');
    try {
      handle ??= await open(filename, 'a', modes.fileMode);
      await handle.appendFile(lines, 'utf8');
    } catch (error) {
      await letGo().catch(() => undefined);
      throw error;
    }
  };
  persistence.persistCachedDatabaseAsync = async () => {
    try {
      await compact.call(persistence);
    } finally {
      await letGo();
    }
  };
}

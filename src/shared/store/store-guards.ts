import type { FindOptions, ScalarValue, SortKey, StoredDocument } from './store-port';

/**
 * Checks and mappings shared by both store adapters. They live in one place so that whatever one
 * adapter refuses, the other refuses too: code that passes its tests on the embedded store must
 * not meet a different rule in production.
 */

/** A document as both backends hold it: the port's `id` is the backend's primary key `_id`. */
export interface RawDocument {
  _id: string;
  [key: string]: unknown;
}

// Collection names become file names (embedded) and collection names (MongoDB); blob ids become
// file names. Keeping them to this alphabet rules out path traversal and reserved names alike.
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const BLOB_ID = /^[A-Za-z0-9_-]{1,200}$/;

export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new Error(`invalid collection name ${JSON.stringify(name)}: use 1-100 of [A-Za-z0-9_-]`);
  }
}

export function assertBlobId(id: string): void {
  if (!BLOB_ID.test(id)) {
    throw new Error(`invalid blob id ${JSON.stringify(id)}: use 1-200 of [A-Za-z0-9_-]`);
  }
}

export function assertDocumentId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new Error(`invalid document id ${JSON.stringify(id)}: ids are non-empty strings`);
  }
}

/**
 * Filter values are typed scalars, but a cast or untyped caller could still slip an object such as
 * `{ $ne: null }` through; refusing it here is what keeps a value from ever acting as an operator.
 */
export function assertScalar(value: unknown, field: string): asserts value is ScalarValue {
  const type = typeof value;
  if (value !== null && type !== 'string' && type !== 'number' && type !== 'boolean') {
    throw new TypeError(`filter on "${field}": values must be strings, numbers, booleans or null`);
  }
}

export function assertString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`filter on "${field}": startsWith and contains take a string`);
  }
}

/** A field a filter or sort may name: a dotted path whose segments are plain keys. */
export function assertFieldPath(field: unknown): asserts field is string {
  if (typeof field !== 'string') throw new TypeError('field names are strings');
  const segments = field.split('.');
  if (segments.some((segment) => segment === '' || segment.startsWith('$'))) {
    throw new Error(`invalid field name ${JSON.stringify(field)}`);
  }
}

/** A field an update may set or unset: top-level only, and never the id. */
export function assertTopLevelField(field: string): void {
  if (field === '' || field.startsWith('$') || field.includes('.') || field === '_id') {
    throw new Error(`invalid field name ${JSON.stringify(field)}: updates set top-level fields`);
  }
}

/**
 * Both backends reserve `$`-prefixed keys for operators and read `.` as a path; stored under such
 * a key, data would come back changed or not at all, so it is refused at any depth.
 */
export function assertStorableKeys(value: unknown, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertStorableKeys(item, `${path}[${index}]`));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const where = path === '' ? key : `${path}.${key}`;
    if (key.startsWith('$') || key.includes('.')) {
      throw new Error(`invalid document: field "${where}" must not start with "$" or contain "."`);
    }
    assertStorableKeys(child, where);
  }
}

export function assertPaging(options: FindOptions): void {
  for (const name of ['skip', 'limit'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
}

/**
 * The sort both backends apply: the requested keys (a repeated field counts once), then the id
 * ascending, so equal keys always come back in the same order and skip/limit pages are stable.
 */
export function sortSpec(keys: readonly SortKey[] = []): [field: string, direction: 1 | -1][] {
  const spec: [string, 1 | -1][] = [];
  for (const { field, direction } of keys) {
    assertFieldPath(field);
    if (direction !== 'asc' && direction !== 'desc') {
      throw new Error(`sort on "${field}": direction must be "asc" or "desc"`);
    }
    const name = backendField(field);
    if (!spec.some(([seen]) => seen === name)) spec.push([name, direction === 'asc' ? 1 : -1]);
  }
  if (!spec.some(([seen]) => seen === '_id')) spec.push(['_id', 1]);
  return spec;
}

/** The field as the backend names it: the port's `id` is stored as `_id`. */
export const backendField = (field: string): string => (field === 'id' ? '_id' : field);

/** Makes any text match itself literally inside a regular expression (JS and PCRE alike). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function toRawDocument(doc: StoredDocument): RawDocument {
  const { id, ...fields } = doc;
  assertDocumentId(id);
  if (Object.hasOwn(fields, '_id'))
    throw new Error('invalid document: "_id" is reserved, use "id"');
  assertStorableKeys(fields);
  // No copy here: nedb deep-copies what it inserts and MongoDB serialises it, so the caller
  // mutating its object afterwards cannot reach what is stored (the contract suite checks).
  return { _id: id, ...fields };
}

export function fromRawDocument<T extends StoredDocument>(raw: RawDocument): T {
  const { _id, ...fields } = raw;
  return { id: _id, ...fields } as T;
}

/** Checks an update and returns the fields to set, without the (immutable) id. */
export function updateFields(
  id: string,
  set: Record<string, unknown>,
  unset: readonly string[],
): Record<string, unknown> {
  const { id: setId, ...fields } = set;
  if (setId !== undefined && setId !== id) {
    throw new Error(`update of "${id}": the id cannot be changed`);
  }
  for (const field of Object.keys(fields)) assertTopLevelField(field);
  for (const field of unset) {
    assertTopLevelField(field);
    if (field === 'id') throw new Error(`update of "${id}": the id cannot be unset`);
    if (Object.hasOwn(fields, field))
      throw new Error(`update of "${id}": "${field}" is both set and unset`);
  }
  assertStorableKeys(fields);
  return structuredClone(fields);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

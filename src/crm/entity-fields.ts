import type { CountryCode } from 'libphonenumber-js';
import type { EntityConfig, FieldSpec } from '../shared/config/crm-schema';
import { type ErrorDetail, unprocessable } from '../shared/errors/app-error';
import { phoneKey } from '../shared/phone/phone';
import { isRecord } from '../shared/is-record';

/** Fields the server owns; a body may carry them but they are ignored. */
const SERVER_OWNED = new Set(['id', 'createdat', 'updatedat']);

/** A compiled entity: aliases resolved once at start, so mapping a body is a map lookup a key. */
export interface EntityFields {
  readonly entity: string;
  readonly containers: ReadonlySet<string>;
  readonly specs: ReadonlyMap<string, FieldSpec>;
  /** Lower-cased name or alias → canonical field name. */
  canonical(name: string): string | undefined;
  readonly region: CountryCode;
}

export function compileEntityFields(
  entity: string,
  config: EntityConfig,
  region: CountryCode,
): EntityFields {
  const byAlias = new Map<string, string>();
  for (const [field, spec] of Object.entries(config.fields)) {
    byAlias.set(field.toLowerCase(), field);
    for (const alias of spec.aliases) byAlias.set(alias.toLowerCase(), field);
  }
  return {
    entity,
    containers: new Set(config.containers.map((c) => c.toLowerCase())),
    specs: new Map(Object.entries(config.fields)),
    canonical: (name) => byAlias.get(name.toLowerCase()),
    region,
  };
}

/**
 * Accepts the platform's request data formats: Property (`{name: …}`), Container map
 * (`{account: {…}}`) and Container array (`{accounts: [{…}]}`). A lone key that is a configured
 * container name and holds an object (or a one-object array) is unwrapped.
 */
export function unwrapBody(body: unknown, fields: EntityFields): Record<string, unknown> {
  if (!isRecord(body)) {
    throw unprocessable(`the request body must be a JSON object describing one ${fields.entity}`, [
      { field: '(body)', message: `expected an object, got ${describe(body)}` },
    ]);
  }
  const keys = Object.keys(body);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === undefined || !fields.containers.has(only.toLowerCase())) return body;
  const inner = body[only];
  if (isRecord(inner)) return inner;
  if (Array.isArray(inner)) {
    const [first] = inner;
    if (inner.length === 1 && isRecord(first)) return first;
    throw unprocessable(`the container "${only}" must hold exactly one object`, [
      { field: only, message: `expected an array with one object, got ${inner.length} items` },
    ]);
  }
  return body; // a scalar under a container-like name is a plain field (e.g. comment: "text")
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

function coerceString(value: unknown): Coerced {
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value))
    return { ok: true, value: String(value) };
  return { ok: false, message: `expected a string, got ${describe(value)}` };
}

function coerceNumber(value: unknown, spec: FieldSpec): Coerced {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    return { ok: false, message: `expected a number, got ${describe(value)}` };
  }
  if (spec.type === 'integer' && !Number.isInteger(n)) {
    return { ok: false, message: `expected a whole number, got ${n}` };
  }
  if (spec.min !== undefined && n < spec.min)
    return { ok: false, message: `must be at least ${spec.min}` };
  if (spec.max !== undefined && n > spec.max)
    return { ok: false, message: `must be at most ${spec.max}` };
  return { ok: true, value: n };
}

function coerceBoolean(value: unknown): Coerced {
  if (typeof value === 'boolean') return { ok: true, value };
  if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
  return { ok: false, message: `expected true or false, got ${describe(value)}` };
}

export const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

function coerce(value: unknown, spec: FieldSpec): Coerced {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return coerceNumber(value, spec);
    case 'boolean':
      return coerceBoolean(value);
    case 'email': {
      const s = coerceString(value);
      if (s.ok && !EMAIL_SHAPE.test(String(s.value))) {
        return { ok: false, message: 'expected an email address like name@example.com' };
      }
      return s;
    }
    case 'string':
    case 'phone':
      return coerceString(value);
  }
}

/** Keys a document must never hold: they would be read as operators or paths by a store. */
function unsafeKey(key: string): string | undefined {
  if (key.startsWith('$')) return 'field names may not start with "$"';
  if (key.startsWith('_')) return 'field names starting with "_" are reserved';
  if (key.includes('.')) return 'field names may not contain "."';
  if (key.length === 0 || key.length > 128) return 'field names must be 1 to 128 characters';
  return undefined;
}

export interface MappedFields {
  /** Canonical fields with their coerced values, plus unknown fields exactly as sent. */
  set: Record<string, unknown>;
  /** Known fields sent as null: removed on update, ignored on create. */
  unset: string[];
}

/**
 * Maps aliases to canonical names, coerces known fields to their declared types and keeps
 * unknown fields untouched. Every problem is collected, so one 422 names them all.
 */
export function mapFields(
  source: Record<string, unknown>,
  fields: EntityFields,
  mode: 'create' | 'update',
): MappedFields {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const problems: ErrorDetail[] = [];

  for (const [key, value] of Object.entries(source)) {
    if (SERVER_OWNED.has(key.toLowerCase())) continue;
    const field = fields.canonical(key);
    const spec = field === undefined ? undefined : fields.specs.get(field);
    if (field === undefined || spec === undefined) {
      const bad = unsafeKey(key);
      if (bad) problems.push({ field: key, message: bad });
      else set[key] = value;
      continue;
    }
    if (field in set || unset.includes(field)) {
      problems.push({ field: key, message: `given twice (also as another alias of "${field}")` });
      continue;
    }
    if (value === null || value === undefined) {
      unset.push(field);
      continue;
    }
    const result = coerce(value, spec);
    if (result.ok) set[field] = result.value;
    else problems.push({ field: key, message: result.message });
  }

  if (mode === 'create') {
    for (const [field, spec] of fields.specs) {
      if (spec.required && (set[field] === undefined || set[field] === '')) {
        problems.push({ field, message: 'is required' });
      }
    }
  } else {
    for (const field of unset) {
      if (fields.specs.get(field)?.required)
        problems.push({ field, message: 'is required and cannot be removed' });
    }
  }

  if (problems.length > 0) {
    throw unprocessable(
      `the ${fields.entity} has ${problems.length} invalid field(s): ${summary(problems)}`,
      problems,
    );
  }
  return { set, unset };
}

const summary = (problems: ErrorDetail[]): string =>
  problems.map((p) => `${p.field} ${p.message}`).join('; ');

/** Search keys kept beside the fields: phones normalised, emails lower-cased. */
export function searchKeys(
  doc: Record<string, unknown>,
  fields: EntityFields,
): Record<string, string | null> {
  const keys: Record<string, string | null> = {};
  for (const [field, spec] of fields.specs) {
    const value = doc[field];
    if (spec.type === 'phone') {
      keys[searchKeyName(field)] =
        typeof value === 'string' ? phoneKey(value, fields.region) : null;
    } else if (spec.type === 'email') {
      keys[searchKeyName(field)] = typeof value === 'string' ? value.trim().toLowerCase() : null;
    }
  }
  return keys;
}

export const searchKeyName = (field: string): string => `_k_${field}`;

/** What a client sees: the stored document without the internal search keys. */
export function publicView<T extends Record<string, unknown>>(doc: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (!key.startsWith('_')) out[key] = value;
  return out as T;
}

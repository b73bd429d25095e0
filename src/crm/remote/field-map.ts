/**
 * crm.yaml `remote.*Fields`: crm-bridge field → the downstream object's field. Reading an
 * object renames the mapped fields and keeps every other one under its own name.
 */
import type { StoredDocument } from '../../shared/store/store-port';
import { isRecord } from '../../shared/is-record';

export type FieldMap = Readonly<Record<string, string>>;

/**
 * The downstream object in crm-bridge's shape; `id` is the id the endpoint's idField (or the
 * map's `id`) holds, as a string. Undefined when `located` is not an object or has no id.
 */
export function fromDownstream(
  located: unknown,
  map: FieldMap,
  idField: string,
): StoredDocument | undefined {
  if (!isRecord(located)) return undefined;
  const mapped = new Set(Object.values(map));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(located)) if (!mapped.has(key)) out[key] = value;
  for (const [field, downstream] of Object.entries(map)) {
    if (Object.hasOwn(located, downstream)) out[field] = located[downstream];
  }
  const id = asId(Object.hasOwn(located, idField) ? located[idField] : out.id);
  return id === undefined ? undefined : { ...out, id };
}

/** A list location holds an array; a single-object location (`$.result[0]`) one object. */
export function listFromDownstream(
  located: unknown,
  map: FieldMap,
  idField: string,
): StoredDocument[] {
  const items = Array.isArray(located) ? located : located === undefined ? [] : [located];
  return items.flatMap((item) => fromDownstream(item, map, idField) ?? []);
}

function asId(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

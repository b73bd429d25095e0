import type { EntityFields } from '../crm/entity-fields';

/** One line of a details list; `custom` marks a field crm.yaml does not declare. */
export interface FieldRow {
  label: string;
  value: string;
  custom: boolean;
}

const LABELS: Readonly<Record<string, string>> = {
  ccaipId: 'CCAI Platform id',
  customUserId: 'Custom user id (CUID)',
  sourceType: 'Channel',
  menu: 'Queue',
  menuId: 'Queue id',
  sessionId: 'Session id',
  sessionType: 'Session type',
  rating: 'CSAT rating',
  accountId: 'Account id',
};

/** `customUserId` → `Custom user id`: for declared fields, whose names are ours. */
export function fieldLabel(name: string): string {
  const known = LABELS[name];
  if (known !== undefined) return known;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** Text for any stored value; structures as indented JSON (the template escapes all of it). */
export function displayValue(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/**
 * The entity's fields to show: declared ones in crm.yaml's order, then every other field it
 * carries under the name it was sent with (the CRM keeps unknown fields, so staff see them too).
 */
export function fieldRows(
  entity: Readonly<Record<string, unknown>>,
  fields: EntityFields,
  omit: readonly string[] = [],
): FieldRow[] {
  const skipped = new Set(['id', 'createdAt', 'updatedAt', ...omit]);
  const rows: FieldRow[] = [];
  for (const name of fields.specs.keys()) {
    const value = displayValue(entity[name]);
    if (!skipped.has(name) && value !== undefined)
      rows.push({ label: fieldLabel(name), value, custom: false });
  }
  for (const [name, raw] of Object.entries(entity)) {
    const value = displayValue(raw);
    if (skipped.has(name) || fields.specs.has(name) || value === undefined) continue;
    rows.push({ label: name, value, custom: true });
  }
  return rows;
}

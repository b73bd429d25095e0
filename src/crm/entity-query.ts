import type { Condition, Filter } from '../shared/store/store-port';
import { badRequest } from '../shared/errors/app-error';
import { phoneKey } from '../shared/phone/phone';
import { type Criteria, CriteriaSyntaxError, parseCriteria } from './criteria';
import { type EntityFields, searchKeyName } from './entity-fields';

/** phoneKey never yields this (keys start with "+"), so an unparsable number matches nothing. */
const NO_PHONE = '#not-a-phone-number';

/** Resolves a field name from a query or criteria to what is stored: canonical, id, or custom. */
function storedField(name: string, fields: EntityFields, where: string): string {
  if (name.toLowerCase() === 'id') return 'id';
  const canonical = fields.canonical(name);
  if (canonical !== undefined) return canonical;
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    throw badRequest(`${where}: "${name}" is not a field name`, [
      { field: where, message: `"${name}" is not a field name` },
    ]);
  }
  return name; // a custom field kept from some request
}

/** Equality as a person means it: phones in any format, emails in any case. */
export function equalsCondition(field: string, value: string, fields: EntityFields): Condition {
  const spec = fields.specs.get(field);
  switch (spec?.type) {
    case 'phone':
      return {
        field: searchKeyName(field),
        op: 'eq',
        value: phoneKey(value, fields.region) ?? NO_PHONE,
      };
    case 'email':
      return { field: searchKeyName(field), op: 'eq', value: value.trim().toLowerCase() };
    case 'number':
    case 'integer': {
      const n = Number(value);
      return { field, op: 'eq', value: value.trim() !== '' && Number.isFinite(n) ? n : value };
    }
    case 'boolean':
      return {
        field,
        op: 'eq',
        value: value === 'true' ? true : value === 'false' ? false : value,
      };
    default:
      return { field, op: 'eq', value };
  }
}

function criteriaFilter(ast: Criteria, fields: EntityFields): Filter {
  if ('and' in ast) return { and: ast.and.map((c) => criteriaFilter(c, fields)) };
  if ('or' in ast) return { or: ast.or.map((c) => criteriaFilter(c, fields)) };
  const field = storedField(ast.field, fields, 'criteria');
  if (ast.op === 'equals') return equalsCondition(field, ast.value, fields);
  return { field, op: ast.op, value: ast.value };
}

/** `criteria=(Field:op:value) or|and (...)` → a store filter; syntax errors are 400s. */
export function parseCriteriaFilter(text: string, fields: EntityFields): Filter {
  try {
    return criteriaFilter(parseCriteria(text), fields);
  } catch (err) {
    if (err instanceof CriteriaSyntaxError) {
      throw badRequest(err.message, [{ field: 'criteria', message: err.message }]);
    }
    throw err;
  }
}

export interface ListQuery {
  filter: Filter | undefined;
  limit: number;
  offset: number;
}

const PAGING = new Set(['limit', 'offset']);

function singleValue(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw badRequest(`query parameter "${name}" must be given once as a plain value`, [
      { field: name, message: 'must be given once as a plain value' },
    ]);
  }
  return value;
}

function pagingValue(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > max) {
    throw badRequest(`query parameter "${name}" must be a whole number from 0 to ${max}`, [
      { field: name, message: `must be a whole number from 0 to ${max}` },
    ]);
  }
  return n;
}

/**
 * Turns a list request's query string into a filter: any field name or alias filters by
 * equality, `criteria` by the criteria language; everything else is refused by name, because a
 * filter silently ignored would hand the platform the wrong account.
 */
export function listQuery(
  query: Record<string, unknown>,
  fields: EntityFields,
  maxPageSize: number,
): ListQuery {
  const conditions: Filter[] = [];
  const values: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) values[name] = singleValue(name, raw);

  for (const [name, value] of Object.entries(values)) {
    if (PAGING.has(name)) continue;
    if (value.trim() === '') {
      throw badRequest(`query parameter "${name}" is empty`, [
        { field: name, message: 'must not be empty' },
      ]);
    }
    if (name === 'criteria') {
      conditions.push(parseCriteriaFilter(value, fields));
      continue;
    }
    const field = name.toLowerCase() === 'id' ? 'id' : fields.canonical(name);
    if (field === undefined) {
      throw badRequest(`unknown query parameter "${name}"`, [
        {
          field: name,
          message: `not a ${fields.entity} field; use one of ${[...fields.specs.keys()].join(', ')}, criteria, limit or offset`,
        },
      ]);
    }
    conditions.push(
      field === 'id' ? { field: 'id', op: 'eq', value } : equalsCondition(field, value, fields),
    );
  }
  return {
    filter:
      conditions.length === 0
        ? undefined
        : conditions.length === 1
          ? conditions[0]
          : { and: conditions },
    limit: pagingValue('limit', values.limit, Math.min(50, maxPageSize), maxPageSize),
    offset: pagingValue('offset', values.offset, 0, Number.MAX_SAFE_INTEGER),
  };
}

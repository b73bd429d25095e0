import { z } from 'zod';
import type { CrmConfig, EntityConfig, FieldSpec } from '../../shared/config/crm-schema';
import { EMAIL_SHAPE } from '../../crm/entity-fields';

/**
 * JSON shapes of the built-in CRM's entities, derived from the crm.yaml field catalogue that
 * `mapFields` validates with: the same names, aliases, types and bounds, so the document follows
 * the config instead of a copy of it.
 */

const bounded = (n: z.ZodNumber, spec: FieldSpec): z.ZodNumber => {
  const min = spec.min === undefined ? n : n.min(spec.min);
  return spec.max === undefined ? min : min.max(spec.max);
};

/** The value `mapFields` stores for a field of this type. */
function storedValue(spec: FieldSpec): z.ZodType {
  switch (spec.type) {
    case 'number':
      return bounded(z.number(), spec);
    case 'integer':
      return bounded(z.number().int(), spec);
    case 'boolean':
      return z.boolean();
    case 'email':
    case 'string':
    case 'phone':
      return z.string();
  }
}

/** What `mapFields` accepts for a field of this type: its coercions included, null removes it. */
function sentValue(spec: FieldSpec): z.ZodType {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return z.union([storedValue(spec), z.string().describe('the number as text')]).nullable();
    case 'boolean':
      return z.union([z.boolean(), z.enum(['true', 'false'])]).nullable();
    case 'email':
      return z.string().regex(EMAIL_SHAPE).nullable();
    case 'string':
      return z.union([z.string(), z.number()]).nullable();
    case 'phone':
      return z
        .union([z.string(), z.number()])
        .nullable()
        .describe('any format: matched by its E.164 form');
  }
}

const fieldNote = (name: string, spec: FieldSpec): string =>
  [
    spec.type,
    spec.required ? 'required on create' : undefined,
    spec.aliases.length > 0 ? `also sent as ${spec.aliases.join(', ')}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join('; ') || name;

/** One entity as a body describes it: Property, Container map or Container array. */
export function entityBody(name: string, config: EntityConfig): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of Object.entries(config.fields)) {
    const value = sentValue(spec).optional();
    shape[field] = value.describe(fieldNote(field, spec));
    for (const alias of spec.aliases) shape[alias] = value.describe(`alias of ${field}`);
  }
  const property = z
    .looseObject(shape)
    .describe(
      `A ${name} as a property map. Names and aliases match without regard to case; fields not ` +
        'listed are kept as sent; id, createdAt and updatedAt are ignored.',
    );
  if (config.containers.length === 0) return property;
  const container = z
    .partialRecord(z.enum(config.containers), z.union([property, z.array(property).length(1)]))
    .describe(`Container map or array: { ${config.containers[0]}: {…} } or { …: [{…}] }`);
  return z.union([property, container]);
}

/** One entity as the API answers it: the stored fields, typed, and every other field as sent. */
export function entityView(config: EntityConfig, extra: Record<string, z.ZodType> = {}) {
  const shape: Record<string, z.ZodType> = { id: z.string() };
  for (const [field, spec] of Object.entries(config.fields)) {
    shape[field] = spec.required ? storedValue(spec) : storedValue(spec).optional();
  }
  return z.looseObject({
    ...shape,
    ...extra,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  });
}

/** The envelopes of `responses.itemKey` and `responses.listKey`. */
export function envelopes(responses: CrmConfig['responses']) {
  return {
    item: (view: z.ZodType): z.ZodType =>
      responses.itemKey === '' ? view : z.object({ [responses.itemKey]: view }),
    list: (view: z.ZodType): z.ZodType =>
      z.object({
        [responses.listKey]: z.array(view),
        meta: z.object({
          total: z.number().int().nonnegative(),
          limit: z.number().int().nonnegative(),
          offset: z.number().int().nonnegative(),
        }),
      }),
    /** `[itemKey]` as a JSONPath step, for the Portal hints. */
    itemPath: responses.itemKey === '' ? '$' : `$.${responses.itemKey}`,
    listPath: `$.${responses.listKey}`,
  };
}

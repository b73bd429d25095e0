import { z } from 'zod';

/** Field types a CRM entity field may declare. `phone` fields are matched in any format. */
export const fieldTypes = ['string', 'number', 'integer', 'boolean', 'phone', 'email'] as const;
export type FieldType = (typeof fieldTypes)[number];

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be a plain field name (letters, digits, _ and -)');

const fieldSpec = z.strictObject({
  type: z.enum(fieldTypes).default('string'),
  aliases: z.array(identifier).default([]),
  required: z.boolean().default(false),
  /** For number/integer fields: inclusive bounds. */
  min: z.number().optional(),
  max: z.number().optional(),
});
export type FieldSpec = z.infer<typeof fieldSpec>;

/** The fields the code gives a meaning to, with the type each must be declared with. */
export const builtinFields = {
  accounts: { name: 'string', phone: 'phone', email: 'email' },
  records: {
    accountId: 'string',
    subject: 'string',
    description: 'string',
    status: 'string',
    phone: 'phone',
  },
  comments: { body: 'string' },
} as const satisfies Record<string, Record<string, FieldType>>;

type EntityName = keyof typeof builtinFields;

const entity = (name: EntityName) =>
  z
    .strictObject({
      /** Names a Container body may use: `{account: {...}}` or `{accounts: [{...}]}`. */
      containers: z.array(identifier).default([]),
      fields: z.record(identifier, fieldSpec),
    })
    .superRefine((value, ctx) => {
      for (const [field, type] of Object.entries(builtinFields[name])) {
        const spec = value.fields[field];
        if (!spec) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', field],
            message: `${name} need the field "${field}"`,
          });
        } else if (spec.type !== type) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', field, 'type'],
            message: `must be "${type}" (the code relies on it)`,
          });
        }
      }
      const seen = new Map<string, string>();
      for (const [field, spec] of Object.entries(value.fields)) {
        for (const alias of [field, ...spec.aliases]) {
          const key = alias.toLowerCase();
          const other = seen.get(key);
          if (other !== undefined && other !== field) {
            ctx.addIssue({
              code: 'custom',
              path: ['fields', field, 'aliases'],
              message: `"${alias}" already names the field "${other}"`,
            });
          }
          seen.set(key, field);
        }
      }
    });

/** crm-bridge field → the downstream object's field; unlisted downstream fields keep their names. */
const fieldMap = z
  .record(identifier, nonEmptyString())
  .default({})
  .superRefine((map, ctx) => {
    const seen = new Map<string, string>();
    for (const [field, downstream] of Object.entries(map)) {
      const other = seen.get(downstream);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `"${downstream}" is already the downstream field of "${other}"`,
        });
      }
      seen.set(downstream, field);
    }
  });

export const crmBackends = ['builtin', 'remote'] as const;

export const crmSchema = z.strictObject({
  /** builtin: the store holds the CRM; remote: every /api/v1 call goes to generic-api.yaml's CRM. */
  backend: z.enum(crmBackends).default('builtin'),
  /** Middleware mode: how the downstream CRM's objects read in crm-bridge's shape. */
  remote: z
    .strictObject({
      accountFields: fieldMap,
      recordFields: fieldMap,
      commentFields: fieldMap,
    })
    .default({ accountFields: {}, recordFields: {}, commentFields: {} }),
  /** Region assumed for phone numbers written without a country code (ISO 3166 alpha-2). */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US')
    .default('US'),
  accounts: entity('accounts'),
  records: entity('records'),
  comments: entity('comments'),
  recordStatuses: z
    .strictObject({
      values: z.array(nonEmptyString()).min(1),
      open: z.array(nonEmptyString()).min(1),
      default: nonEmptyString(),
      /** Session status (platform) → record status. */
      fromSessionStatus: z.record(z.string(), nonEmptyString()).default({}),
    })
    .superRefine((s, ctx) => {
      const known = new Set(s.values);
      s.open.forEach((v, i) => {
        if (!known.has(v))
          ctx.addIssue({
            code: 'custom',
            path: ['open', i],
            message: `"${v}" is not one of values`,
          });
      });
      if (!known.has(s.default))
        ctx.addIssue({
          code: 'custom',
          path: ['default'],
          message: `"${s.default}" is not one of values`,
        });
      for (const [from, to] of Object.entries(s.fromSessionStatus)) {
        if (!known.has(to))
          ctx.addIssue({
            code: 'custom',
            path: ['fromSessionStatus', from],
            message: `"${to}" is not one of values`,
          });
      }
    }),
  /** SDK custom_data key → CRM record field. */
  customFields: z.record(z.string(), identifier).default({}),
  responses: z
    .strictObject({
      /** Key that wraps list results: `{ data: [...], meta: {...} }`. */
      listKey: identifier.default('data'),
      /** Key that wraps one object: `{ data: {...} }`; empty string answers the bare object. */
      itemKey: z.union([identifier, z.literal('')]).default('data'),
    })
    .default({ listKey: 'data', itemKey: 'data' }),
});

function nonEmptyString() {
  return z.string().min(1, 'must not be empty');
}

export type CrmConfig = z.infer<typeof crmSchema>;
export type EntityConfig = CrmConfig['accounts'];

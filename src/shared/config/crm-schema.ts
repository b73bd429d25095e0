import { z } from 'zod';

/** Field types a CRM entity field may declare. `phone` fields are matched in any format. */
export const fieldTypes = ['string', 'number', 'integer', 'boolean', 'phone', 'email'] as const;
export type FieldType = (typeof fieldTypes)[number];

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be a plain field name (letters, digits, _ and -)');

const fieldSpec = z.strictObject({
  type: z.enum(fieldTypes).default('string').describe('phone fields match in any format'),
  aliases: z
    .array(identifier)
    .default([])
    .describe('Other names a request may use for the field (any case)'),
  required: z.boolean().default(false).describe('A create without it is refused'),
  min: z.number().optional().describe('Lowest value of a number or integer field'),
  max: z.number().optional().describe('Highest value of a number or integer field'),
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
      containers: z
        .array(identifier)
        .default([])
        .describe('Names a Container body may use: {account: {...}} or {accounts: [{...}]}'),
      fields: z
        .record(identifier, fieldSpec)
        .describe('Known fields by name; fields not listed are kept as sent'),
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
  })
  .describe("crm-bridge field → the downstream object's field; unlisted fields keep their names");

export const crmBackends = ['builtin', 'remote'] as const;

export const crmSchema = z.strictObject({
  backend: z
    .enum(crmBackends)
    .default('builtin')
    .describe(
      "builtin: the store holds the CRM; remote: every /api/v1 call goes to generic-api.yaml's CRM.",
    ),
  remote: z
    .strictObject({
      accountFields: fieldMap,
      recordFields: fieldMap,
      commentFields: fieldMap,
    })
    .default({ accountFields: {}, recordFields: {}, commentFields: {} })
    .describe("Middleware mode: how the downstream CRM's objects read in crm-bridge's shape."),
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US')
    .default('US')
    .describe('Region (ISO 3166 alpha-2) of phone numbers written without a country code'),
  accounts: entity('accounts').describe('Accounts (contacts): name, phone and email are required'),
  records: entity('records').describe('Records (tickets) of an account'),
  comments: entity('comments').describe('Comments on a record'),
  recordStatuses: z
    .strictObject({
      values: z.array(nonEmptyString()).min(1).describe('Every status a record may have'),
      open: z
        .array(nonEmptyString())
        .min(1)
        .describe("Statuses the platform's find-record flow reuses"),
      default: nonEmptyString().describe('Status of a new record'),
      fromSessionStatus: z
        .record(z.string(), nonEmptyString())
        .default({})
        .describe('Session status (platform) → record status'),
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
    })
    .describe('Record statuses'),
  customFields: z
    .record(z.string(), identifier)
    .default({})
    .describe('SDK custom_data key → record field'),
  responses: z
    .strictObject({
      listKey: identifier
        .default('data')
        .describe('Key that wraps list results: { data: [...], meta: {...} }'),
      itemKey: z
        .union([identifier, z.literal('')])
        .default('data')
        .describe("Key that wraps one object: { data: {...} }; '' answers the bare object"),
    })
    .default({ listKey: 'data', itemKey: 'data' })
    .describe('The shape of API answers'),
});

function nonEmptyString() {
  return z.string().min(1, 'must not be empty');
}

export type CrmConfig = z.infer<typeof crmSchema>;
export type EntityConfig = CrmConfig['accounts'];

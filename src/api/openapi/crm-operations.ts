import { z } from 'zod';
import type { Attachment } from '../../crm/crm-service';
import type { CrmConfig, EntityConfig } from '../../shared/config/crm-schema';
import { entityBody, entityView, envelopes } from './entity-schemas';
import { errorBody, errors, JSON_BODY_ERRORS } from './error-responses';
import type { Operation, OperationResponse, QueryParameter } from './operation';

/** An attachment as the built-in CRM answers it: the stored metadata and its download URL. */
const attachmentView = z.object({
  id: z.string(),
  recordId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  url: z.url(),
}) satisfies z.ZodType<Attachment>;

const DOWNSTREAM_SHAPE =
  "as the downstream CRM answers it, its fields renamed by crm.yaml's remote map";

/**
 * What the answers hold. The built-in CRM's are typed by the field catalogue; a remote CRM's are
 * whatever it answers (crm.yaml `remote`), so only what crm-bridge itself guarantees is described.
 */
function views(config: CrmConfig) {
  if (config.backend === 'remote') {
    const entity = z.looseObject({ id: z.string() }).describe(DOWNSTREAM_SHAPE);
    return {
      account: entity,
      record: entity,
      comment: z.looseObject({ id: z.string().optional() }).describe(DOWNSTREAM_SHAPE),
      attachment: z
        .looseObject({
          recordId: z.string(),
          id: z.string().optional(),
          url: z.string().optional(),
        })
        .describe(DOWNSTREAM_SHAPE),
    };
  }
  return {
    account: entityView(config.accounts),
    record: entityView(config.records),
    comment: entityView(config.comments, { recordId: z.string() }),
    attachment: attachmentView,
  };
}

/** Middleware mode: the answers of an operation the downstream lacks, refuses or fails. */
function withDownstreamErrors(operation: Operation): Operation {
  return {
    ...operation,
    responses: {
      ...operation.responses,
      ...errors([501, 502, 504]),
      '4XX': {
        description: "the downstream CRM's refusal, passed through with its status and message",
        content: { 'application/json': errorBody },
      },
    },
  };
}

const json = (schema: z.ZodType) => ({ 'application/json': schema });

/** The list filters `listQuery` accepts: every field by name (or alias), criteria and paging. */
function listParameters(entity: string, config: EntityConfig, maxPageSize: number) {
  const fields: QueryParameter[] = Object.entries(config.fields).map(([field, spec]) => ({
    name: field,
    description:
      `${entity}s whose ${field} equals this` +
      (spec.type === 'phone' ? ' (any phone format, or *222*333*4444)' : '') +
      (spec.type === 'email' ? ' (without regard to case)' : '') +
      (spec.aliases.length > 0 ? `; also as ${spec.aliases.join(', ')}` : ''),
    schema: z.string().min(1),
  }));
  return [
    { name: 'id', description: `the ${entity} with this id`, schema: z.string().min(1) },
    ...fields,
    {
      name: 'criteria',
      description:
        '(Field:equals|starts_with|contains:value) joined by or / and, as CONCAT_OR / CONCAT_AND produce',
      schema: z.string().min(1),
    },
    {
      name: 'limit',
      description: 'page size',
      schema: z.int().min(0).max(maxPageSize).default(Math.min(50, maxPageSize)),
    },
    { name: 'offset', description: 'items to skip', schema: z.int().min(0).default(0) },
  ];
}

/** accounts, records, comments and attachments (src/crm/crm-routes.ts). */
export function crmOperations(config: CrmConfig, maxPageSize: number): Operation[] {
  const { item, list, itemPath, listPath } = envelopes(config.responses);
  const { account, record, comment, attachment } = views(config);
  const downloadRedirect: Record<number, OperationResponse> =
    config.backend === 'remote'
      ? { 302: { description: "middleware mode: the downstream CRM's download URL (Location)" } }
      : {};
  const firstOf = `${listPath}[0]`;

  const operations: Operation[] = [
    {
      method: 'get',
      path: '/api/v1/accounts',
      operationId: 'findAccounts',
      tag: 'accounts',
      summary: 'Find accounts',
      authenticated: true,
      query: listParameters('account', config.accounts, maxPageSize),
      responses: {
        200: { description: 'newest first', content: json(list(account)) },
        ...errors([400]),
      },
      portal: {
        setting: 'Find an account by query',
        configKey: 'findAccountByQuery',
        responseDataLocation: firstOf,
        idField: 'id',
        note: 'an empty list means not found; send limit=1',
      },
    },
    {
      method: 'get',
      path: '/api/v1/accounts/{id}',
      operationId: 'getAccount',
      tag: 'accounts',
      summary: 'One account',
      authenticated: true,
      responses: {
        200: { description: 'the account', content: json(item(account)) },
        ...errors([404]),
      },
      portal: {
        setting: 'Find an account by ID',
        configKey: 'findAccountById',
        responseDataLocation: itemPath,
        idField: 'id',
        note: 'a 404 lets the platform fall through to find by query',
      },
    },
    {
      method: 'post',
      path: '/api/v1/accounts',
      operationId: 'createAccount',
      tag: 'accounts',
      summary: 'Create an account (needs a name, a phone or an email)',
      authenticated: true,
      requestBody: {
        description: 'the account',
        content: json(entityBody('account', config.accounts)),
      },
      responses: {
        201: { description: 'created', content: json(item(account)) },
        ...errors([...JSON_BODY_ERRORS, 422]),
      },
      portal: {
        setting: 'Create an account',
        configKey: 'createAccount',
        responseDataLocation: itemPath,
        idField: 'id',
      },
    },
    {
      method: 'get',
      path: '/api/v1/records',
      operationId: 'findRecords',
      tag: 'records',
      summary: 'Find records',
      authenticated: true,
      query: listParameters('record', config.records, maxPageSize),
      responses: {
        200: { description: 'newest first', content: json(list(record)) },
        ...errors([400]),
      },
      portal: {
        setting: 'Find a record by query',
        configKey: 'findRecordByQuery',
        responseDataLocation: firstOf,
        idField: 'id',
        note: 'filter by the account and an open status to reuse open records',
      },
    },
    {
      method: 'get',
      path: '/api/v1/records/{id}',
      operationId: 'getRecord',
      tag: 'records',
      summary: 'One record',
      authenticated: true,
      responses: {
        200: { description: 'the record', content: json(item(record)) },
        ...errors([404]),
      },
    },
    {
      method: 'post',
      path: '/api/v1/records',
      operationId: 'createRecord',
      tag: 'records',
      summary: 'Create a record of an existing account',
      authenticated: true,
      requestBody: {
        description: 'the record',
        content: json(entityBody('record', config.records)),
      },
      responses: {
        201: { description: 'created', content: json(item(record)) },
        ...errors([...JSON_BODY_ERRORS, 422]),
      },
      portal: {
        setting: 'Create a record',
        configKey: 'createRecord',
        responseDataLocation: itemPath,
        idField: 'id',
      },
    },
    ...(['put', 'patch'] as const).map((method): Operation => ({
      method,
      path: '/api/v1/records/{id}',
      operationId: `updateRecord${method === 'put' ? 'Put' : 'Patch'}`,
      tag: 'records',
      summary: 'Update a record: merges the fields sent; null removes a field',
      authenticated: true,
      requestBody: {
        description: 'the fields to change',
        content: json(entityBody('record', config.records)),
      },
      responses: {
        200: { description: 'the updated record', content: json(item(record)) },
        ...errors([...JSON_BODY_ERRORS, 404, 422]),
      },
      portal: {
        setting: 'Update a record',
        configKey: 'updateRecord',
        responseDataLocation: itemPath,
        idField: 'id',
      },
    })),
    {
      method: 'get',
      path: '/api/v1/records/{id}/comments',
      operationId: 'listComments',
      tag: 'comments',
      summary: "A record's comments",
      authenticated: true,
      query: listParameters('comment', config.comments, maxPageSize),
      responses: {
        200: { description: 'newest first', content: json(list(comment)) },
        ...errors([400, 404]),
      },
    },
    {
      method: 'post',
      path: '/api/v1/records/{id}/comments',
      operationId: 'addComment',
      tag: 'comments',
      summary: 'Comment on a record',
      authenticated: true,
      requestBody: {
        description: 'the comment',
        content: json(entityBody('comment', config.comments)),
      },
      responses: {
        201: { description: 'created', content: json(item(comment)) },
        ...errors([...JSON_BODY_ERRORS, 404, 422]),
      },
      portal: {
        setting: 'Comment',
        configKey: 'comment',
        responseDataLocation: itemPath,
        idField: 'id',
      },
    },
    {
      method: 'post',
      path: '/api/v1/records/{id}/attachments',
      operationId: 'uploadAttachment',
      tag: 'attachments',
      summary: 'Upload a file to a record',
      authenticated: true,
      requestBody: {
        description: 'the file as base64 in JSON, or as the multipart part "file"',
        content: {
          'application/json': z.looseObject({
            file: z.string().describe('base64, base64url or a data: URL (also as data, FILE_DATA)'),
            filename: z.string().optional().describe('also as fileName, name'),
            content_type: z.string().optional().describe('also as contentType'),
          }),
          'multipart/form-data': z.looseObject({
            file: z.string().meta({ contentMediaType: 'application/octet-stream' }),
          }),
        },
      },
      responses: {
        201: { description: 'stored', content: json(attachment) },
        ...errors([...JSON_BODY_ERRORS, 404, 422]),
      },
      portal: {
        setting: 'Upload a file',
        configKey: 'uploadFile',
        attachmentUrlLocation: '$.url',
        attachmentIdLocation: '$.id',
        note: 'type multipart or base64; attachmentType url',
      },
    },
    {
      method: 'get',
      path: '/api/v1/records/{id}/attachments',
      operationId: 'listAttachments',
      tag: 'attachments',
      summary: "A record's attachments, newest first",
      authenticated: true,
      responses: {
        200: {
          description: 'each with its download URL',
          content: json(z.object({ [config.responses.listKey]: z.array(attachment) })),
        },
        ...errors([404]),
      },
    },
    {
      method: 'get',
      path: '/api/v1/records/{id}/attachments/{attachmentId}',
      operationId: 'downloadAttachment',
      tag: 'attachments',
      summary: 'The exact bytes of an attachment, with their content type',
      authenticated: true,
      responses: {
        200: { description: 'the file', content: { '*/*': null } },
        ...downloadRedirect,
        ...errors([404]),
      },
      portal: {
        setting: 'Upload a file',
        configKey: 'uploadFile',
        note:
          'with attachmentType id, the Attachment builder URL is this path with {RECORD_ID} and ' +
          '{ATTACHMENT_ID}',
      },
    },
  ];
  return config.backend === 'remote' ? operations.map(withDownstreamErrors) : operations;
}

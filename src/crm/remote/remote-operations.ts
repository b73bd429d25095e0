/**
 * Which generic-api.yaml endpoint serves each /api/v1 operation in middleware mode, and why an
 * operation is unavailable when it is: the 501 the route answers and what `config check` lists.
 */
import type {
  CompiledEndpoint,
  CompiledGenericApi,
  EndpointName,
} from '../../generic-api/compiled-config';
import { referencedVariables } from '../../generic-api/template';
import { AppError } from '../../shared/errors/app-error';

interface Operation {
  route: string;
  /** None: generic-api.yaml has no kind of endpoint for it. */
  endpoint?: EndpointName;
  /** A variable the endpoint must use to serve this operation (its url or a param). */
  variable?: string;
  /** Downloads are links built from the upload endpoint's attachmentBuilderUrl. */
  builtLinks?: boolean;
}

export const REMOTE_OPERATIONS = {
  listAccounts: { route: 'GET /accounts', endpoint: 'findAccountByQuery' },
  getAccount: { route: 'GET /accounts/:id', endpoint: 'findAccountById' },
  createAccount: { route: 'POST /accounts', endpoint: 'createAccount' },
  listRecords: { route: 'GET /records', endpoint: 'findRecordByQuery' },
  getRecord: { route: 'GET /records/:id', endpoint: 'findRecordByQuery', variable: 'RECORD_ID' },
  createRecord: { route: 'POST /records', endpoint: 'createRecord' },
  updateRecord: { route: 'PUT|PATCH /records/:id', endpoint: 'updateRecord' },
  listComments: { route: 'GET /records/:id/comments' },
  addComment: { route: 'POST /records/:id/comments', endpoint: 'comment' },
  addAttachment: { route: 'POST /records/:id/attachments', endpoint: 'uploadFile' },
  listAttachments: { route: 'GET /records/:id/attachments' },
  getAttachment: {
    route: 'GET /records/:id/attachments/:attachmentId',
    endpoint: 'uploadFile',
    builtLinks: true,
  },
} as const satisfies Record<string, Operation>;

export type RemoteOperation = keyof typeof REMOTE_OPERATIONS;

function uses(endpoint: CompiledEndpoint, variable: string): boolean {
  return [endpoint.url, ...endpoint.params.map((p) => p.template)].some((t) =>
    referencedVariables(t).includes(variable),
  );
}

/** Why `operation` cannot run against this downstream; undefined when it can. */
export function unavailableReason(
  operation: RemoteOperation,
  api: CompiledGenericApi,
): string | undefined {
  const op: Operation = REMOTE_OPERATIONS[operation];
  if (op.endpoint === undefined) return 'generic-api.yaml has no endpoint that lists them';
  const endpoint = api.endpoints[op.endpoint];
  if (endpoint === undefined) return `generic-api.yaml has no endpoints.${op.endpoint}`;
  if (op.variable !== undefined && !uses(endpoint, op.variable)) {
    return `endpoints.${op.endpoint} does not use {${op.variable}}`;
  }
  if (op.builtLinks === true && endpoint.upload?.attachment.type !== 'id') {
    return `endpoints.${op.endpoint} has no attachmentBuilderUrl (attachmentType is not id)`;
  }
  return undefined;
}

/** The 501 an operation answers when this downstream cannot serve it. */
export function notImplemented(operation: RemoteOperation, api: CompiledGenericApi): AppError {
  const reason = unavailableReason(operation, api) ?? 'no endpoint serves it';
  return new AppError(
    501,
    'not_implemented',
    `${REMOTE_OPERATIONS[operation].route} is not available with backend remote: ${reason}`,
  );
}

/** The endpoint that serves `operation`, or the 501 that names what is missing. */
export function operationEndpoint(
  operation: RemoteOperation,
  api: CompiledGenericApi,
): CompiledEndpoint {
  const { endpoint } = REMOTE_OPERATIONS[operation] as Operation;
  const found = endpoint === undefined ? undefined : api.endpoints[endpoint];
  if (found === undefined || unavailableReason(operation, api) !== undefined) {
    throw notImplemented(operation, api);
  }
  return found;
}

/** Every operation this downstream cannot serve, with the reason: `config check` prints them. */
export function missingOperations(api: CompiledGenericApi): { route: string; reason: string }[] {
  const missing: { route: string; reason: string }[] = [];
  for (const operation of Object.keys(REMOTE_OPERATIONS) as RemoteOperation[]) {
    const reason = unavailableReason(operation, api);
    if (reason !== undefined) missing.push({ route: REMOTE_OPERATIONS[operation].route, reason });
  }
  return missing;
}

/**
 * Middleware mode: each /api/v1 operation runs the matching generic-api.yaml endpoint against
 * the downstream CRM. The inbound body goes through the same field catalogue as the built-in
 * CRM (aliases, types, required fields), becomes the platform's variables, and the object at
 * the endpoint's responseDataLocation comes back through crm.yaml's `remote` field map.
 * Nothing is retried: a POST repeated after a lost answer could create a second account.
 */
import type { CountryCode } from 'libphonenumber-js';
import type {
  CompiledEndpoint,
  CompiledGenericApi,
  CompiledUploadEndpoint,
} from '../../generic-api/compiled-config';
import type { OutboundResponse, Sender } from '../../generic-api/outbound';
import { percentEncode } from '../../generic-api/percent-encode';
import { buildRequest, type UploadFile } from '../../generic-api/request-builder';
import { ExtractionError, extractAttachment, locate } from '../../generic-api/response-extract';
import {
  createVariables,
  deriveVariables,
  type PhonePurpose,
  renderTemplate,
  type Variables,
} from '../../generic-api/template';
import { plainTextToHtml } from '../../generic-api/template/value-formats';
import type { CrmConfig } from '../../shared/config/crm-schema';
import { AppError, notFound } from '../../shared/errors/app-error';
import { formatPhone } from '../../shared/phone/phone';
import type { StoredDocument } from '../../shared/store/store-port';
import type { AttachmentContent, AttachmentView, CrmBackend, QueryParams } from '../crm-backend';
import { type NewAttachment, type Page, requireAccountIdentity } from '../crm-service';
import { customDataFields } from '../custom-data';
import { compileEntityFields, type EntityFields, mapFields, unwrapBody } from '../entity-fields';
import { listQuery } from '../entity-query';
import { resolveStatus } from '../record-status';
import { downstreamFailure } from './downstream-failure';
import { type FieldMap, fromDownstream, listFromDownstream } from './field-map';
import { notImplemented, operationEndpoint, type RemoteOperation } from './remote-operations';
import { bodyVariables, type Entity, queryVariables, type RawVariables } from './remote-variables';

export interface RemoteBackendOptions {
  api: CompiledGenericApi;
  sender: Sender;
  crm: CrmConfig;
  maxPageSize: number;
}

const FIRST_ELEMENT = /\[0\]$/;

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** A CRM answer that lacks what generic-api.yaml says it holds: the CRM's fault, so 502. */
function unexpected(error: unknown): never {
  if (error instanceof ExtractionError) {
    throw new AppError(502, 'downstream_unexpected_response', error.message);
  }
  throw error;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

class RemoteBackend implements CrmBackend {
  readonly kind = 'remote';
  private readonly api: CompiledGenericApi;
  private readonly fields: Record<Entity, EntityFields>;
  private readonly maps: Record<Entity, FieldMap>;

  constructor(private readonly options: RemoteBackendOptions) {
    const { crm } = options;
    const region = crm.defaultRegion as CountryCode;
    this.api = options.api;
    this.fields = {
      account: compileEntityFields('account', crm.accounts, region),
      record: compileEntityFields('record', crm.records, region),
      comment: compileEntityFields('comment', crm.comments, region),
    };
    this.maps = {
      account: crm.remote.accountFields,
      record: crm.remote.recordFields,
      comment: crm.remote.commentFields,
    };
  }

  // Accounts

  listAccounts(query: QueryParams): Promise<Page<StoredDocument>> {
    return this.list('listAccounts', 'account', query);
  }

  async getAccount(id: string): Promise<StoredDocument> {
    return (
      (await this.find('getAccount', 'account', { ACCOUNT_ID: id })) ?? unknownId('account', id)
    );
  }

  createAccount(body: unknown): Promise<StoredDocument> {
    const { set } = this.mapBody('account', body, 'create');
    requireAccountIdentity(set);
    return this.write('createAccount', 'account', bodyVariables('account', set), set);
  }

  // Records

  listRecords(query: QueryParams): Promise<Page<StoredDocument>> {
    return this.list('listRecords', 'record', query);
  }

  async getRecord(id: string): Promise<StoredDocument> {
    return (await this.find('getRecord', 'record', { RECORD_ID: id })) ?? unknownId('record', id);
  }

  createRecord(body: unknown): Promise<StoredDocument> {
    const { statuses, set } = this.recordBody(body, 'create');
    set.status = resolveStatus(
      typeof set.status === 'string' ? set.status : statuses.default,
      statuses,
    );
    return this.write('createRecord', 'record', bodyVariables('record', set), set);
  }

  updateRecord(id: string, body: unknown): Promise<StoredDocument> {
    const { statuses, set } = this.recordBody(body, 'update');
    if (typeof set.status === 'string') set.status = resolveStatus(set.status, statuses);
    const vars = { ...bodyVariables('record', set), RECORD_ID: id };
    return this.write('updateRecord', 'record', vars, { ...set, id });
  }

  // Comments

  listComments(): Promise<Page<StoredDocument>> {
    return Promise.reject(notImplemented('listComments', this.api));
  }

  async addComment(recordId: string, body: unknown): Promise<Record<string, unknown>> {
    const endpoint = operationEndpoint('addComment', this.api);
    const { set } = this.mapBody('comment', body, 'create');
    const text = String(set.body);
    const vars = {
      ...bodyVariables('comment', set),
      RECORD_ID: recordId,
      COMMENT_BODY: endpoint.convertToHtml ? plainTextToHtml(text) : text,
    };
    const response = await this.send(endpoint, this.variables('create', vars));
    const located = this.located(endpoint, response);
    return (
      fromDownstream(located, this.maps.comment, endpoint.idField) ?? {
        ...idOf(located),
        ...set,
        recordId,
      }
    );
  }

  // Attachments

  async addAttachment(recordId: string, file: NewAttachment): Promise<AttachmentView> {
    // operationEndpoint('addAttachment') is uploadFile, compiled with its upload settings.
    const endpoint = operationEndpoint('addAttachment', this.api) as CompiledUploadEndpoint;
    const vars = this.variables('create', { RECORD_ID: recordId, FILE_NAME: file.filename });
    const response = await this.send(endpoint, vars, file);
    let found: { id?: string; url: string };
    try {
      found = extractAttachment(endpoint, response.body, vars);
    } catch (error) {
      unexpected(error);
    }
    return {
      ...(found.id !== undefined && { id: found.id }),
      recordId,
      filename: file.filename,
      contentType: file.contentType,
      size: file.data.length,
      url: found.url,
    };
  }

  listAttachments(): Promise<AttachmentView[]> {
    return Promise.reject(notImplemented('listAttachments', this.api));
  }

  /** The CRM's download URL, built from attachmentBuilderUrl: crm-bridge never holds the bytes. */
  async getAttachment(recordId: string, attachmentId: string): Promise<AttachmentContent> {
    const attachment = operationEndpoint('getAttachment', this.api).upload?.attachment;
    if (attachment?.type !== 'id') throw notImplemented('getAttachment', this.api);
    const vars = createVariables({ RECORD_ID: recordId, ATTACHMENT_ID: attachmentId });
    return {
      kind: 'link',
      url: renderTemplate(attachment.builderUrl, vars, { encode: percentEncode }),
    };
  }

  // The exchange with the downstream CRM

  private mapBody(entity: Entity, body: unknown, mode: 'create' | 'update') {
    const fields = this.fields[entity];
    const source = unwrapBody(body, fields);
    return { source, ...mapFields(source, fields, mode) };
  }

  private recordBody(body: unknown, mode: 'create' | 'update') {
    const { crm } = this.options;
    const { source, set } = this.mapBody('record', body, mode);
    return {
      statuses: crm.recordStatuses,
      set: { ...customDataFields(source, crm.customFields), ...set },
    };
  }

  private variables(purpose: PhonePurpose, raw: RawVariables): Variables {
    const { phoneNumberFormat, defaultRegion } = this.api;
    return deriveVariables(raw, {
      purpose,
      formatPhone: (value, p) => formatPhone(value, phoneNumberFormat, p, defaultRegion),
    });
  }

  private async exchange(
    endpoint: CompiledEndpoint,
    vars: Variables,
    file?: UploadFile,
  ): Promise<OutboundResponse> {
    return this.options.sender.send(buildRequest(endpoint, vars, file));
  }

  private async send(
    endpoint: CompiledEndpoint,
    vars: Variables,
    file?: UploadFile,
  ): Promise<OutboundResponse> {
    const response = await this.exchange(endpoint, vars, file);
    if (!isSuccess(response.status)) throw downstreamFailure(endpoint.name, response);
    return response;
  }

  private located(endpoint: CompiledEndpoint, response: OutboundResponse): unknown {
    return locate(response.body, endpoint.responseDataLocation);
  }

  /** One object by id; undefined when the CRM answers 404 or its location holds nothing. */
  private async find(
    operation: RemoteOperation,
    entity: Entity,
    raw: RawVariables,
  ): Promise<StoredDocument | undefined> {
    const endpoint = operationEndpoint(operation, this.api);
    const response = await this.exchange(endpoint, this.variables('search', raw));
    if (response.status === 404) return undefined;
    if (!isSuccess(response.status)) throw downstreamFailure(endpoint.name, response);
    const located = this.located(endpoint, response);
    const first: unknown = Array.isArray(located) ? located[0] : located;
    if (first === undefined || first === null) return undefined;
    return this.readObject(endpoint, entity, first);
  }

  private async list(
    operation: RemoteOperation,
    entity: Entity,
    query: QueryParams,
  ): Promise<Page<StoredDocument>> {
    const fields = this.fields[entity];
    const { limit, offset } = listQuery(query, fields, this.options.maxPageSize);
    const endpoint = operationEndpoint(operation, this.api);
    const vars = this.variables('search', queryVariables(entity, query, fields));
    const response = await this.exchange(endpoint, vars);
    // Many CRMs answer a search that matched nothing with 404.
    if (response.status === 404) return { items: [], total: 0, limit, offset };
    if (!isSuccess(response.status)) throw downstreamFailure(endpoint.name, response);
    const all = listFromDownstream(
      listLocated(endpoint, response),
      this.maps[entity],
      endpoint.idField,
    );
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }

  /** Create or update: the object the CRM answers with, or what was sent plus the id it gave. */
  private async write(
    operation: RemoteOperation,
    entity: Entity,
    raw: RawVariables,
    sent: Record<string, unknown>,
  ): Promise<StoredDocument> {
    const endpoint = operationEndpoint(operation, this.api);
    const response = await this.send(endpoint, this.variables('create', raw));
    const located = this.located(endpoint, response);
    const object = fromDownstream(located, this.maps[entity], endpoint.idField);
    if (object !== undefined) return object;
    const id = idOf(located).id ?? (typeof sent.id === 'string' ? sent.id : undefined);
    if (id === undefined) return this.readObject(endpoint, entity, located);
    return { ...sent, id };
  }

  /** The located value as an object with an id; anything else is a 502 naming the location. */
  private readObject(endpoint: CompiledEndpoint, entity: Entity, located: unknown): StoredDocument {
    const object = fromDownstream(located, this.maps[entity], endpoint.idField);
    if (object !== undefined) return object;
    return unexpected(
      new ExtractionError(
        endpoint.name,
        endpoint.responseDataLocation,
        `an object with the id field "${endpoint.idField}"`,
        describe(located),
      ),
    );
  }
}

/**
 * A find endpoint's location names the first match (`$.result[0]`) because the flows want one;
 * a list request wants them all, so it reads the array that location indexes when it is one.
 */
function listLocated(endpoint: CompiledEndpoint, response: OutboundResponse): unknown {
  const location = endpoint.responseDataLocation;
  const whole = FIRST_ELEMENT.test(location)
    ? locate(response.body, location.replace(FIRST_ELEMENT, ''))
    : undefined;
  return Array.isArray(whole) ? whole : locate(response.body, location);
}

/** A location that points at the id itself (`$.result.id`). */
function idOf(located: unknown): { id?: string } {
  if (typeof located === 'string' && located.trim() !== '') return { id: located };
  if (typeof located === 'number' && Number.isFinite(located)) return { id: String(located) };
  return {};
}

function unknownId(entity: string, id: string): never {
  throw notFound(entity, id);
}

export function remoteBackend(options: RemoteBackendOptions): CrmBackend {
  return new RemoteBackend(options);
}

import { formatPhone, parseFailed } from '../../shared/phone/phone';
import type {
  CompiledEndpoint,
  CompiledGenericApi,
  CompiledUploadEndpoint,
  EndpointName,
  FileKind,
} from '../compiled-config';
import type { OutboundRequest, OutboundResponse, Sender } from '../outbound';
import { buildRequest } from '../request-builder';
import { ExtractionError, extractAttachment, findResponseId } from '../response-extract';
import {
  deriveVariables,
  isEmptyValue,
  type PhonePurpose,
  referencedVariables,
  renderTemplate,
  type VariableInput,
  type Variables,
} from '../template';
import { plainTextToHtml } from '../template/value-formats';
import { FlowError } from './flow-error';
import { sessionComments, type SessionComment } from './session-comments';

export const FLOW_NAMES = ['account', 'record', 'comment', 'upload', 'update', 'full'] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

export interface SessionFile {
  kind: FileKind;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface FlowInput {
  /** Raw variable values by name (any case); null or absent means "no value". */
  variables: VariableInput;
  /** The platform call or chat object, when there is one: comments and status come from it. */
  session?: Record<string, unknown>;
  files?: readonly SessionFile[];
}

export type FlowEvent =
  | { type: 'request'; request: OutboundRequest }
  | { type: 'response'; request: OutboundRequest; response: OutboundResponse }
  | { type: 'step'; endpoint: EndpointName; message: string }
  | { type: 'warning'; message: string };

export interface FlowOptions {
  api: CompiledGenericApi;
  sender: Sender;
  /** Session status → record status (crm.yaml recordStatuses.fromSessionStatus). */
  statusMap?: Readonly<Record<string, string>>;
  /** Build and report every request, send none; ids found downstream are placeholders. */
  dryRun?: boolean;
  onEvent?: (event: FlowEvent) => void;
}

export interface UploadedFile {
  kind: FileKind;
  filename: string;
  id?: string;
  url?: string;
}

export interface FlowResult {
  accountId?: string;
  recordId?: string;
  comments: number;
  uploads: UploadedFile[];
}

type Raw = Record<string, string | number | null | undefined>;

const DRY_RUN_ID = { ACCOUNT_ID: 'dry-run-account-id', RECORD_ID: 'dry-run-record-id' } as const;

/**
 * A find whose templated params all came out empty would ask the CRM for "anything" and take
 * its first answer for this caller: such a find is skipped. Literal params (limit: 1) and the
 * URL do not count as search terms.
 */
function hasSearchTerms(endpoint: CompiledEndpoint, vars: Variables): boolean {
  if (endpoint.method !== 'GET') return true;
  let templated = false;
  for (const param of endpoint.params) {
    if (referencedVariables(param.template).length === 0) continue;
    if (!isEmptyValue(renderTemplate(param.template, vars))) return true;
    templated = true;
  }
  return !templated;
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** A short, single-line view of what a CRM said, for error messages. */
function preview(body: unknown): string {
  const textual = typeof body === 'string' ? body : JSON.stringify(body);
  const flat = (textual ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** One run of the platform's Generic API flows for one session (reference/002 "Flows"). */
class FlowRun {
  private readonly raw: Raw;
  private readonly result: FlowResult = { comments: 0, uploads: [] };
  /** Numbers already reported as unparsable: each is said once per run, not once per request. */
  private readonly unparsablePhones = new Set<string>();
  /** The session's comments, worked out once per run (the full flow asks twice). */
  private planned: SessionComment[] | undefined;

  constructor(
    private readonly input: FlowInput,
    private readonly options: FlowOptions,
  ) {
    this.raw = {};
    for (const [key, value] of Object.entries(input.variables)) this.raw[key.toUpperCase()] = value;
    this.applyDefaultAgent();
    this.applyRecordStatus();
  }

  private get api(): CompiledGenericApi {
    return this.options.api;
  }

  /** Actions before an agent answers (chat queue, voicemail, abandoned call) use the defaults. */
  private applyDefaultAgent(): void {
    const agent = this.api.defaultAgent;
    const missing = (name: string): boolean =>
      this.raw[name] === undefined || this.raw[name] === null || this.raw[name] === '';
    if (missing('AGENT_EMAIL') && agent.email !== undefined) this.raw.AGENT_EMAIL = agent.email;
    if (missing('AGENT_ID') && agent.id !== undefined) this.raw.AGENT_ID = agent.id;
  }

  private applyRecordStatus(): void {
    const status = this.raw.SESSION_STATUS ?? (this.input.session?.status as string | undefined);
    if (typeof status !== 'string' || this.raw.RECORD_STATUS !== undefined) return;
    this.raw.SESSION_STATUS = status;
    const lower = status.toLowerCase();
    const statusMap = Object.entries(this.options.statusMap ?? {});
    const mapped = statusMap.find(([from]) => from.toLowerCase() === lower)?.[1];
    if (mapped !== undefined) this.raw.RECORD_STATUS = mapped;
  }

  private emit(event: FlowEvent): void {
    this.options.onEvent?.(event);
  }

  private step(endpoint: EndpointName, message: string): void {
    if (this.options.onEvent) this.emit({ type: 'step', endpoint, message });
  }

  /** What a request to `endpoint` substitutes: only the variables it names are derived. */
  private variables(endpoint: CompiledEndpoint, purpose: PhonePurpose, extra?: Raw): Variables {
    return deriveVariables(this.raw, {
      purpose,
      formatPhone: this.formatPhone,
      names: endpoint.variables,
      over: extra,
    });
  }

  /** The configured format; a number it cannot parse is sent unchanged, and said so once. */
  private readonly formatPhone = (raw: string, purpose: PhonePurpose): string => {
    const { phoneNumberFormat, defaultRegion } = this.api;
    if (parseFailed(raw, defaultRegion) && !this.unparsablePhones.has(raw)) {
      this.unparsablePhones.add(raw);
      this.emit({
        type: 'warning',
        message: `"${raw}" is not a phone number crm-bridge can format; it is sent unchanged`,
      });
    }
    return formatPhone(raw, phoneNumberFormat, purpose, defaultRegion);
  };

  /** Sends one endpoint's request; undefined in a dry run (the request is reported instead). */
  private async call(
    endpoint: CompiledEndpoint,
    vars: Variables,
    file?: SessionFile,
  ): Promise<OutboundResponse | undefined> {
    const request = buildRequest(endpoint, vars, file);
    if (this.options.dryRun) {
      this.emit({ type: 'request', request });
      return undefined;
    }
    const response = await this.options.sender.send(request);
    this.emit({ type: 'response', request, response });
    return response;
  }

  private failed(endpoint: CompiledEndpoint, response: OutboundResponse): FlowError {
    return new FlowError(
      endpoint.name,
      `answered ${response.status}${response.body === '' ? '' : `: ${preview(response.body)}`}`,
      response.status,
    );
  }

  /** A find: the id at the response location, or undefined for "none" (also a 404). */
  private async find(endpoint: CompiledEndpoint, vars: Variables): Promise<string | undefined> {
    if (!hasSearchTerms(endpoint, vars)) {
      this.step(endpoint.name, 'nothing to search by (every templated param is empty); skipped');
      return undefined;
    }
    const response = await this.call(endpoint, vars);
    if (response === undefined || response.status === 404) return undefined;
    if (!isSuccess(response.status)) throw this.failed(endpoint, response);
    return this.extracting(endpoint, () => findResponseId(endpoint, response.body));
  }

  /** A create: the id at the response location, which must be there. */
  private async create(
    endpoint: CompiledEndpoint,
    vars: Variables,
    placeholder: string,
  ): Promise<string> {
    const response = await this.call(endpoint, vars);
    if (response === undefined) return placeholder;
    if (!isSuccess(response.status)) throw this.failed(endpoint, response);
    const id = this.extracting(endpoint, () => findResponseId(endpoint, response.body));
    if (id === undefined) {
      throw new FlowError(
        endpoint.name,
        `answered ${response.status} but ${endpoint.responseDataLocation} holds no object with "${endpoint.idField}": ${preview(response.body)}`,
        response.status,
      );
    }
    return id;
  }

  private extracting<T>(endpoint: CompiledEndpoint, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof ExtractionError) throw new FlowError(endpoint.name, err.message);
      throw err;
    }
  }

  private require(name: EndpointName): CompiledEndpoint {
    const endpoint = this.api.endpoints[name];
    if (!endpoint) throw new FlowError(name, 'is not configured in generic-api.yaml');
    return endpoint;
  }

  async account(): Promise<string> {
    const { findAccountById, findAccountByQuery } = this.api.endpoints;
    const known = this.raw.ACCOUNT_ID;
    if (known !== undefined && known !== null && known !== '' && findAccountById) {
      const id = await this.find(findAccountById, this.variables(findAccountById, 'search'));
      if (id !== undefined)
        return this.foundAccount('findAccountById', `account ${id} found by id`, id);
      this.step('findAccountById', 'not found by id; trying the next way');
    }
    if (findAccountByQuery) {
      const id = await this.find(findAccountByQuery, this.variables(findAccountByQuery, 'search'));
      if (id !== undefined)
        return this.foundAccount('findAccountByQuery', `account ${id} found`, id);
      this.step('findAccountByQuery', 'no account matches; creating one');
    }
    const createAccount = this.require('createAccount');
    const id = await this.create(
      createAccount,
      this.variables(createAccount, 'create'),
      DRY_RUN_ID.ACCOUNT_ID,
    );
    return this.foundAccount('createAccount', `account ${id} created`, id);
  }

  private foundAccount(endpoint: EndpointName, message: string, id: string): string {
    this.raw.ACCOUNT_ID = id;
    this.result.accountId = id;
    this.step(endpoint, message);
    return id;
  }

  async record(): Promise<string> {
    const given = this.raw.RECORD_ID;
    if (given !== undefined && given !== null && given !== '')
      return this.foundRecord('createRecord', `record ${given} given`, String(given));
    await this.account();
    const { findRecordByQuery } = this.api.endpoints;
    if (this.api.reuseOpenRecords && findRecordByQuery) {
      const id = await this.find(findRecordByQuery, this.variables(findRecordByQuery, 'search'));
      if (id !== undefined)
        return this.foundRecord('findRecordByQuery', `reusing open record ${id}`, id);
      this.step('findRecordByQuery', 'no open record to reuse; creating one');
    }
    const createRecord = this.require('createRecord');
    const id = await this.create(
      createRecord,
      this.variables(createRecord, 'create'),
      DRY_RUN_ID.RECORD_ID,
    );
    return this.foundRecord('createRecord', `record ${id} created`, id);
  }

  private foundRecord(endpoint: EndpointName, message: string, id: string): string {
    this.raw.RECORD_ID = id;
    this.result.recordId = id;
    this.step(endpoint, message);
    return id;
  }

  async comment(text: string, label: string): Promise<void> {
    const endpoint = this.require('comment');
    const body = endpoint.convertToHtml ? plainTextToHtml(text) : text;
    const response = await this.call(
      endpoint,
      this.variables(endpoint, 'create', { COMMENT_BODY: body }),
    );
    if (response !== undefined && !isSuccess(response.status))
      throw this.failed(endpoint, response);
    this.result.comments += 1;
    this.step('comment', `${label} comment added`);
  }

  /** The session's comments; without a session, the COMMENT_BODY variable alone. */
  private plannedComments(): SessionComment[] {
    if (this.input.session) {
      this.planned ??= sessionComments(this.input.session, this.api.comments);
      return this.planned;
    }
    const body = this.raw.COMMENT_BODY;
    if (body === undefined || body === null || body === '') {
      throw new FlowError(
        'comment',
        'nothing to comment: give a "session" or the COMMENT_BODY variable',
      );
    }
    return [{ event: 'sessionEnd', text: String(body) }];
  }

  async comments(only?: (c: SessionComment) => boolean): Promise<void> {
    for (const c of this.plannedComments().filter(only ?? (() => true)))
      await this.comment(c.text, c.event);
  }

  async update(): Promise<void> {
    const endpoint = this.require('updateRecord');
    const response = await this.call(endpoint, this.variables(endpoint, 'create'));
    if (response !== undefined && !isSuccess(response.status))
      throw this.failed(endpoint, response);
    this.step('updateRecord', `record ${String(this.raw.RECORD_ID)} updated`);
  }

  async uploads(): Promise<void> {
    const endpoint = this.require('uploadFile') as CompiledUploadEndpoint;
    const wanted = (this.input.files ?? []).filter((f) => endpoint.upload.files.includes(f.kind));
    if (wanted.length === 0) this.step('uploadFile', 'no file of a selected kind to upload');
    for (const file of wanted) await this.upload(endpoint, file);
  }

  private async upload(endpoint: CompiledUploadEndpoint, file: SessionFile): Promise<void> {
    const vars = this.variables(endpoint, 'create', {
      FILE_NAME: file.filename,
      FILE_KIND: file.kind,
    });
    const response = await this.call(endpoint, vars, file);
    const uploaded: UploadedFile = { kind: file.kind, filename: file.filename };
    if (response !== undefined) {
      if (!isSuccess(response.status)) throw this.failed(endpoint, response);
      Object.assign(
        uploaded,
        this.extracting(endpoint, () => extractAttachment(endpoint, response.body, vars)),
      );
    }
    this.result.uploads.push(uploaded);
    this.step('uploadFile', `${file.filename} uploaded${uploaded.url ? `: ${uploaded.url}` : ''}`);
    if (endpoint.upload.addComment && this.api.endpoints.comment) {
      const where = uploaded.url ?? '(dry run)';
      await this.comment(`File uploaded: ${file.filename} (${file.kind})\n${where}`, 'upload');
    }
  }

  async run(flow: FlowName): Promise<FlowResult> {
    switch (flow) {
      case 'account':
        await this.account();
        break;
      case 'record':
        await this.record();
        break;
      case 'comment':
        await this.record();
        await this.comments();
        break;
      case 'update':
        await this.record();
        await this.update();
        break;
      case 'upload':
        await this.record();
        await this.uploads();
        break;
      case 'full':
        await this.full();
        break;
    }
    return this.result;
  }

  /** What the platform does over a session: account, record, comments, update, files. */
  private async full(): Promise<void> {
    const { flows, endpoints } = this.api;
    if (!flows.account)
      throw new FlowError(
        'createAccount',
        'the account flow needs createAccount and a find endpoint',
      );
    if (!flows.record) {
      await this.account();
      return;
    }
    await this.record();
    const commenting =
      flows.comment && (this.input.session !== undefined || this.raw.COMMENT_BODY !== undefined);
    const isStart = (c: SessionComment): boolean => c.event === 'sessionStart';
    if (commenting) await this.comments(isStart);
    if (flows.update && endpoints.updateRecord) await this.update();
    if (commenting) await this.comments((c) => !isStart(c));
    if (flows.upload && (this.input.files ?? []).length > 0) await this.uploads();
  }
}

/** Runs one of the platform's Generic API flows; rejects with FlowError naming the step. */
export function runFlow(
  flow: FlowName,
  input: FlowInput,
  options: FlowOptions,
): Promise<FlowResult> {
  return new FlowRun(input, options).run(flow);
}

/**
 * generic-api.yaml compiled once, at start, into what the flows run: every template parsed,
 * every name pre-encoded, every default resolved, so that building a request is a walk over
 * frozen data with no parsing and no decisions left.
 */
import type { CountryCode } from 'libphonenumber-js/min';
import type { OutboundAuth } from './config/auth-schema';
import type {
  CommentEvents,
  DefaultAgent,
  EndpointConfig,
  EndpointName,
  FileKind,
  GenericApiConfig,
  UploadEndpointConfig,
} from './config/generic-api-schema';
import type { HttpMethod } from './outbound';
import type { PhoneFormat } from '../shared/phone/phone';
import { percentEncode } from './percent-encode';
import { compileTemplate, type CompiledTemplate, referencedVariables } from './template';
import { isWholeVariable, querySeparator } from './template-shape';

export type { CommentEvents, DefaultAgent, EndpointName, FileKind };

export interface CompiledParam {
  readonly name: string;
  readonly template: CompiledTemplate;
  /** `"name":` — the JSON key, quoted and escaped once. */
  readonly jsonKey: string;
  /** The name percent-encoded for a query string or form body; container names included. */
  readonly formKey: string;
}

export type BodyFormat =
  | { readonly kind: 'property' }
  | { readonly kind: 'container'; readonly containerType: 'map' | 'array'; readonly name: string };

export type CompiledAttachment =
  | { readonly type: 'id'; readonly idLocation: string; readonly builderUrl: CompiledTemplate }
  | { readonly type: 'url'; readonly urlLocation: string; readonly idLocation?: string };

export interface CompiledUpload {
  readonly type: 'base64' | 'multipart';
  /** The param whose value is `{FILE_DATA}`: the base64 field, or the multipart file part. */
  readonly fileParam: string;
  readonly attachment: CompiledAttachment;
  readonly addComment: boolean;
  readonly files: readonly FileKind[];
}

/** An outbound request's shape, compiled: what the request builder needs. */
export interface CompiledRequest {
  /** Names the request in errors and exchanges: the endpoint, or the event action. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Rendered with every substituted value percent-encoded. */
  readonly url: CompiledTemplate;
  /** Joins the query string of a GET to the rendered URL. */
  readonly querySeparator: '?' | '&' | '';
  /** In the order configured; a param whose value renders empty is left out of the request. */
  readonly params: readonly CompiledParam[];
  readonly headers: readonly CompiledParam[];
  readonly bodyFormat: BodyFormat;
  /** What a JSON body starts and ends with: `{`…`}`, `{"name":{`…`}}` or `{"name":[{`…`}]}`. */
  readonly jsonEnvelope: { readonly open: string; readonly close: string };
  readonly bodyEncoding: 'json' | 'form';
  /** Only for `uploadFile`. */
  readonly upload?: CompiledUpload;
  /**
   * Every variable its templates name (URL, params, headers, attachment builder URL), upper case,
   * once each: all a request to it needs derived.
   */
  readonly variables: readonly string[];
}

export interface CompiledEndpoint extends CompiledRequest {
  readonly name: EndpointName;
  readonly responseDataLocation: string;
  readonly idField: string;
  /** Only for `comment`: send comment text as HTML. */
  readonly convertToHtml: boolean;
}

export interface CompiledUploadEndpoint extends CompiledEndpoint {
  readonly upload: CompiledUpload;
}

export interface CompiledEndpoints {
  readonly findAccountByQuery?: CompiledEndpoint;
  readonly findAccountById?: CompiledEndpoint;
  readonly createAccount?: CompiledEndpoint;
  readonly findRecordByQuery?: CompiledEndpoint;
  readonly createRecord?: CompiledEndpoint;
  readonly updateRecord?: CompiledEndpoint;
  readonly comment?: CompiledEndpoint;
  readonly uploadFile?: CompiledUploadEndpoint;
}

/** Which flows the configured endpoints make available (reference/002 "API endpoints"). */
export interface AvailableFlows {
  readonly account: boolean;
  readonly record: boolean;
  readonly update: boolean;
  readonly comment: boolean;
  readonly upload: boolean;
}

export interface CompiledGenericApi {
  readonly auth: OutboundAuth;
  readonly phoneNumberFormat: PhoneFormat;
  readonly defaultRegion: CountryCode;
  readonly timeoutMs: number;
  readonly reuseOpenRecords: boolean;
  readonly lookupUrls: { readonly account?: CompiledTemplate; readonly record?: CompiledTemplate };
  readonly defaultAgent: Readonly<DefaultAgent>;
  readonly comments: Readonly<CommentEvents>;
  /** Session status → record status for `{RECORD_STATUS}`, when configured. */
  readonly recordStatusMap?: Readonly<Record<string, string>>;
  readonly endpoints: CompiledEndpoints;
  readonly flows: AvailableFlows;
}

/**
 * Compiles a config that passed `genericApiSchema` (whose checks compile every template too), so
 * a TemplateError here is a bug, not an admin's mistake.
 */
export function compileGenericApi(config: GenericApiConfig): CompiledGenericApi {
  const endpoints = compileEndpoints(config.endpoints);
  const has = (name: EndpointName): boolean => endpoints[name] !== undefined;
  const account = (has('findAccountByQuery') || has('findAccountById')) && has('createAccount');
  const record = account && has('createRecord');
  const lookup = (source: string | undefined, where: string) =>
    source === undefined ? undefined : compileTemplate(source, where);
  return deepFreeze({
    auth: config.auth,
    phoneNumberFormat: config.phoneNumberFormat,
    // The schema accepts only regions libphonenumber supports.
    defaultRegion: config.defaultRegion as CountryCode,
    timeoutMs: config.timeoutSeconds * 1000,
    reuseOpenRecords: config.reuseOpenRecords,
    lookupUrls: {
      account: lookup(config.lookupUrls.account, 'lookupUrls.account'),
      record: lookup(config.lookupUrls.record, 'lookupUrls.record'),
    },
    defaultAgent: { ...config.defaultAgent },
    comments: { ...config.comments },
    ...(config.recordStatusMap && { recordStatusMap: { ...config.recordStatusMap } }),
    endpoints,
    flows: {
      account,
      record,
      update: record && has('updateRecord'),
      comment: record && has('comment'),
      upload: record && has('uploadFile'),
    },
  });
}

function compileEndpoints(config: GenericApiConfig['endpoints']): CompiledEndpoints {
  // Typed loosely while filled: see compileEndpoint for why uploadFile comes out with `upload`.
  const compiled: Record<string, CompiledEndpoint> = {};
  for (const [name, endpoint] of Object.entries(config) as [EndpointName, EndpointConfig?][]) {
    if (endpoint !== undefined) compiled[name] = compileEndpoint(name, endpoint);
  }
  return compiled;
}

/** What compileRequest reads: the request fields of generic-api-schema's requestFields. */
export type RequestConfig = Pick<
  EndpointConfig,
  | 'url'
  | 'method'
  | 'params'
  | 'headers'
  | 'dataFormat'
  | 'containerType'
  | 'containerName'
  | 'bodyEncoding'
>;

/** A request's shape; `where` names a key in messages (`endpoints.createRecord.url`). */
export function compileRequest(
  name: string,
  config: RequestConfig,
  where: (key: string) => string,
): CompiledRequest {
  const url = compileTemplate(config.url, where('url'));
  // A GET has no body to nest params in: they are query parameters under their own names.
  const bodyFormat: BodyFormat =
    config.method !== 'GET' &&
    config.dataFormat === 'container' &&
    config.containerName !== undefined
      ? {
          kind: 'container',
          containerType: config.containerType ?? 'map',
          name: config.containerName,
        }
      : { kind: 'property' };
  const params = Object.entries(config.params).map(([param, source]) =>
    compileParam(param, source, where(`params.${param}`), bodyFormat),
  );
  const headers = Object.entries(config.headers).map(([header, source]) =>
    compileParam(header, source, where(`headers.${header}`), { kind: 'property' }),
  );
  return deepFreeze({
    name,
    method: config.method,
    url,
    querySeparator: querySeparator(url),
    params,
    headers,
    bodyFormat,
    jsonEnvelope: jsonEnvelope(bodyFormat),
    bodyEncoding: config.bodyEncoding,
    variables: namedIn([url, ...params.map((p) => p.template), ...headers.map((h) => h.template)]),
  });
}

/** One endpoint; uploadFile's config always has `type` (a schema default), so it gets `upload`. */
export function compileEndpoint(name: EndpointName, config: EndpointConfig): CompiledEndpoint {
  const where = (key: string) => `endpoints.${name}.${key}`;
  const endpoint: CompiledEndpoint = {
    ...compileRequest(name, config, where),
    name,
    responseDataLocation: config.responseDataLocation,
    idField: config.idField,
    convertToHtml: 'convertToHtml' in config ? config.convertToHtml : false,
  };
  if (!('type' in config)) return deepFreeze(endpoint);
  const upload = compileUpload(config, endpoint.params, where);
  if (upload.attachment.type !== 'id') return deepFreeze({ ...endpoint, upload });
  const variables = [
    ...new Set([...endpoint.variables, ...namedIn([upload.attachment.builderUrl])]),
  ];
  return deepFreeze({ ...endpoint, upload, variables });
}

function namedIn(templates: readonly CompiledTemplate[]): readonly string[] {
  return [...new Set(templates.flatMap((t) => referencedVariables(t)))];
}

function compileParam(
  name: string,
  source: string,
  where: string,
  body: BodyFormat,
): CompiledParam {
  return {
    name,
    template: compileTemplate(source, where),
    jsonKey: `${JSON.stringify(name)}:`,
    formKey: percentEncode(formName(name, body)),
  };
}

function jsonEnvelope(body: BodyFormat): CompiledEndpoint['jsonEnvelope'] {
  if (body.kind === 'property') return { open: '{', close: '}' };
  const key = JSON.stringify(body.name);
  return body.containerType === 'map'
    ? { open: `{${key}:{`, close: '}}' }
    : { open: `{${key}:[{`, close: '}]}' };
}

/**
 * The bracket notation PHP, Rails and the `qs` package read as nesting: `account[name]` for a
 * map container, `account[0][name]` for an array container.
 */
function formName(name: string, body: BodyFormat): string {
  if (body.kind === 'property') return name;
  return body.containerType === 'map' ? `${body.name}[${name}]` : `${body.name}[0][${name}]`;
}

function compileUpload(
  config: UploadEndpointConfig,
  params: readonly CompiledParam[],
  where: (key: string) => string,
): CompiledUpload {
  const fileParam = params.find((p) => isWholeVariable(p.template, 'FILE_DATA'));
  if (fileParam === undefined) throw new Error(`${where('params')}: no {FILE_DATA} parameter`);
  return {
    type: config.type,
    fileParam: fileParam.name,
    attachment: compileAttachment(config, where),
    addComment: config.addComment,
    files: [...new Set(config.files)],
  };
}

function compileAttachment(
  config: UploadEndpointConfig,
  where: (key: string) => string,
): CompiledAttachment {
  const { attachmentIdLocation: idLocation, attachmentBuilderUrl: builder } = config;
  if (config.attachmentType === 'id') {
    if (idLocation === undefined || builder === undefined) {
      throw new Error(`${where('attachmentType')}: id needs a location and a builder URL`);
    }
    return {
      type: 'id',
      idLocation,
      builderUrl: compileTemplate(builder, where('attachmentBuilderUrl')),
    };
  }
  const urlLocation = config.attachmentUrlLocation;
  if (urlLocation === undefined) throw new Error(`${where('attachmentUrlLocation')}: missing`);
  return idLocation === undefined
    ? { type: 'url', urlLocation }
    : { type: 'url', urlLocation, idLocation };
}

/** Compiled once and shared by every request: a stray write throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

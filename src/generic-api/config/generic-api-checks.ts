/**
 * What `config check` verifies in generic-api.yaml beyond its structure, so that nothing an admin
 * wrote can fail while a request is built: every template compiles, every JSONPath is a plain
 * path, every URL is absolute, and each endpoint's settings agree with each other (flow-checks.ts
 * checks the endpoints against each other). Problems are zod issues, reported like schema problems
 * (file:line:path).
 */
import {
  compileTemplate,
  referencedVariables,
  TemplateError,
  type CompiledTemplate,
} from '../template';
import { jsonPathProblem } from '../jsonpath';
import { absoluteUrlProblem, isWholeVariable } from '../template-shape';
import type { EndpointName } from './generic-api-schema';

type Path = PropertyKey[];

/** The part of zod's refinement context the checks use. */
export interface IssueSink {
  addIssue(issue: { code: 'custom'; path: Path; message: string }): void;
}

/** What the checks read of a parsed request (an endpoint, an event action's request). */
export interface CheckedRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  params: Record<string, string>;
  headers: Record<string, string>;
  dataFormat: 'property' | 'container';
  containerType?: 'map' | 'array' | undefined;
  containerName?: string | undefined;
  bodyEncoding: 'json' | 'form';
}

/** What the checks read of a parsed endpoint; uploadFile and comment add their own keys. */
export interface CheckedEndpoint extends CheckedRequest {
  responseDataLocation: string;
  type?: 'base64' | 'multipart';
  attachmentType?: 'id' | 'url';
  attachmentIdLocation?: string | undefined;
  attachmentBuilderUrl?: string | undefined;
  attachmentUrlLocation?: string | undefined;
  files?: readonly string[];
}

/** Set from the endpoint's settings (body, encoding) or by the HTTP client, never by hand. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding']);
/** Endpoints that act on one record: the CRM must be told which. */
const RECORD_ENDPOINTS: ReadonlySet<EndpointName> = new Set([
  'updateRecord',
  'comment',
  'uploadFile',
]);

const ONLY_IN_UPLOAD = '{FILE_DATA} is only available as a parameter of uploadFile';
const ONLY_IN_BUILDER = '{ATTACHMENT_ID} is only available in uploadFile.attachmentBuilderUrl';

/** A refinement for the endpoint called `name`. */
export function checkEndpoint(name: EndpointName) {
  return (endpoint: CheckedEndpoint, ctx: IssueSink): void => {
    const report = (path: Path, message: string): void =>
      ctx.addIssue({ code: 'custom', path, message });
    const { url, params, headers } = checkRequest(endpoint, name, report);
    checkLocation(endpoint.responseDataLocation, ['responseDataLocation'], report);

    if (name === 'findAccountById' && url !== undefined && !uses(url, 'ACCOUNT_ID')) {
      report(['url'], 'must contain {ACCOUNT_ID}: this endpoint finds the account by its id');
    }
    const all = [url, ...params.values(), ...headers.values()];
    if (RECORD_ENDPOINTS.has(name) && url !== undefined && !all.some((t) => uses(t, 'RECORD_ID'))) {
      report(['url'], 'must name the record: use {RECORD_ID} in the url, params or headers');
    }
    if (name === 'uploadFile') checkUpload(endpoint, params, report);
  };
}

/**
 * What every outbound request must satisfy: its templates compile, its URL is absolute, its
 * headers leave crm-bridge's own alone and its body settings agree with having a body. `name` is
 * the endpoint's (uploadFile may use {FILE_DATA}) or any other name for a request of another kind.
 */
export function checkRequest(
  request: CheckedRequest & Pick<CheckedEndpoint, 'type'>,
  name: string,
  report: Report,
): {
  url: CompiledTemplate | undefined;
  params: Map<string, CompiledTemplate>;
  headers: Map<string, CompiledTemplate>;
} {
  const url = checkUrl(request.url, ['url'], report);
  const params = checkTemplates(request.params, 'params', name, report);
  const headers = checkTemplates(request.headers, 'headers', name, report);
  for (const header of Object.keys(request.headers)) {
    if (RESERVED_HEADERS.has(header.toLowerCase())) {
      report(['headers', header], `${header} is set by crm-bridge; remove it`);
    }
  }
  checkBodySettings(request, name, report);
  return { url, params, headers };
}

/** A CRM lookup URL (lookupUrls.account / .record). */
export function checkLookupUrl(value: string, ctx: IssueSink): void {
  checkUrl(value, [], (path, message) => ctx.addIssue({ code: 'custom', path, message }), {
    allowFragment: true,
  });
}

export type Report = (path: Path, message: string) => void;

function compiles(source: string, path: Path, report: Report): CompiledTemplate | undefined {
  try {
    return compileTemplate(source, path.map(String).join('.'));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    report(path, `column ${error.column}: ${error.detail}`);
    return undefined;
  }
}

function checkUrl(
  source: string,
  path: Path,
  report: Report,
  options: { allowFragment?: boolean } = {},
): CompiledTemplate | undefined {
  const url = compiles(source, path, report);
  if (url === undefined) return undefined;
  const problem = absoluteUrlProblem(url, options);
  if (problem !== undefined) report(path, problem);
  else if (uses(url, 'FILE_DATA')) report(path, ONLY_IN_UPLOAD);
  else if (uses(url, 'ATTACHMENT_ID')) report(path, ONLY_IN_BUILDER);
  return url;
}

function checkTemplates(
  values: Record<string, string>,
  key: 'params' | 'headers',
  endpoint: string,
  report: Report,
): Map<string, CompiledTemplate> {
  const compiled = new Map<string, CompiledTemplate>();
  for (const [name, source] of Object.entries(values)) {
    const path = [key, name];
    const template = compiles(source, path, report);
    if (template === undefined) continue;
    compiled.set(name, template);
    if (uses(template, 'ATTACHMENT_ID')) report(path, ONLY_IN_BUILDER);
    if (uses(template, 'FILE_DATA') && (key !== 'params' || endpoint !== 'uploadFile')) {
      report(path, ONLY_IN_UPLOAD);
    }
  }
  return compiled;
}

function checkLocation(path: string, at: Path, report: Report): void {
  const problem = jsonPathProblem(path);
  if (problem !== undefined) report(at, problem);
}

/** Container and encoding settings shape a request body: they must agree with having one. */
function checkBodySettings(
  endpoint: CheckedRequest & Pick<CheckedEndpoint, 'type'>,
  name: string,
  report: Report,
): void {
  const container = endpoint.dataFormat === 'container';
  if (container && endpoint.containerName === undefined) {
    report(['containerName'], 'required when dataFormat is container (the parent object name)');
  }
  if (!container) {
    for (const key of ['containerType', 'containerName'] as const) {
      if (endpoint[key] !== undefined) report([key], 'only used with dataFormat: container');
    }
  }
  const noBody =
    endpoint.method === 'GET'
      ? 'a GET request has no body (its params go in the query string)'
      : endpoint.type === 'multipart' && name === 'uploadFile'
        ? 'a multipart upload sends its params as form-data fields'
        : undefined;
  if (noBody === undefined) return;
  if (container) report(['dataFormat'], `container does not apply: ${noBody}`);
  if (endpoint.bodyEncoding === 'form') report(['bodyEncoding'], `form does not apply: ${noBody}`);
}

function checkUpload(
  endpoint: CheckedEndpoint,
  params: ReadonlyMap<string, CompiledTemplate>,
  report: Report,
): void {
  checkFileParam(params, report);
  if (endpoint.attachmentType === 'id') {
    if (endpoint.attachmentIdLocation === undefined) {
      report(['attachmentIdLocation'], 'required with attachmentType id (JSONPath of the id)');
    }
    if (endpoint.attachmentBuilderUrl === undefined) {
      report(['attachmentBuilderUrl'], 'required with attachmentType id (the download URL)');
    }
  } else if (endpoint.attachmentUrlLocation === undefined) {
    report(
      ['attachmentUrlLocation'],
      'required with attachmentType url (JSONPath of the download URL); or set attachmentType: id',
    );
  }
  for (const key of ['attachmentIdLocation', 'attachmentUrlLocation'] as const) {
    const location = endpoint[key];
    if (location !== undefined) checkLocation(location, [key], report);
  }
  if (endpoint.attachmentBuilderUrl !== undefined) {
    const builder = compiles(endpoint.attachmentBuilderUrl, ['attachmentBuilderUrl'], report);
    const problem = builder === undefined ? undefined : absoluteUrlProblem(builder);
    if (problem !== undefined) report(['attachmentBuilderUrl'], problem);
    else if (builder !== undefined && !uses(builder, 'ATTACHMENT_ID')) {
      report(['attachmentBuilderUrl'], 'must contain {ATTACHMENT_ID}');
    }
  }
  const seen = new Set<string>();
  endpoint.files?.forEach((kind, index) => {
    if (seen.has(kind)) report(['files', index], `${kind} is listed twice`);
    seen.add(kind);
  });
}

/** The file is one whole parameter: in multipart it is a part of its own, never text. */
function checkFileParam(params: ReadonlyMap<string, CompiledTemplate>, report: Report): void {
  let fileParam: string | undefined;
  let mentioned = false;
  for (const [name, template] of params) {
    if (!uses(template, 'FILE_DATA')) continue;
    mentioned = true;
    if (!isWholeVariable(template, 'FILE_DATA')) {
      report(['params', name], '{FILE_DATA} must be the whole value of its parameter');
    } else if (fileParam !== undefined) {
      report(['params', name], `only one parameter may hold the file; ${fileParam} already does`);
    } else {
      fileParam = name;
    }
  }
  if (!mentioned) {
    report(
      ['params'],
      'needs a parameter whose value is {FILE_DATA} (the file), e.g. file: "{FILE_DATA}"',
    );
  }
}

function uses(template: CompiledTemplate | undefined, variable: string): boolean {
  return template !== undefined && referencedVariables(template).includes(variable);
}

/**
 * From a compiled endpoint and the session's variables to the exact request to send (pure, no
 * I/O). Shapes, per reference/002 "Endpoint configuration" and "Upload a file endpoint":
 *
 *   GET                 params → query string, appended to any query the URL already has
 *   POST / PUT / PATCH  params → JSON body: Property `{...}`, Container map `{name: {...}}` or
 *                       array `{name: [{...}]}`; with `bodyEncoding: form` the same as
 *                       application/x-www-form-urlencoded, containers in bracket notation
 *                       (`name[key]=v`, `name[0][key]=v`)
 *   uploadFile base64   as above, the `{FILE_DATA}` param holding the file as base64; nothing
 *                       else is added (a filename field only when configured as a param)
 *   uploadFile multipart  multipart/form-data: the `{FILE_DATA}` param is the file part (with
 *                       its filename and content type), every other param a text field, in the
 *                       configured order
 *
 * A param whose value renders empty is left out (DESIGN "Template semantics"); the file never is.
 * Substitutions into the URL are percent-encoded; names and values of query strings and form
 * bodies are encoded with encodeURIComponent (a space is %20, which every form parser reads).
 * JSON bodies are written by hand from pre-quoted keys: one pass, no intermediate object.
 */
import { randomBytes } from 'node:crypto';
import type { CompiledParam, CompiledRequest, CompiledUpload } from './compiled-config';
import type { OutboundRequest } from './outbound';
import { percentEncode } from './percent-encode';
import type { Variables } from './template';
import { isEmptyValue, renderTemplate, type RenderOptions } from './template/render';

export interface UploadFile {
  readonly data: Buffer;
  readonly filename: string;
  readonly contentType: string;
}

const URL_ENCODING: RenderOptions = Object.freeze({ encode: percentEncode });
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const OCTET_STREAM = 'application/octet-stream';
const CRLF = '\r\n';
/** `type/subtype` with optional parameters (RFC 9110 tokens); anything else is not sent. */
const MEDIA_TYPE =
  /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;\s*[\w!#$&^.+-]+=(?:[\w!#$&^.+-]+|"[^"\\\r\n]*"))*$/;

/** The file's value in place of rendering its `{FILE_DATA}` param. */
interface FileValue {
  readonly param: string;
  readonly value: string;
}

/**
 * The request `endpoint` makes for these variables. `file` is required by uploadFile and refused
 * by every other endpoint: a mistake in a flow, not in the config.
 */
export function buildRequest(
  endpoint: CompiledRequest,
  vars: Variables,
  file?: UploadFile,
): OutboundRequest {
  const upload = endpoint.upload;
  if (upload === undefined && file !== undefined) {
    throw new TypeError(`${endpoint.name} does not upload files`);
  }
  if (upload !== undefined && file === undefined) {
    throw new TypeError(`${endpoint.name} needs the file to upload`);
  }
  let url = renderTemplate(endpoint.url, vars, URL_ENCODING);
  const headers = renderHeaders(endpoint.headers, vars);
  let body: Buffer | undefined;
  if (upload !== undefined && file !== undefined) {
    if (upload.type === 'multipart') {
      const boundary = `----crm-bridge-${randomBytes(16).toString('hex')}`;
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
      body = multipartBody(endpoint, upload, vars, file, boundary);
    } else {
      const fileValue = { param: upload.fileParam, value: file.data.toString('base64') };
      body = encodedBody(endpoint, vars, headers, fileValue);
    }
  } else if (endpoint.method === 'GET') {
    const query = formFields(endpoint.params, vars, undefined);
    if (query !== '') url += endpoint.querySeparator + query;
  } else {
    body = encodedBody(endpoint, vars, headers, undefined);
  }
  const { name, method } = endpoint;
  return body === undefined
    ? { endpoint: name, method, url, headers }
    : { endpoint: name, method, url, headers, body };
}

/** A JSON or form body, its Content-Type set in `headers`. */
function encodedBody(
  endpoint: CompiledRequest,
  vars: Variables,
  headers: Record<string, string>,
  file: FileValue | undefined,
): Buffer {
  if (endpoint.bodyEncoding === 'form') {
    headers['Content-Type'] = FORM_TYPE;
    return Buffer.from(formFields(endpoint.params, vars, file), 'utf8');
  }
  headers['Content-Type'] = JSON_TYPE;
  return Buffer.from(jsonBody(endpoint, vars, file), 'utf8');
}

function paramValue(param: CompiledParam, vars: Variables, file: FileValue | undefined): string {
  return file !== undefined && param.name === file.param
    ? file.value
    : renderTemplate(param.template, vars);
}

function jsonBody(endpoint: CompiledRequest, vars: Variables, file: FileValue | undefined) {
  let fields = '';
  for (const param of endpoint.params) {
    const value = paramValue(param, vars, file);
    if (isEmptyValue(value) && param.name !== file?.param) continue;
    fields += (fields === '' ? param.jsonKey : `,${param.jsonKey}`) + JSON.stringify(value);
  }
  return endpoint.jsonEnvelope.open + fields + endpoint.jsonEnvelope.close;
}

/** `a=1&b=2`, for a query string or a form body; empty when no param has a value. */
function formFields(
  params: readonly CompiledParam[],
  vars: Variables,
  file: FileValue | undefined,
): string {
  let out = '';
  for (const param of params) {
    const value = paramValue(param, vars, file);
    if (isEmptyValue(value) && param.name !== file?.param) continue;
    const field = `${param.formKey}=${percentEncode(value)}`;
    out = out === '' ? field : `${out}&${field}`;
  }
  return out;
}

function renderHeaders(params: readonly CompiledParam[], vars: Variables): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const param of params) {
    const value = renderTemplate(param.template, vars);
    if (!isEmptyValue(value)) headers[param.name] = headerValue(value);
  }
  return headers;
}

/**
 * Node refuses to send a header value with a line break, another control character or a
 * character beyond Latin-1, and a substituted session value may hold any of them. Control
 * characters become spaces; other characters are percent-encoded as UTF-8 (RFC 8187's encoding).
 */
function headerValue(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (!isHeaderSafe(value.charCodeAt(i))) return sanitizeHeader(value);
  }
  return value;
}

function isHeaderSafe(code: number): boolean {
  return code === 9 || (code >= 32 && code !== 127 && code <= 255);
}

function sanitizeHeader(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (isHeaderSafe(code)) out += char;
    else if (code < 32 || code === 127) out += ' ';
    else out += percentEncode(char);
  }
  return out;
}

/** RFC 7578: each part is a boundary line, its headers, a blank line and its content. */
function multipartBody(
  endpoint: CompiledRequest,
  upload: CompiledUpload,
  vars: Variables,
  file: UploadFile,
  boundary: string,
): Buffer {
  const chunks: Buffer[] = [];
  let text = '';
  for (const param of endpoint.params) {
    const name = quote(param.name);
    if (param.name === upload.fileParam) {
      text +=
        `--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"; ` +
        `${filenameParams(file.filename)}${CRLF}` +
        `Content-Type: ${contentType(file.contentType)}${CRLF}${CRLF}`;
      chunks.push(Buffer.from(text, 'utf8'), file.data);
      text = CRLF;
      continue;
    }
    const value = renderTemplate(param.template, vars);
    if (isEmptyValue(value)) continue;
    text += `--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}`;
    text += `${value}${CRLF}`;
  }
  chunks.push(Buffer.from(`${text}--${boundary}--${CRLF}`, 'utf8'));
  return Buffer.concat(chunks);
}

/**
 * `filename="..."` as a quoted string, plus RFC 5987's `filename*=UTF-8''...` when the name is
 * not plain ASCII: parsers that read it (busboy, hence multer) get the exact name, the others an
 * ASCII stand-in rather than bytes they would decode as Latin-1.
 */
function filenameParams(filename: string): string {
  const clean = withoutControls(filename, '_') || 'file';
  let ascii = '';
  for (const char of clean) ascii += char.charCodeAt(0) < 128 ? char : '_';
  if (ascii === clean) return `filename="${quote(clean)}"`;
  const extended = percentEncode(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `filename="${quote(ascii)}"; filename*=UTF-8''${extended}`;
}

/** A quoted-string body (RFC 9110): backslash before `"` and `\`, no line breaks. */
function quote(text: string): string {
  return withoutControls(text, ' ').replace(/(["\\])/g, '\\$1');
}

/** A part header must stay one line: a content type that is not a media type is not trusted. */
function contentType(value: string): string {
  const trimmed = value.trim();
  return MEDIA_TYPE.test(trimmed) ? trimmed : OCTET_STREAM;
}

function withoutControls(text: string, replacement: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += code < 32 || code === 127 ? replacement : char;
  }
  return out;
}

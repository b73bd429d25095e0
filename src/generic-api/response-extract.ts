/**
 * Reading a CRM's answer: the object at the endpoint's Response Data Location, its id, and for
 * uploads the attachment's id and download URL (reference/002 "Upload a file endpoint").
 *
 * A location selects one value, the first match: `$.data[0]` is the first element, `$.data` the
 * whole array. A location below the root that points at the id itself (`$.data.id`) is taken as
 * the id.
 */
import type { CompiledEndpoint, CompiledUploadEndpoint } from './compiled-config';
import { firstMatch, jsonPathProblem } from './jsonpath';
import { percentEncode } from './percent-encode';
import { createVariables, renderTemplate, type RenderOptions, type Variables } from './template';
import { isRecord } from '../shared/is-record';

const URL_ENCODING: RenderOptions = Object.freeze({ encode: percentEncode });
const PREVIEW_LENGTH = 60;

/** A response that does not hold what the endpoint's configuration says it holds. */
export class ExtractionError extends Error {
  constructor(
    /** The generic-api.yaml endpoint, e.g. `createAccount`; empty when the caller gave none. */
    readonly endpoint: string,
    /** The JSONPath looked at, with the id field when one was wanted (`$.data` → `id`). */
    readonly location: string,
    /** What was wanted there, in words. */
    readonly expected: string,
    /** What was found there: its type and a short preview. */
    readonly found: string,
  ) {
    super(
      `${endpoint === '' ? '' : `${endpoint}: `}expected ${expected} at ${location}, found ${found}`,
    );
    this.name = 'ExtractionError';
  }
}

export interface ExtractionContext {
  endpoint: string;
  location: string;
}

/** Paths already checked; config check refuses bad ones, this guards callers that skip it. */
const checkedPaths = new Set<string>();

/** The first value `path` selects in `body`, or undefined when it selects nothing. */
export function locate(body: unknown, path: string): unknown {
  if (!checkedPaths.has(path)) {
    const problem = jsonPathProblem(path);
    if (problem !== undefined) throw new Error(`${path}: ${problem}`);
    checkedPaths.add(path);
  }
  return firstMatch(body, path);
}

/**
 * The id of a located object: its `idField`, or the located value itself when that is already
 * a string or a number (below the root). Number ids become strings: ids are substituted into text.
 */
export function extractId(located: unknown, idField: string, where?: ExtractionContext): string {
  const location = where?.location ?? '$';
  // At the root, a bare string is far more likely a text or HTML answer than an id.
  const direct = location.trim() === '$' ? undefined : asId(located);
  const id = direct ?? (isRecord(located) ? asId(ownValue(located, idField)) : undefined);
  if (id !== undefined) return id;
  const fail = (found: string) =>
    new ExtractionError(where?.endpoint ?? '', location, `an id (field "${idField}")`, found);
  if (isRecord(located) && Object.hasOwn(located, idField)) {
    throw fail(`"${idField}" holding ${describe(ownValue(located, idField))}`);
  }
  if (isRecord(located)) throw fail(`an object without "${idField}": ${preview(located)}`);
  throw fail(describe(located));
}

/** The id of the object an endpoint's response holds; an ExtractionError when there is none. */
export function extractResponseId(endpoint: CompiledEndpoint, body: unknown): string {
  const location = endpoint.responseDataLocation;
  return extractId(locate(body, location), endpoint.idField, { endpoint: endpoint.name, location });
}

/**
 * For find endpoints: undefined when the location holds nothing (no match, null, an empty list:
 * "not found"), else the id as extractResponseId reads it.
 */
export function findResponseId(endpoint: CompiledEndpoint, body: unknown): string | undefined {
  const location = endpoint.responseDataLocation;
  const located = locate(body, location);
  if (located === undefined || located === null) return undefined;
  if (Array.isArray(located) && located.length === 0) return undefined;
  return extractId(located, endpoint.idField, { endpoint: endpoint.name, location });
}

export interface ExtractedAttachment {
  id?: string;
  url: string;
}

/**
 * attachmentType id: the id at attachmentIdLocation, the URL built from attachmentBuilderUrl with
 * `{RECORD_ID}` from `vars` and `{ATTACHMENT_ID}` from the response. attachmentType url: the URL
 * at attachmentUrlLocation (and the id too, when attachmentIdLocation is configured and holds one).
 */
export function extractAttachment(
  endpoint: CompiledUploadEndpoint,
  body: unknown,
  vars: Variables,
): ExtractedAttachment {
  const attachment = endpoint.upload.attachment;
  if (attachment.type === 'id') {
    const location = attachment.idLocation;
    const found = locate(body, location);
    const id = asId(found);
    if (id === undefined) {
      throw new ExtractionError(endpoint.name, location, 'the attachment id', describe(found));
    }
    const withId = createVariables({ ...vars.values, ATTACHMENT_ID: id });
    return { id, url: renderTemplate(attachment.builderUrl, withId, URL_ENCODING) };
  }
  const location = attachment.urlLocation;
  const found = locate(body, location);
  if (typeof found !== 'string' || found.trim() === '') {
    throw new ExtractionError(endpoint.name, location, 'the attachment URL', describe(found));
  }
  const id =
    attachment.idLocation === undefined ? undefined : asId(locate(body, attachment.idLocation));
  return id === undefined ? { url: found } : { id, url: found };
}

function asId(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function ownValue(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Type and a short preview, enough to see what the location points at instead. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the path matched no value)';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const items = value.length === 1 ? '1 item' : `${value.length} items`;
    return `an array of ${items}: ${preview(value)} (point the location at one element, e.g. [0])`;
  }
  if (typeof value === 'string') return `a string: ${preview(value)}`;
  if (isRecord(value)) return `an object: ${preview(value)}`;
  return `${typeof value} ${preview(value)}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= PREVIEW_LENGTH ? text : `${text.slice(0, PREVIEW_LENGTH)}…`;
}

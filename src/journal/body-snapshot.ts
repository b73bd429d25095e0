import { maskText, maskValue } from '../shared/log/mask';

/** A body as the journal keeps it: masked, cut to the configured size, with its full size. */
export interface BodySnapshot {
  /** JSON or text, masked; absent when the body is not kept (binary, multipart, `bodyBytes: 0`). */
  text?: string;
  /** The whole body's size in bytes, when known. */
  bytes?: number;
  /** `text` is only the beginning of the body. */
  truncated?: boolean;
}

/** What a caller hands over: a parsed body (or text, or bytes) and its size when it is known. */
export interface CapturedBody {
  value?: unknown;
  bytes?: number;
  /** For bytes: JSON, form and text bodies are decoded and kept; anything else is only counted. */
  contentType?: string;
}

const CUT = '…';
// The masking helpers walk this deep; anything below is replaced before they see it.
const MAX_DEPTH = 6;
// Strings are cut a little beyond the budget, so a phone number across the cut is still whole
// (and masked) before the final cut in bytes.
const MARGIN = 64;

/**
 * A copy of `value` small enough to mask cheaply: strings cut, arrays and objects stopped once
 * about `budget` characters are taken. A 25 MB base64 upload costs as little as a short body.
 */
function bounded(value: unknown, budget: number): { value: unknown; cut: boolean } {
  let left = budget;
  let cut = false;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const keep = Math.max(left, 0) + MARGIN;
      left -= v.length;
      if (v.length <= keep) return v;
      cut = true;
      return `${v.slice(0, keep)}${CUT}`;
    }
    if (v === null || typeof v !== 'object') {
      left -= String(v).length;
      return v;
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      return walk((v as { toJSON(): unknown }).toJSON(), depth);
    }
    if (depth >= MAX_DEPTH) {
      cut = true;
      return CUT;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        if (left <= 0) {
          cut = true;
          out.push(CUT);
          break;
        }
        out.push(walk(item, depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      if (left <= 0) {
        cut = true;
        out[CUT] = CUT;
        break;
      }
      left -= key.length;
      out[key] = walk(item, depth + 1);
    }
    return out;
  };
  return { value: walk(value, 0), cut };
}

// Larger textual bodies (base64 uploads) are counted, not parsed: parsing is all they would cost.
const MAX_DECODED_BYTES = 1024 * 1024;

/**
 * Bytes as something to mask: JSON parsed (so secret keys are found), a form as its fields,
 * text as text; binary bodies stay bytes (counted, never kept).
 */
function decoded(bytes: Buffer, contentType = ''): unknown {
  if (bytes.length > MAX_DECODED_BYTES) return bytes;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      return bytes.toString('utf8');
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(bytes.toString('utf8')));
  }
  return type.startsWith('text/') ? bytes.toString('utf8') : bytes;
}

/** The first `maxBytes` bytes of `text` in UTF-8, never ending inside a character. */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) {
    return { text, cut: false };
  }
  const head = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString('utf8');
  return { text: head.replace(/\uFFFD$/, ''), cut: true };
}

function snapshot(text: string, cutBefore: boolean, maxBytes: number, bytes?: number) {
  const kept = cutToBytes(text, maxBytes);
  return {
    text: kept.text,
    ...(bytes !== undefined && { bytes }),
    ...((cutBefore || kept.cut) && { truncated: true }),
  };
}

/**
 * Masks and cuts a body as the logger would mask it: values under secret-looking keys
 * (password, token, authorization, api key…) become `[secret]`, phone numbers and email
 * addresses in strings are masked. Bytes are never kept, only counted.
 */
export function snapshotBody(body: CapturedBody, maxBytes: number): BodySnapshot | undefined {
  const size = body.bytes ?? (Buffer.isBuffer(body.value) ? body.value.length : undefined);
  const value =
    Buffer.isBuffer(body.value) && maxBytes > 0
      ? decoded(body.value, body.contentType)
      : body.value;
  if (value === undefined || Buffer.isBuffer(value) || maxBytes === 0) {
    return size === undefined ? undefined : { bytes: size };
  }
  if (typeof value === 'string') {
    const head = value.slice(0, maxBytes + MARGIN);
    return snapshot(maskText(head), head.length < value.length, maxBytes, size);
  }
  const small = bounded(value, maxBytes);
  return snapshot(JSON.stringify(maskValue(small.value)) ?? '', small.cut, maxBytes, size);
}

import { TextDecoder } from 'node:util';

const JSON_TYPE = /^[^;]*[/+]json\s*(;|$)/i;
const LOOKS_LIKE_JSON = /^\s*[[{]/;

/**
 * Parsed JSON when the content type says JSON, or when an untyped (or mistyped `text/plain`)
 * body looks like a JSON object or array; otherwise the text. A body that claims JSON but does
 * not parse stays text, so the flow reports "no id at $.data" rather than a parser error.
 */
export function parseBody(data: Buffer, contentType: string | undefined): unknown {
  const text = decode(data, contentType);
  const typed = contentType !== undefined && JSON_TYPE.test(contentType);
  if (!typed && !LOOKS_LIKE_JSON.test(text)) return text;
  if (text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const UTF_8 = new TextDecoder('utf-8');

/** Decodes with the declared charset (UTF-8 when none or unknown); a BOM is dropped. */
export function decode(data: Buffer, contentType: string | undefined): string {
  const charset = contentType === undefined ? undefined : CHARSET.exec(contentType)?.[1];
  return (charset === undefined ? UTF_8 : decoderFor(charset)).decode(data);
}

// A TextDecoder keeps no state between whole-buffer decode() calls, so one per charset serves
// every answer. Bounded: the labels come from CRM answers.
const DECODERS = new Map<string, TextDecoder>();
const DECODERS_LIMIT = 64;

function decoderFor(charset: string): TextDecoder {
  const label = charset.toLowerCase();
  let decoder = DECODERS.get(label);
  if (decoder === undefined) {
    decoder = newDecoder(label);
    if (DECODERS.size < DECODERS_LIMIT) DECODERS.set(label, decoder);
  }
  return decoder;
}

/** The label's decoder; an unknown label decodes as UTF-8. */
function newDecoder(label: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    return UTF_8;
  }
}

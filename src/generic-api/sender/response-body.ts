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

/** Decodes with the declared charset (UTF-8 when none or unknown); a BOM is dropped. */
export function decode(data: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(data);
  } catch {
    return new TextDecoder('utf-8').decode(data);
  }
}

/**
 * encodeURIComponent for session values. A JSON string may carry a lone surrogate (`"\ud800"`),
 * on which encodeURIComponent throws a URIError; such a value is sent with U+FFFD in its place
 * rather than failing the whole request.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

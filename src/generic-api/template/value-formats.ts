/**
 * How raw session values become the strings a CRM receives. Pure and allocation-light, but they
 * run once per request in deriveVariables, never per render.
 */

/**
 * A number as a person would write it: never `1e+21` or `1e-7`, which a CRM would store as text
 * or reject. Non-finite numbers have no sensible rendering and are treated as no value.
 */
export function renderNumber(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  // String() is exact below 2^53; every number of magnitude >= 1e21 (where String() switches to
  // exponents) is an integer, written out in full through BigInt.
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const plain = String(value);
  const exponentAt = plain.indexOf('e');
  if (exponentAt < 0) return plain;
  // Only tiny fractions reach here (e-7 and below): enough digits for the mantissa's precision.
  const mantissa = plain.slice(0, exponentAt);
  const dot = mantissa.indexOf('.');
  const mantissaDecimals = dot < 0 ? 0 : mantissa.length - dot - 1;
  const exponent = -Number(plain.slice(exponentAt + 1));
  return value.toFixed(Math.min(100, exponent + mantissaDecimals));
}

const PLAIN_SECONDS = /^\d+(\.\d+)?$/;

/**
 * Seconds as `mm:ss`, minutes unbounded (3725 → `62:05`) because the reference only ever shows
 * mm:ss. Anything that is not a plain non-negative number of seconds (already `mm:ss`,
 * `h:mm:ss`, a negative) is passed through untouched: it is the sender's value, not ours to guess.
 */
export function formatDuration(raw: string): string {
  const text = raw.trim();
  const seconds = PLAIN_SECONDS.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(seconds) ? minutesSeconds(seconds) : raw;
}

function minutesSeconds(seconds: number): string {
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return `${minutes < 10 ? '0' : ''}${renderNumber(minutes) ?? ''}:${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * Plain text as an HTML fragment: the five significant characters escaped, each line break
 * (`\r\n`, `\n` or `\r`) as `<br>`, so a description keeps its lines in an HTML field.
 */
export function plainTextToHtml(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const replacement = htmlReplacement(text, i);
    if (replacement === undefined) continue;
    out += text.slice(from, i) + replacement;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    from = i + 1;
  }
  return out + text.slice(from);
}

function htmlReplacement(text: string, index: number): string | undefined {
  switch (text[index]) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&#39;';
    case '\r':
    case '\n':
      return '<br>';
    default:
      return undefined;
  }
}

/**
 * A value as the inside of a JSON string (RFC 8259: `"`, `\\` and control characters escaped),
 * without the quotes: what JSON_STRING substitutes.
 */
export function jsonStringContent(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

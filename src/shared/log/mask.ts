/**
 * Masking for log output: phone numbers and email addresses are personal data and are masked at
 * info level and above; values under secret-looking keys are never written at all.
 */

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie|credential/i;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
// Seven or more digits, possibly grouped with spaces, dots, dashes, parentheses or asterisks.
const PHONE = /(?<![\w/])[+(]?[\d*][\d\s().*-]{5,}\d(?![\w/])/g;

export const maskText = (text: string): string =>
  text
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 7 ? `***${digits.slice(-2)}` : match;
    });

/** Levels of metadata masked; anything deeper is left out rather than written unmasked. */
const MAX_DEPTH = 6;

export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  // An Error's message and name are not own enumerable keys: written as they read, masked.
  if (value instanceof Error) return { name: value.name, message: maskText(value.message) };
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[secret]' : maskValue(v, depth + 1);
  }
  return out;
}

/**
 * Questions about a compiled template's shape that `config check` asks once and the compiled
 * config answers once, so the request builder never has to look at the source again.
 */
import type { CompiledTemplate } from './template';

const HTTP_SCHEME = /^https?:\/\//i;
/** Scheme and host written out, then the start of the path or query. */
const LITERAL_ORIGIN = /^https?:\/\/[^/?#\s]+[/?]/i;
const WHITESPACE = /\s/;
const EXPECTED_URL =
  'must be an absolute http(s) URL, e.g. https://crm.example.com/api/v1/accounts/{ACCOUNT_ID}';

/** Whether the template is exactly one variable, e.g. `{FILE_DATA}` (any case, either bracket). */
export function isWholeVariable(template: CompiledTemplate, name: string): boolean {
  const root = template.root;
  if (root.kind !== 'text' || root.head !== '' || root.substitutions.length !== 1) return false;
  const only = root.substitutions[0];
  return only !== undefined && only.name === name && only.after === '';
}

/**
 * Why a URL template cannot be sent, or undefined. Variables may only follow the host: they come
 * from the platform's session data, and letting them choose the host would let a caller's input
 * pick where crm-bridge sends its CRM credentials.
 */
export function absoluteUrlProblem(
  template: CompiledTemplate,
  options: { allowFragment?: boolean } = {},
): string | undefined {
  const root = template.root;
  if (root.kind === 'call') {
    return 'functions (=DEFAULT_VALUE, =CONCAT_OR, =CONCAT_AND, =JSON_STRING) are only available in params';
  }
  const literal = root.head + root.substitutions.map((s) => s.after).join('');
  if (WHITESPACE.test(literal)) return 'must not contain spaces (write %20)';
  // A page an agent's browser opens may route by fragment (#Case/view/1); a request never does.
  if (!options.allowFragment && literal.includes('#'))
    return 'must not contain a fragment (#...): it is never sent';
  if (!HTTP_SCHEME.test(root.head)) return EXPECTED_URL;
  try {
    new URL(root.head + root.substitutions.map((s) => `x${s.after}`).join(''));
  } catch {
    return EXPECTED_URL;
  }
  if (root.substitutions.length > 0 && !LITERAL_ORIGIN.test(root.head)) {
    return 'the scheme and host must be written out; variables may only follow the host';
  }
  return undefined;
}

/** What joins a query string to the rendered URL: `?`, or `&` after a query already there. */
export function querySeparator(url: CompiledTemplate): '?' | '&' | '' {
  // A substituted value is percent-encoded, so a '?' can only come from the literal text.
  if (!url.source.includes('?')) return '?';
  return url.source.endsWith('?') || url.source.endsWith('&') ? '' : '&';
}

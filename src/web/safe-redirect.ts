/** Where a signed-in person lands when no (acceptable) destination was asked for. */
export const HOME_PATH = '/lookup';

const PROBE_ORIGIN = 'http://crm-bridge.invalid';

/**
 * A destination after signing in, when it stays on this site: a path starting with exactly one
 * `/`. Refused: `//host` and `/\host` (browsers read both as another host), schemes, control
 * characters (browsers strip tabs and newlines, turning `/\t/host` into `//host`), and anything
 * the URL parser would resolve to another origin.
 */
export function sameSitePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN ? value : undefined;
  } catch {
    return undefined;
  }
}

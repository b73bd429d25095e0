const PROBE_ORIGIN = 'http://crm-bridge.invalid';

/**
 * A destination after signing in, only when it stays on this site: one leading `/`, no `//host`
 * or `/\host` (browsers read both as another host), no control characters (browsers drop tabs
 * and newlines, turning `/\t/host` into `//host`), nothing that resolves to another origin.
 */
export function sameSiteReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN ? value : undefined;
  } catch {
    return undefined;
  }
}

import { maskText, maskValue } from '../shared/log/mask';

const SECRET = '[secret]';

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Headers as the journal keeps them: the logger's masking (Authorization, Cookie, API keys,
 * tokens…) plus `secretNames`, the header credentials of server.yaml whatever they are called.
 */
export function maskHeaders(
  headers: Readonly<Record<string, unknown>>,
  secretNames: ReadonlySet<string>,
): Record<string, unknown> {
  const named = Object.entries(headers).map(([name, value]) => [
    name,
    secretNames.has(name.toLowerCase()) ? SECRET : value,
  ]);
  return maskValue(Object.fromEntries(named)) as Record<string, unknown>;
}

/**
 * A URL for reading: user info dropped, path and query decoded and masked (a phone number in
 * `?phone=%2B1…` is masked once decoded), values under secret-looking parameter names hidden.
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskText(url);
  }
  const query = [...parsed.searchParams].map(([name, value]) => {
    const masked = maskValue({ [name]: value }) as Record<string, unknown>;
    return `${name}=${String(masked[name])}`;
  });
  const path = maskText(decoded(parsed.pathname));
  return `${parsed.protocol}//${parsed.host}${path}${query.length ? `?${query.join('&')}` : ''}`;
}

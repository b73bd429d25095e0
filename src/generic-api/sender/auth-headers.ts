import type { OutboundAuth } from '../config/auth-schema';

/** The headers basic and header auth add to every request; oauth2's depend on the token. */
export function staticAuthHeaders(auth: OutboundAuth): Record<string, string> {
  switch (auth.method) {
    case 'basic':
      return { Authorization: basicCredentials(auth.username, auth.password) };
    case 'header':
      return { ...auth.headers };
    case 'oauth2':
    case 'none':
      return {};
  }
}

export function basicCredentials(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/**
 * Later sets win, whatever the letter case: HTTP names are case-insensitive, and two spellings of
 * one name would otherwise both be sent (a builder's `authorization` next to ours).
 */
export function mergeHeaders(...sets: Record<string, string>[]): Record<string, string> {
  const byName = new Map<string, [string, string]>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set)) byName.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byName.values());
}

/** Removes the named headers (any case). */
export function withoutHeaders(
  headers: Record<string, string>,
  names: readonly string[],
): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([n]) => !drop.has(n.toLowerCase())));
}

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
 * one name would otherwise both be sent (a builder's `authorization` next to ours). A name keeps
 * the place it was first set at, with the spelling and value it was last set with.
 */
export function mergeHeaders(...sets: Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  const spellings = new Map<string, string>();
  for (const set of sets) {
    for (const name in set) {
      if (!Object.hasOwn(set, name)) continue;
      const lower = name.toLowerCase();
      const spelling = spellings.get(lower);
      // A second spelling moves a key, which a plain object cannot do in place; nor can it hold
      // `__proto__` as data. Both are rare enough to take the slower way.
      if ((spelling !== undefined && spelling !== name) || name === '__proto__') {
        return mergeRespelled(sets);
      }
      spellings.set(lower, name);
      merged[name] = set[name] as string;
    }
  }
  return merged;
}

function mergeRespelled(sets: readonly Record<string, string>[]): Record<string, string> {
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

/**
 * Remembers each key's promise for `ttlMs`, settled or not: a page rendered by many agents at
 * once asks the platform once, and a platform that is down is not asked again at every render.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const at = this.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.expiresAt > at) return cached.value;
    for (const [k, entry] of this.entries) if (entry.expiresAt <= at) this.entries.delete(k);
    const value = load();
    this.entries.set(key, { value, expiresAt: at + this.ttlMs });
    return value;
  }
}

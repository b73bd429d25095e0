/**
 * The values a template is rendered with. Keys are upper-cased once, here, so that the renderer
 * (whose AST holds upper-case names) looks a value up with one property read per substitution.
 *
 * A name is either absent (no value was given: the platform's "null") or present with a string,
 * possibly empty. The difference matters: a function argument whose variables are all absent is
 * dropped, while a present-but-empty key still counts as present (see render.ts).
 */
export interface Variables {
  /** Upper-case name → value; frozen, without prototype, so every read is an own property. */
  readonly values: Readonly<Record<string, string>>;
  /** The value of `name` in any case, or undefined when none was given. */
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** Variables exactly as given (no derivation), keys upper-cased; null/undefined mean no value. */
export function createVariables(
  input: Readonly<Record<string, string | null | undefined>>,
): Variables {
  return freezeVariables(createVariablesRecord<never>(input, () => undefined));
}

/**
 * A mutable, prototype-less record with upper-case keys. When two keys differ only in case, the
 * last one with a value wins; null and undefined never overwrite a value.
 */
export function createVariablesRecord<T>(
  input: Readonly<Record<string, string | T | null | undefined>>,
  render: (value: T) => string | undefined,
): Record<string, string> {
  const values = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : render(value);
    if (text !== undefined) values[key.toUpperCase()] = text;
  }
  return values;
}

/** Freezes an upper-case-keyed, prototype-less record; the caller gives up ownership of it. */
export function freezeVariables(values: Record<string, string>): Variables {
  const frozen = Object.freeze(values);
  return Object.freeze({
    values: frozen,
    get: (name: string): string | undefined => frozen[name.toUpperCase()],
    has: (name: string): boolean => frozen[name.toUpperCase()] !== undefined,
  });
}

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
  // A for-in over own keys allocates no entry arrays: this runs once per outbound request.
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    const value = input[key];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : render(value);
    if (text !== undefined) values[upperCase(key)] = text;
  }
  return values;
}

// Sessions use the same few dozen names over and over; bounded, so odd input cannot grow it.
const UPPER_CASE = new Map<string, string>();
const UPPER_CASE_LIMIT = 4096;

function upperCase(key: string): string {
  let upper = UPPER_CASE.get(key);
  if (upper === undefined) {
    upper = key.toUpperCase();
    if (UPPER_CASE.size < UPPER_CASE_LIMIT) UPPER_CASE.set(key, upper);
  }
  return upper;
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

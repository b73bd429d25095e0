/**
 * The values a template is rendered with. Keys are upper-cased once, here, so that the renderer
 * (whose AST holds upper-case names) looks a value up with one property read per substitution.
 *
 * A name is either absent (no value was given: the platform's "null") or present with a string,
 * possibly empty. The difference matters: a function argument whose variables are all absent is
 * dropped, while a present-but-empty key still counts as present (see render.ts).
 */
export interface Variables {
  /** Upper-case name → value; without prototype, so every read is an own property. */
  readonly values: Readonly<Record<string, string>>;
  /** The value of `name` in any case, or undefined when none was given. */
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** A value as given: null and undefined mean no value, numbers are written out by `render`. */
export type GivenValue<T> = string | T | null | undefined;

/** Variables exactly as given (no derivation), keys upper-cased; null/undefined mean no value. */
export function createVariables(
  input: Readonly<Record<string, string | null | undefined>>,
): Variables {
  return variablesOf(createVariablesRecord<never>(input, () => undefined));
}

/**
 * A mutable, prototype-less record with upper-case keys. When two keys differ only in case, the
 * last one with a value wins; null and undefined never overwrite a value.
 */
export function createVariablesRecord<T>(
  input: Readonly<Record<string, GivenValue<T>>>,
  render: (value: T) => string | undefined,
): Record<string, string> {
  const values = emptyRecord();
  // A for-in over own keys allocates no entry arrays: this runs once per outbound request.
  for (const key in input) {
    if (!Object.hasOwn(input, key)) continue;
    const text = givenText(input[key], render);
    if (text !== undefined) values[upperCase(key)] = text;
  }
  return values;
}

/** The text of one given value, or undefined for no value. */
export function givenText<T>(
  value: GivenValue<T>,
  render: (value: T) => string | undefined,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : render(value);
}

export function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/**
 * Whether every key of `input` is already upper case, so that a name can be read from it directly:
 * no other key could upper-case to it. `known` (upper-case names) answers for most keys at once.
 */
export function hasUpperCaseKeys(input: object, known: ReadonlySet<string>): boolean {
  for (const key in input) {
    if (!known.has(key) && !isUpperCase(key)) return false;
  }
  return true;
}

function isUpperCase(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    // Lower-case ASCII letters, and anything beyond ASCII (whose case mappings vary: ß → SS).
    if ((code >= 0x61 && code <= 0x7a) || code > 0x7f) return false;
  }
  return true;
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

/**
 * Variables over an upper-case-keyed, prototype-less record; the caller gives up ownership of it.
 * Not frozen at run time (freezing costs more than deriving does): `values` is read-only by type.
 */
export function variablesOf(values: Readonly<Record<string, string>>): Variables {
  return new VariableMap(values);
}

class VariableMap implements Variables {
  constructor(readonly values: Readonly<Record<string, string>>) {}

  get(name: string): string | undefined {
    return this.values[name.toUpperCase()];
  }

  has(name: string): boolean {
    return this.values[name.toUpperCase()] !== undefined;
  }
}

/**
 * From the raw values of a session to the final strings templates substitute: the derivations
 * of the reference's variable table, done once per request so that rendering stays a lookup.
 * A request derives only the variables its endpoint names (`names`), which are exactly the values
 * a full derivation gives those names: every derivation reads given values only, never another
 * derived one, so each name can be derived on its own.
 */
import {
  createVariablesRecord,
  emptyRecord,
  givenText,
  hasUpperCaseKeys,
  variablesOf,
  type Variables,
} from './variable-map';
import { formatDuration, plainTextToHtml, renderNumber } from './value-formats';
import { variableNames } from './variables';

export type VariableInput = Readonly<Record<string, string | number | undefined | null>>;

export type PhonePurpose = 'create' | 'search';

export interface DeriveOptions {
  /** The configured phone format (written in parallel, in the phone module), injected. */
  formatPhone: (raw: string, purpose: PhonePurpose) => string;
  /** Automatic formats a number differently to write it into a CRM than to search for it. */
  purpose: PhonePurpose;
  /** The SDK the end user came from; only `mobile` (or unknown) derives CUSTOM_USER_ID. */
  channel?: 'mobile' | 'web' | (string & NonNullable<unknown>);
  /**
   * Only these variables (upper case, as a compiled template lists them) are derived, and the
   * result holds no others; their values are those a full derivation gives them. All by default.
   */
  names?: readonly string[];
  /**
   * Values that win over `input`'s, exactly as `{ ...input, ...over }` would (a comment's
   * COMMENT_BODY over a session's values), without copying every given value per request.
   */
  over?: VariableInput;
}

/** The reference: LAST_NAME "defaults to -- if missing", so CRMs that require one still accept. */
export const MISSING_LAST_NAME = '--';

/**
 * Where given values are read: `over` wins over `input`, as in `{ ...input, ...over }`. Each is
 * either a caller's own object, when every key is upper case, or a record of texts
 * (createVariablesRecord).
 */
interface Given {
  readonly input: VariableInput;
  readonly over: VariableInput | undefined;
}
/** The value of one derived variable from the given values; undefined for no value. */
type Derivation = (source: Given, options: DeriveOptions) => string | undefined;

/** The text given for an upper-case name; undefined for no value. */
function given(source: Given, name: string): string | undefined {
  const { input, over } = source;
  const layer = over !== undefined && Object.hasOwn(over, name) ? over : input;
  return Object.hasOwn(layer, name) ? givenText(layer[name], renderNumber) : undefined;
}

const formattedPhone =
  (name: string): Derivation =>
  (source, options) => {
    const raw = given(source, name);
    return isGiven(raw) ? options.formatPhone(raw, options.purpose) : raw;
  };

const duration =
  (name: string): Derivation =>
  (source) => {
    const raw = given(source, name);
    return raw === undefined ? raw : formatDuration(raw);
  };

/** FIRST_NAME is NAME's first word, LAST_NAME the rest as written (inner spacing kept). */
function nameParts(source: Given): { first: string; rest: string } {
  const name = (given(source, 'NAME') ?? '').trim();
  const gap = name.search(/\s/);
  if (gap < 0) return { first: name, rest: '' };
  return { first: name.slice(0, gap), rest: name.slice(gap).trim() };
}

const firstName: Derivation = (source) => {
  const written = given(source, 'FIRST_NAME');
  if (isGiven(written)) return written;
  const { first } = nameParts(source);
  return first === '' ? written : first;
};

// A blank LAST_NAME counts as missing too: the default exists so a required field is filled.
const lastName: Derivation = (source) => {
  const written = given(source, 'LAST_NAME');
  if (isGiven(written)) return written;
  const { rest } = nameParts(source);
  return rest === '' ? MISSING_LAST_NAME : rest;
};

/**
 * The reference derives CUSTOM_USER_ID "For Mobile" from the email's left-hand side. Our reading:
 * derive it when none was given and EMAIL has a local part, unless the caller says the session
 * came from another SDK (a web app sets its own id, so a missing one there means "no id", and a
 * made-up one would match a different CRM identity). With the channel unknown we derive, because
 * callers like `simulate` rarely know it and the value is only ever a fallback.
 */
const customUserId: Derivation = (source, { channel }) => {
  const written = given(source, 'CUSTOM_USER_ID');
  if (isGiven(written)) return written;
  if (channel !== undefined && channel.toLowerCase() !== 'mobile') return written;
  const email = (given(source, 'EMAIL') ?? '').trim();
  // The last '@': a quoted local part may contain one, a domain never does.
  const at = email.lastIndexOf('@');
  return at > 0 ? email.slice(0, at) : written;
};

const descriptionHtml: Derivation = (source) => {
  const description = given(source, 'TICKET_DESCRIPTION');
  const written = given(source, 'TICKET_DESCRIPTION_HTML');
  return description !== undefined && !isGiven(written) ? plainTextToHtml(description) : written;
};

/** Every variable that is not simply its given value. */
const DERIVATIONS: ReadonlyMap<string, Derivation> = new Map([
  ['PHONE_NUMBER', formattedPhone('PHONE_NUMBER')],
  ['OUTBOUND_PHONE_NUMBER', formattedPhone('OUTBOUND_PHONE_NUMBER')],
  ['CALL_DURATION', duration('CALL_DURATION')],
  ['HOLD_TIME', duration('HOLD_TIME')],
  ['WAIT_TIME', duration('WAIT_TIME')],
  ['FIRST_NAME', firstName],
  ['LAST_NAME', lastName],
  ['CUSTOM_USER_ID', customUserId],
  ['TICKET_DESCRIPTION_HTML', descriptionHtml],
]);

const KNOWN_NAMES: ReadonlySet<string> = new Set(variableNames);

/**
 * Keys in any case; null and undefined mean "no value", numbers are written out in full. Derived
 * variables fill in only where no non-blank value was given: explicit values always win.
 */
export function deriveVariables(input: VariableInput, options: DeriveOptions): Variables {
  const { names, over } = options;
  // Keys all upper case (as flows hold them): each name is read where it is, no record is built.
  if (
    names !== undefined &&
    hasUpperCaseKeys(input, KNOWN_NAMES) &&
    (over === undefined || hasUpperCaseKeys(over, KNOWN_NAMES))
  ) {
    return variablesOf(deriveNamed({ input, over }, names, options));
  }
  const values = createVariablesRecord(
    over === undefined ? input : { ...input, ...over },
    renderNumber,
  );
  return variablesOf(
    names === undefined
      ? deriveAll(values, options)
      : deriveNamed({ input: values, over: undefined }, names, options),
  );
}

/**
 * Derives in place. Each derivation reads given values only (its own included, before it is
 * replaced), never another derived one, so the order does not matter.
 */
function deriveAll(values: Record<string, string>, options: DeriveOptions): Record<string, string> {
  const source: Given = { input: values, over: undefined };
  for (const [name, derive] of DERIVATIONS) {
    const value = derive(source, options);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

function deriveNamed(
  source: Given,
  names: readonly string[],
  options: DeriveOptions,
): Record<string, string> {
  const values = emptyRecord();
  for (const name of names) {
    const derive = DERIVATIONS.get(name);
    const value = derive === undefined ? given(source, name) : derive(source, options);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

function isGiven(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

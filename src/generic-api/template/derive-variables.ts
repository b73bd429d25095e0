/**
 * From the raw values of a session to the final strings templates substitute: the derivations
 * of the reference's variable table, done once per request so that rendering stays a lookup.
 */
import { createVariablesRecord, freezeVariables, type Variables } from './variable-map';
import { formatDuration, plainTextToHtml, renderNumber } from './value-formats';

export type VariableInput = Readonly<Record<string, string | number | undefined | null>>;

export type PhonePurpose = 'create' | 'search';

export interface DeriveOptions {
  /** The configured phone format (written in parallel, in the phone module), injected. */
  formatPhone: (raw: string, purpose: PhonePurpose) => string;
  /** Automatic formats a number differently to write it into a CRM than to search for it. */
  purpose: PhonePurpose;
  /** The SDK the end user came from; only `mobile` (or unknown) derives CUSTOM_USER_ID. */
  channel?: 'mobile' | 'web' | (string & NonNullable<unknown>);
}

const PHONE_VARIABLES = ['PHONE_NUMBER', 'OUTBOUND_PHONE_NUMBER'] as const;
const DURATION_VARIABLES = ['CALL_DURATION', 'HOLD_TIME', 'WAIT_TIME'] as const;

/** The reference: LAST_NAME "defaults to -- if missing", so CRMs that require one still accept. */
export const MISSING_LAST_NAME = '--';

/**
 * Keys in any case; null and undefined mean "no value", numbers are written out in full. Derived
 * variables fill in only where no non-blank value was given: explicit values always win.
 */
export function deriveVariables(input: VariableInput, options: DeriveOptions): Variables {
  const values = createVariablesRecord(input, renderNumber);
  formatPhones(values, options);
  formatDurations(values);
  deriveNameParts(values);
  deriveCustomUserId(values, options.channel);
  deriveDescriptionHtml(values);
  return freezeVariables(values);
}

function formatPhones(values: Record<string, string>, options: DeriveOptions): void {
  for (const name of PHONE_VARIABLES) {
    const raw = values[name];
    if (isGiven(raw)) values[name] = options.formatPhone(raw, options.purpose);
  }
}

function formatDurations(values: Record<string, string>): void {
  for (const name of DURATION_VARIABLES) {
    const raw = values[name];
    if (raw !== undefined) values[name] = formatDuration(raw);
  }
}

/** FIRST_NAME is NAME's first word, LAST_NAME the rest as written (inner spacing kept). */
function deriveNameParts(values: Record<string, string>): void {
  const name = (values.NAME ?? '').trim();
  const gap = name.search(/\s/);
  const first = gap < 0 ? name : name.slice(0, gap);
  const rest = gap < 0 ? '' : name.slice(gap).trim();
  if (!isGiven(values.FIRST_NAME) && first !== '') values.FIRST_NAME = first;
  // A blank LAST_NAME counts as missing too: the default exists so a required field is filled.
  if (!isGiven(values.LAST_NAME)) values.LAST_NAME = rest === '' ? MISSING_LAST_NAME : rest;
}

/**
 * The reference derives CUSTOM_USER_ID "For Mobile" from the email's left-hand side. Our reading:
 * derive it when none was given and EMAIL has a local part, unless the caller says the session
 * came from another SDK (a web app sets its own id, so a missing one there means "no id", and a
 * made-up one would match a different CRM identity). With the channel unknown we derive, because
 * callers like `simulate` rarely know it and the value is only ever a fallback.
 */
function deriveCustomUserId(values: Record<string, string>, channel: string | undefined): void {
  if (isGiven(values.CUSTOM_USER_ID)) return;
  if (channel !== undefined && channel.toLowerCase() !== 'mobile') return;
  const email = (values.EMAIL ?? '').trim();
  // The last '@': a quoted local part may contain one, a domain never does.
  const at = email.lastIndexOf('@');
  if (at > 0) values.CUSTOM_USER_ID = email.slice(0, at);
}

function deriveDescriptionHtml(values: Record<string, string>): void {
  const description = values.TICKET_DESCRIPTION;
  if (description !== undefined && !isGiven(values.TICKET_DESCRIPTION_HTML)) {
    values.TICKET_DESCRIPTION_HTML = plainTextToHtml(description);
  }
}

function isGiven(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

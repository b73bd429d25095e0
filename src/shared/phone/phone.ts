/**
 * Phone numbers as CCAI Platform sends them and as CRMs store them.
 *
 * Metadata: `libphonenumber-js/min`. We only ever ask whether a number is *possible* (its length
 * fits the country) and how to format it, and the min metadata answers both exactly as the max
 * metadata does. Max only adds the per-type patterns behind isValid()/getType(), which we must not
 * use: the vendor's own examples (222-333-4444, 123-456-7890) are not assigned numbers, so a
 * validity check would refuse the very numbers the platform sends.
 */
import {
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/min';

export type { CountryCode };

/** The platform's "Phone Number Format" setting. */
export type PhoneFormat = 'automatic' | 'e164' | 'us_local' | 'us_local_standard' | 'international';

/** Automatic formats differently when the number is written into a CRM than when it is looked up. */
export type PhonePurpose = 'create' | 'search';

export const PHONE_FORMATS: readonly PhoneFormat[] = [
  'automatic',
  'e164',
  'us_local',
  'us_local_standard',
  'international',
];

/** E.164 allows at most 15 digits; fewer than 7 is a short code or an extension, not a line. */
const FALLBACK_MIN_DIGITS = 7;
const FALLBACK_MAX_DIGITS = 15;

/** A leading `+`, then only digits and the punctuation people put between digit groups. */
const PLUS_DIGITS_ONLY = /^\+[\d\s().\-/]+$/;

const NANP_CALLING_CODE = '1';

/**
 * The text to parse, or null when the input cannot be a phone number. A JSON number has no
 * formatting to lose, but a fraction, a negative or anything beyond 2^53 is not one.
 */
function inputText(input: string | number): string | null {
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input >= 0 ? String(input) : null;
  }
  // The Automatic search pattern `*222*333*4444` uses `*` as wildcards between digit groups.
  return input.replace(/\*/g, '').trim();
}

/**
 * The number as a libphonenumber PhoneNumber, or undefined when it is not a possible number.
 * `extract: false` because a key taken from prose ("call 222-333-4444 after 5") would be a guess.
 */
function parsePossible(input: string | number, region: CountryCode): PhoneNumber | undefined {
  const text = inputText(input);
  if (text === null || text === '') return undefined;
  const national = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  if (national?.isPossible()) return national;
  if (typeof input === 'number') {
    // A JSON number cannot carry a `+`: 442079460958 is most likely an E.164 number that lost it.
    const international = parsePhoneNumberFromString(`+${text}`, { extract: false });
    if (international?.isPossible()) return international;
  }
  return undefined;
}

/**
 * When libphonenumber cannot make sense of the number (an unknown calling code, a length the
 * metadata does not allow), a number written with a leading `+` is still taken at its word: the
 * writer said "this is international", so `+` and its 7–15 digits are a stable key and the same
 * string always matches itself. Without the `+` the digits are ambiguous (national? which
 * country? a missing country code?), and a guessed key would match strangers, so it is null.
 */
function fallbackKey(input: string | number): string | null {
  const text = inputText(input);
  if (text === null || !PLUS_DIGITS_ONLY.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  const plausible = digits.length >= FALLBACK_MIN_DIGITS && digits.length <= FALLBACK_MAX_DIGITS;
  return plausible ? `+${digits}` : null;
}

/**
 * The key two spellings of the same number share: E.164 (`+12223334444`), extension dropped.
 * Null when the input is not a phone number at all.
 */
export function phoneKey(input: string | number, region: CountryCode): string | null {
  return nanpKey(input, region) ?? parsePossible(input, region)?.number ?? fallbackKey(input);
}

// Punctuation the platform's formats use, the Automatic search pattern's `*` included.
const PHONE_PUNCTUATION = /[\s().*-]/g;
// A NANP number: optional country code 1, an area code and exchange that do not start with 0 or 1.
const NANP_NUMBER = /^(\+?1)?([2-9]\d{2}[2-9]\d{6})$/;
const NUMBER_START = /^[+(*\d]/;
const nanpRegions = new Map<CountryCode, boolean>();

/**
 * The common case without the library: a NANP number in any of the platform's formats. Looking
 * up each number is the hot path of account search, and libphonenumber spends most of its time
 * working out which NANP country a +1 number belongs to, which the key does not need. Anything
 * else (other countries, extensions, area codes starting with 0 or 1) goes to the library.
 */
function nanpKey(input: string | number, region: CountryCode): string | null {
  const text = String(input).trim();
  if (!NUMBER_START.test(text)) return null; // "-2223334444" is a negative number, not a phone
  const match = NANP_NUMBER.exec(text.replace(PHONE_PUNCTUATION, ''));
  if (match === null) return null;
  const [, prefix, national] = match;
  // Without "+", a number is national to the region: only NANP regions read it as +1.
  if (prefix !== '+1' && !isNanpRegion(region)) return null;
  return `+1${national ?? ''}`;
}

function isNanpRegion(region: CountryCode): boolean {
  let nanp = nanpRegions.get(region);
  if (nanp === undefined) {
    nanp = getCountryCallingCode(region) === NANP_CALLING_CODE;
    nanpRegions.set(region, nanp);
  }
  return nanp;
}

/** True when formatPhone would hand the input back unchanged, so a caller can log it once. */
export function parseFailed(input: string | number, region: CountryCode): boolean {
  return nanpKey(input, region) === null && parsePossible(input, region) === undefined;
}

/**
 * A NANP number's 3-3-4 groups, or null outside NANP. We group these ourselves because
 * libphonenumber refuses to group area codes that start with 0 or 1 (the vendor's own example
 * 123-456-7890 among them), and every format must stay readable back into the same key.
 */
function nanpGroups(phone: PhoneNumber): [string, string, string] | null {
  const national = phone.nationalNumber;
  if (phone.countryCallingCode !== NANP_CALLING_CODE || national.length !== 10) return null;
  return [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
}

/** The platform's formats have no place for an extension, so none is written. */
function international(phone: PhoneNumber): string {
  const nanp = nanpGroups(phone);
  if (nanp !== null) return `+${NANP_CALLING_CODE} ${nanp.join(' ')}`;
  return phone.formatInternational({ formatExtension: (formatted) => formatted });
}

/** The national digit groups, as the international format spaces them (`+44 20 7946 0958`). */
function digitGroups(phone: PhoneNumber): string[] {
  const nanp = nanpGroups(phone);
  if (nanp !== null) return nanp;
  const afterCallingCode = international(phone).slice(phone.countryCallingCode.length + 1);
  return afterCallingCode.split(/\D+/).filter((group) => group !== '');
}

const searchPattern = (phone: PhoneNumber): string => `*${digitGroups(phone).join('*')}`;

/**
 * US local forms drop the country code. For a number outside NANP that would turn it into a
 * different (US) number when read back, so those fall back to E.164, the one form that stays
 * unambiguous in any CRM.
 */
function usLocal(phone: PhoneNumber, standard: boolean): string {
  const nanp = nanpGroups(phone);
  if (nanp === null) return phone.number;
  const [area, exchange, line] = nanp;
  return standard ? `(${area}) ${exchange}-${line}` : `${area}${exchange}${line}`;
}

function render(phone: PhoneNumber, format: PhoneFormat, purpose: PhonePurpose): string {
  switch (format) {
    case 'automatic':
      return purpose === 'search' ? searchPattern(phone) : international(phone);
    case 'e164':
      return phone.number;
    case 'us_local':
      return usLocal(phone, false);
    case 'us_local_standard':
      return usLocal(phone, true);
    case 'international':
      return international(phone);
  }
}

/**
 * The number written the way the platform's Phone Number Format setting asks. Input that is not
 * a possible number is returned unchanged: the CRM may still know what it means.
 */
export function formatPhone(
  input: string | number,
  format: PhoneFormat,
  purpose: PhonePurpose,
  region: CountryCode,
): string {
  const nanp = nanpKey(input, region);
  if (nanp !== null) return renderNanp(nanp.slice(2), format, purpose);
  const phone = parsePossible(input, region);
  return phone === undefined ? String(input) : render(phone, format, purpose);
}

/** The same output as `render` for a NANP number, from its ten national digits alone. */
function renderNanp(national: string, format: PhoneFormat, purpose: PhonePurpose): string {
  const area = national.slice(0, 3);
  const exchange = national.slice(3, 6);
  const line = national.slice(6);
  switch (format) {
    case 'automatic':
      return purpose === 'search'
        ? `*${area}*${exchange}*${line}`
        : `+1 ${area} ${exchange} ${line}`;
    case 'e164':
      return `+1${national}`;
    case 'us_local':
      return national;
    case 'us_local_standard':
      return `(${area}) ${exchange}-${line}`;
    case 'international':
      return `+1 ${area} ${exchange} ${line}`;
  }
}

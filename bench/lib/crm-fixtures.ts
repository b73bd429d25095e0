/**
 * The accounts crm-bridge is seeded with and the requests the scenarios send. Shared by the
 * server child (which seeds) and the scenarios (which query), so both agree on every value.
 */

export const BENCH_CREDENTIALS = { username: 'bench', password: 'bench-password' } as const;

/** Headers every crm-bridge request carries (the baseline sends them too, to be fair). */
export const AUTH_HEADERS: Record<string, string> = {
  authorization: `Basic ${Buffer.from(`${BENCH_CREDENTIALS.username}:${BENCH_CREDENTIALS.password}`).toString('base64')}`,
};

/** A seeded account the scenarios look up. */
export interface AccountSample {
  id: string;
  /** Ten NANP digits, e.g. 2223334444. */
  digits: string;
}

/** What the crm-bridge server child reports when it listens. */
export interface CrmBridgeInfo {
  accounts: number;
  seedMs: number;
  samples: AccountSample[];
  setup: string;
}

const FIRST = ['James', 'Maria', 'Wei', 'Aisha', 'Olusegun', 'Zoë', 'Ravi', 'Sofía', 'Liam', 'Mei'];
const LAST = ['Bond', 'García', 'Chen', 'Okafor', 'Müller', 'Nakamura', 'Smith', "O'Brien"];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net'];
/** 222 is the vendor's example and not an assigned area code: libphonenumber's slow path. */
const AREAS = ['222', '212', '312', '415', '646', '718', '202', '305', '617', '503'];

/**
 * An item chosen by i, scrambled (high bits of Knuth's multiplicative hash) so that choices line
 * up neither with each other nor with the sampling step: samples get every name, area and format.
 */
function pick<T>(items: readonly T[], i: number, salt: number): T {
  const h = Math.imul(i + salt * 7919, 2654435761) >>> 0;
  return items[Math.floor((h / 2 ** 32) * items.length)] as T;
}

/** Unique per index: the exchange and line come from the index, only the area varies freely. */
function seedDigits(i: number): string {
  const area = pick(AREAS, i, 1);
  const exchange = 200 + Math.floor(i / 10_000);
  return `${area}${exchange}${String(i % 10_000).padStart(4, '0')}`;
}

const groups = (d: string): [string, string, string] => [d.slice(0, 3), d.slice(3, 6), d.slice(6)];

/** How seeded accounts store their phone: whatever a CRM import would bring. */
const STORED_FORMATS: ((d: string) => string)[] = [
  (d) => `+1${d}`,
  (d) => d,
  (d) => {
    const [a, e, l] = groups(d);
    return `(${a}) ${e}-${l}`;
  },
  (d) => `+1 ${groups(d).join(' ')}`,
  (d) => groups(d).join('-'),
  (d) => `1-${groups(d).join('-')}`,
];

/** The formats the platform searches with (reference/002, "Phone Number Format"). */
export const SEARCH_FORMATS: { name: string; format: (d: string) => string }[] = [
  { name: 'E.164', format: (d) => `+1${d}` },
  { name: 'US local', format: (d) => d },
  { name: 'US local standard', format: (d) => (([a, e, l]) => `(${a}) ${e}-${l}`)(groups(d)) },
  { name: 'international', format: (d) => `+1 ${groups(d).join(' ')}` },
  { name: 'automatic search', format: (d) => `*${groups(d).join('*')}` },
];

export interface SeedAccount {
  body: Record<string, unknown>;
  digits: string;
}

/** The i-th seeded account: names, emails, phones and extra fields vary with i. */
export function seedAccount(i: number): SeedAccount {
  const first = pick(FIRST, i, 2);
  const last = pick(LAST, i, 3);
  const digits = seedDigits(i);
  const body: Record<string, unknown> = {
    name: `${first} ${last}`,
    phone: pick(STORED_FORMATS, i, 4)(digits),
  };
  if (pick([true, true, true, true, true, true, true, true, true, false], i, 5)) {
    const local = `${first}.${last}${i}`.normalize('NFD').replace(/[^A-Za-z0-9.]/g, '');
    body.email = `${i % 7 === 0 ? local.toUpperCase() : local.toLowerCase()}@${pick(DOMAINS, i, 6)}`;
  }
  if (i % 4 === 0) body.ccaipId = String(100_000 + i);
  if (i % 5 === 0) body.tier = i % 2 === 0 ? 'gold' : 'silver'; // an unknown field, kept
  return { body, digits };
}

/** Every SAMPLE_EVERY-th seeded account is looked up by the scenarios. */
export const SAMPLE_EVERY = 100;

export interface NewAccount {
  body: Record<string, unknown>;
  name: string;
}

/** The n-th account a create request sends, in Property, Container map and array formats. */
export function newAccount(n: number): NewAccount {
  const name = `Bench Caller ${n}`;
  // Exchanges 800-999, so no new phone ever equals a seeded one (200-299).
  const exchange = 800 + (Math.floor(n / 10_000) % 200);
  const digits = `${pick(AREAS, n, 7)}${exchange}${String(n % 10_000).padStart(4, '0')}`;
  const phone = `+1 ${groups(digits).join(' ')}`;
  const email = `caller${n}@example.com`;
  switch (n % 3) {
    case 0:
      return { name, body: { name, phone, email } };
    case 1:
      return { name, body: { account: { fullName: name, phoneNumber: phone, email } } };
    default:
      return { name, body: { accounts: [{ name, phone_number: phone, emailAddress: email }] } };
  }
}

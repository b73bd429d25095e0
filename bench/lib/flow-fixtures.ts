/**
 * What the Generic API suites render and run: the example session every new install simulates
 * (examples/sessions/new-caller.json), with variables held as a flow holds them, and the phone
 * formatter a flow uses.
 */
import path from 'node:path';
import type { FlowInput } from '../../src/generic-api/flows/flow-runner';
import { readSessionFile } from '../../src/generic-api/session-file';
import type { PhonePurpose } from '../../src/generic-api/template';
import {
  type CountryCode,
  formatPhone,
  parseFailed,
  type PhoneFormat,
} from '../../src/shared/phone/phone';

export const NEW_CALLER_FILE = path.resolve(__dirname, '../../examples/sessions/new-caller.json');

export function newCaller(): FlowInput {
  return readSessionFile(NEW_CALLER_FILE);
}

export type RawVariables = Record<string, string | number | null | undefined>;

/** The session's variables with upper-case names, as FlowRun keeps them, plus `extra`. */
export function flowVariables(input: FlowInput, extra: RawVariables = {}): RawVariables {
  const raw: RawVariables = {};
  for (const [key, value] of Object.entries(input.variables)) raw[key.toUpperCase()] = value;
  return { ...raw, ...extra };
}

/**
 * The formatter FlowRun hands deriveVariables: it first asks whether the number parses (to warn
 * once about one that does not), then formats it.
 */
export function flowPhoneFormatter(
  format: PhoneFormat,
  region: CountryCode,
): (raw: string, purpose: PhonePurpose) => string {
  const warned = new Set<string>();
  return (raw, purpose) => {
    if (parseFailed(raw, region) && !warned.has(raw)) warned.add(raw);
    return formatPhone(raw, format, purpose, region);
  };
}

/**
 * An action's `when:` condition: data, not code, so nothing an admin writes is ever evaluated.
 *
 *   when: { SESSION_STATUS: finished, QUEUE_ID: [8469, 7678], EMAIL: { exists: true } }
 *
 * Every entry must hold. An entry's value is what the variable must be: a value (equals), a list
 * (one of them), `{ exists: true|false }` (has a non-empty value, or not), `{ not: value |
 * [values] }` (anything else, absent included). Values compare as text, exactly: YAML's 8469 is
 * the text "8469". Only a map: a list of alternatives would make zod's errors unreadable, and
 * lists of values and `not` cover what a condition on one event needs.
 */
import { z } from 'zod';
import { isKnownVariable, suggestVariable, type Variables } from '../generic-api/template';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const oneOrMany = z.union([scalar.transform((v) => [v]), z.array(scalar).min(1)]);

const test = z.union(
  [
    oneOrMany,
    z.strictObject({ exists: z.boolean().describe('true: has a non-empty value; false: none') }),
    z.strictObject({ not: oneOrMany.describe('Anything but these values (absent included)') }),
  ],
  { error: 'must be a value, a list of values, { exists: true|false } or { not: value(s) }' },
);

export const whenSchema = z
  .record(z.string(), test)
  // Runs even when a value is wrong, so that every problem of the map is reported at once.
  .check(
    z.superRefine(
      (entries, ctx) => {
        if (typeof entries !== 'object' || entries === null) return;
        for (const name of Object.keys(entries)) {
          if (isKnownVariable(name)) continue;
          const suggestion = suggestVariable(name);
          const hint = suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `unknown variable ${name}${hint}`,
          });
        }
      },
      { when: () => true },
    ),
  )
  .describe('Variable → value, [values], {exists: bool} or {not: value(s)}; every entry must hold');

export type WhenConfig = z.output<typeof whenSchema>;
type Test = z.output<typeof test>;

/** The condition as a predicate over an event's variables; no `when:` always holds. */
export function compileWhen(when: WhenConfig | undefined): (vars: Variables) => boolean {
  if (when === undefined) return () => true;
  const entries = Object.entries(when).map(([name, t]) => [name.toUpperCase(), t] as const);
  return (vars) => entries.every(([name, t]) => holds(t, vars.get(name)));
}

function holds(t: Test, value: string | undefined): boolean {
  if (Array.isArray(t)) return value !== undefined && t.includes(value);
  if ('exists' in t) return (value !== undefined && value !== '') === t.exists;
  return value === undefined || !t.not.includes(value);
}

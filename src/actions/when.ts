/**
 * An action's `when:` condition: data, not code, so nothing an admin writes is ever evaluated.
 *
 *   when: { SESSION_STATUS: finished, QUEUE_ID: [8469, 7678] }   every entry holds (and)
 *   when: [{ EVENT: New_Call }, { EVENT: End_Call, QUEUE_ID: 8469 }]  any map holds (or)
 *
 * An entry's value is what the variable must be: a value (equals), a list (one of them),
 * `{ exists: true|false }` (has a non-empty value, or not), `{ not: value | [values] }` (anything
 * else, absent included). Values compare as text, exactly: YAML's 8469 is the text "8469".
 */
import { z } from 'zod';
import { isKnownVariable, suggestVariable, type Variables } from '../generic-api/template';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const oneOrMany = z.union([scalar.transform((v) => [v]), z.array(scalar).min(1)]);

const test = z.union([
  oneOrMany,
  z.strictObject({ exists: z.boolean().describe('true: has a non-empty value; false: has none') }),
  z.strictObject({ not: oneOrMany.describe('Anything but these values (absent included)') }),
]);

const allOf = z
  .record(z.string(), test)
  .superRefine((entries, ctx) => {
    for (const name of Object.keys(entries)) {
      if (isKnownVariable(name)) continue;
      const suggestion = suggestVariable(name);
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message:
          suggestion === undefined
            ? `unknown variable ${name}`
            : `unknown variable ${name}; did you mean ${suggestion}?`,
      });
    }
  })
  .describe('Variable → value, [values], {exists: bool} or {not: value(s)}; all must hold');

export const whenSchema = z
  .union([allOf, z.array(allOf).min(1)])
  .describe('A map whose entries must all hold, or a list of such maps of which one must hold');

export type WhenConfig = z.output<typeof whenSchema>;
type Test = z.output<typeof test>;

/** The condition as a predicate over an event's variables; no `when:` always holds. */
export function compileWhen(when: WhenConfig | undefined): (vars: Variables) => boolean {
  if (when === undefined) return () => true;
  const alternatives = (Array.isArray(when) ? when : [when]).map((entries) =>
    Object.entries(entries).map(([name, t]) => [name.toUpperCase(), t] as const),
  );
  return (vars) =>
    alternatives.some((entries) => entries.every(([name, t]) => holds(t, vars.get(name))));
}

function holds(t: Test, value: string | undefined): boolean {
  if (Array.isArray(t)) return value !== undefined && t.includes(value);
  if ('exists' in t) return (value !== undefined && value !== '') === t.exists;
  return value === undefined || !t.not.includes(value);
}

/**
 * Renders a compiled template: a walk of the AST with one property read per variable, no regular
 * expressions and no intermediate arrays, because every outbound CRM request renders all of its
 * endpoint's parameters.
 *
 * Which arguments are dropped. The reference's CONCAT_OR example, for
 * `=CONCAT_OR((Id:equals:<ACCOUNT_ID>), (Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))`:
 *
 *   keys present           resulting value
 *   ACCOUNT_ID             (Id:equals:)
 *   ACCOUNT_ID, EMAIL      (Id:equals:) or (Email:equals:james.bond@007)
 *   PHONE_NUMBER, EMAIL    (Phone:equals:+12223334444) or (Email:equals:james.bond@007)
 *
 * The column is headed "keys present", and an argument survives exactly when its key is present,
 * even though the ACCOUNT_ID shown is blank. One rule yields all three rows: the example's
 * ACCOUNT_ID is a key that is present with an empty value. So "empty" in "an argument whose
 * variables are all empty is dropped" means *no value given* (the key absent, null or undefined:
 * the reference's "null"); a present key substitutes its value, blank or not, and keeps its
 * argument. An argument that renders to nothing at all (a blank literal, a nested call whose
 * arguments were all dropped) is dropped too, so `CONCAT_OR` never yields `a or ` or ` or b`.
 * DEFAULT_VALUE(a, b) falls back to b when a is dropped or renders empty: the reference's "unless
 * null or empty". JSON_STRING(a) renders a with every substituted value JSON-escaped (before any
 * outer encoding, e.g. percent-encoding in a URL), its literal text untouched.
 */
import type { CallNode, CompiledTemplate, TemplateNode, TextNode } from './ast';
import { jsonStringContent } from './value-formats';
import type { Variables } from './variable-map';

export interface RenderOptions {
  /** Applied to every substituted value, never to literal text (`encodeURIComponent` for URLs). */
  encode?: (value: string) => string;
}

type Values = Readonly<Record<string, string>>;
type Encode = ((value: string) => string) | undefined;

/**
 * The template's value for these variables. Always a string; `''` means the parameter is to be
 * left out of the request (see isEmptyValue). A variable with no value renders as `''` in plain
 * text: only function arguments are dropped.
 */
export function renderTemplate(
  compiled: CompiledTemplate,
  vars: Variables,
  options?: RenderOptions,
): string {
  const root = compiled.root;
  const encode = options?.encode;
  return root.kind === 'text'
    ? renderText(root, vars.values, encode)
    : renderCall(root, vars.values, encode);
}

/** Whether a rendered value means "remove this parameter from the request". */
export function isEmptyValue(rendered: string): boolean {
  return rendered === '';
}

function renderCall(node: CallNode, values: Values, encode: Encode): string {
  if (node.name === 'DEFAULT_VALUE') {
    const first = renderArgument(node.args[0], values, encode);
    return first !== '' ? first : renderArgument(node.args[1], values, encode);
  }
  if (node.name === 'JSON_STRING') {
    const inner =
      encode === undefined ? jsonStringContent : (v: string) => encode(jsonStringContent(v));
    return renderArgument(node.args[0], values, inner);
  }
  let out = '';
  for (const arg of node.args) {
    const value = renderArgument(arg, values, encode);
    if (value !== '') out = out === '' ? value : out + node.separator + value;
  }
  return out;
}

/** An argument's value, `''` when it is dropped. */
function renderArgument(node: TemplateNode, values: Values, encode: Encode): string {
  if (node.kind === 'call') return renderCall(node, values, encode);
  return hasOnlyAbsentVariables(node, values) ? '' : renderText(node, values, encode);
}

function hasOnlyAbsentVariables(node: TextNode, values: Values): boolean {
  if (node.substitutions.length === 0) return false;
  for (const substitution of node.substitutions) {
    if (values[substitution.name] !== undefined) return false;
  }
  return true;
}

function renderText(node: TextNode, values: Values, encode: Encode): string {
  let out = node.head;
  for (const substitution of node.substitutions) {
    const value = values[substitution.name];
    if (value !== undefined) out += encode === undefined ? value : encode(value);
    out += substitution.after;
  }
  return out;
}

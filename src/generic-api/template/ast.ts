/**
 * What a template compiles to. Shaped for the renderer: a text node is its literal head followed
 * by (variable, literal) pairs, so rendering is one loop of concatenations with no branching on
 * node kinds inside text and no lookups other than the variable itself.
 */
export type FunctionName = 'DEFAULT_VALUE' | 'CONCAT_OR' | 'CONCAT_AND' | 'JSON_STRING';

export const FUNCTION_NAMES: readonly FunctionName[] = [
  'DEFAULT_VALUE',
  'CONCAT_OR',
  'CONCAT_AND',
  'JSON_STRING',
];

export function asFunctionName(name: string): FunctionName | undefined {
  const upper = name.toUpperCase();
  return FUNCTION_NAMES.find((known) => known === upper);
}

export interface Substitution {
  /** Upper case, and known to the catalogue. */
  readonly name: string;
  /** The literal text that follows the variable. */
  readonly after: string;
}

export interface TextNode {
  readonly kind: 'text';
  readonly head: string;
  readonly substitutions: readonly Substitution[];
}

/** `DEFAULT_VALUE(a, b)`: the arity is checked at compile time, so the tuple type holds. */
export interface DefaultValueNode {
  readonly kind: 'call';
  readonly name: 'DEFAULT_VALUE';
  readonly args: readonly [TemplateNode, TemplateNode];
}

export interface ConcatNode {
  readonly kind: 'call';
  readonly name: 'CONCAT_OR' | 'CONCAT_AND';
  readonly args: readonly TemplateNode[];
  readonly separator: ' or ' | ' and ';
}

/**
 * `JSON_STRING(a)`: `a` with each substituted value escaped as the inside of a JSON string, so a
 * JSON document written in a template (a value sent as JSON inside a string) stays valid whatever
 * the values hold. Literal text is the admin's JSON and is left as written.
 */
export interface JsonStringNode {
  readonly kind: 'call';
  readonly name: 'JSON_STRING';
  readonly args: readonly [TemplateNode];
}

export type CallNode = DefaultValueNode | ConcatNode | JsonStringNode;

export type TemplateNode = TextNode | CallNode;

export interface CompiledTemplate {
  readonly source: string;
  /** The parameter this template belongs to, for messages. */
  readonly where: string;
  readonly root: TemplateNode;
  /** Every variable the template names, upper case, once each, in order of appearance. */
  readonly variables: readonly string[];
}

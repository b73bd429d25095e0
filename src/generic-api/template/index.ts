/**
 * The Generic API template engine: variables (`{NAME}`, `<NAME>`), functions (`=DEFAULT_VALUE`,
 * `=CONCAT_OR`, `=CONCAT_AND`) and the values they substitute. Pure: compile once when the config
 * is loaded (errors are TemplateErrors with a column), derive variables once per request, render
 * each parameter.
 */
import type { CompiledTemplate } from './ast';
import { parseTemplate } from './parse';

export type {
  CallNode,
  CompiledTemplate,
  FunctionName,
  Substitution,
  TemplateNode,
  TextNode,
} from './ast';
export { FUNCTION_NAMES } from './ast';
export { MAX_NESTING_DEPTH, MAX_TEMPLATE_LENGTH } from './parse';
export { isEmptyValue, renderTemplate, type RenderOptions } from './render';
export { TemplateError } from './template-error';
export {
  MISSING_LAST_NAME,
  deriveVariables,
  type DeriveOptions,
  type PhonePurpose,
  type VariableInput,
} from './derive-variables';
export { createVariables, type Variables } from './variable-map';
export {
  describeVariable,
  isKnownVariable,
  suggestVariable,
  variableCatalogue,
  variableNames,
  type VariableInfo,
} from './variables';

/** Compiles a parameter value; `where` names it in error messages (`params.criteria`). */
export function compileTemplate(source: string, where: string): CompiledTemplate {
  return parseTemplate(source, where);
}

/** The variables a compiled template names, upper case, once each, in order of appearance. */
export function referencedVariables(compiled: CompiledTemplate): readonly string[] {
  return compiled.variables;
}

import {
  compileTemplate,
  createVariables,
  deriveVariables,
  renderTemplate,
  type DeriveOptions,
  type RenderOptions,
  type VariableInput,
  type Variables,
} from '../../../src/generic-api/template';

/** Stands in for the phone module: marks which purpose it was asked for. */
export const taggingPhoneFormat: DeriveOptions['formatPhone'] = (raw, purpose) =>
  `${purpose}:${raw}`;

/** Stands in for an E.164 phone format on numbers that are already E.164. */
export const keepPhone: DeriveOptions['formatPhone'] = (raw) => raw;

export function derive(input: VariableInput, options: Partial<DeriveOptions> = {}): Variables {
  return deriveVariables(input, { formatPhone: keepPhone, purpose: 'create', ...options });
}

/** Compiles and renders in one step, with the variables exactly as given. */
export function render(
  source: string,
  values: Readonly<Record<string, string | null | undefined>> = {},
  options?: RenderOptions,
): string {
  return renderTemplate(compileTemplate(source, 'params.test'), createVariables(values), options);
}

/** The TemplateError `compileTemplate` throws, or a failure when it compiles. */
export function compileError(source: string, where = 'params.test'): unknown {
  try {
    compileTemplate(source, where);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

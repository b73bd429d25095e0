import fc from 'fast-check';
import {
  TemplateError,
  compileTemplate,
  createVariables,
  referencedVariables,
  renderTemplate,
  variableNames,
  type CompiledTemplate,
} from '../../../src/generic-api/template';

/** Pieces from which the parser's corners are most likely to be hit. */
const GRAMMAR_PIECES = [
  ...'=(),:{}<>"\'\\ \n\tax_-',
  '==',
  '{{',
  '<<',
  'NAME',
  'name',
  'ACCOUNT_ID',
  'ACOUNT_ID',
  'b',
  '{NAME}',
  '<email>',
  '{ACOUNT_ID}',
  '{{NAME}',
  'CONCAT_OR',
  'concat_and(',
  'DEFAULT_VALUE(',
  '=CONCAT_OR(',
  '=DEFAULT_VALUE(',
  '=CONCAT_XOR(',
  '(Id:equals:<ACCOUNT_ID>)',
];

const grammarish = fc
  .array(fc.constantFrom(...GRAMMAR_PIECES), { maxLength: 40 })
  .map((pieces) => pieces.join(''));

const anyString = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  grammarish,
  grammarish.map((s) => `=${s}`),
);

/** Variable names as admins might write them: any case. */
const writtenName = fc
  .constantFrom(...variableNames)
  .chain((name) =>
    fc.constantFrom(name, name.toLowerCase(), name[0] + name.slice(1).toLowerCase()),
  );

/** Variables keyed in any case, some absent, some empty, some with awkward characters. */
const variableMap = fc.dictionary(
  writtenName,
  fc.option(fc.oneof(fc.constant(''), fc.string({ maxLength: 20 })), { nil: undefined }),
  { maxKeys: 12 },
);

/** Well-formed templates built from the grammar, so that rendering is exercised on many shapes. */
const wellFormed = fc.letrec<{ text: string; arg: string; call: string; value: string }>((tie) => ({
  text: fc
    .array(
      fc.oneof(
        fc.stringMatching(/^[a-z0-9:.@-][a-z0-9 :.@-]{0,5}$/),
        writtenName.map((name) => `{${name}}`),
        writtenName.map((name) => `<${name}>`),
        writtenName.map((name) => `{{${name}}`),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((parts) => parts.join('')),
  arg: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('text'),
    tie('text').map((text) => `(${text})`),
    tie('text').map((text) => `"${text}, (x"`),
    tie('call'),
    tie('call').map((call) => call.slice(1)),
  ),
  call: fc.oneof(
    fc
      .tuple(fc.constantFrom('DEFAULT_VALUE', 'default_value'), tie('arg'), tie('arg'))
      .map(([name, a, b]) => `=${name}(${a}, ${b})`),
    fc
      .tuple(
        fc.constantFrom('CONCAT_OR', 'CONCAT_AND', 'Concat_Or'),
        fc.array(tie('arg'), { minLength: 1, maxLength: 4 }),
      )
      .map(([name, args]) => `=${name}(${args.join(' , ')})`),
  ),
  value: fc.oneof(tie('text'), tie('call')),
})).value;

function compileOrTemplateError(source: string): CompiledTemplate | TemplateError {
  try {
    return compileTemplate(source, 'params.fuzz');
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
}

describe('Template properties', () => {
  it('When any string is compiled, then it either compiles or fails with a TemplateError that points into it', () => {
    fc.assert(
      fc.property(anyString, (source) => {
        const result = compileOrTemplateError(source);
        if (result instanceof TemplateError) {
          expect(result.column).toBeGreaterThanOrEqual(1);
          expect(result.column).toBeLessThanOrEqual(source.length + 1);
          expect(result.message.startsWith(`params.fuzz: column ${result.column}: `)).toBe(true);
          expect(result.expected).not.toBe('');
        } else {
          for (const name of referencedVariables(result)) expect(variableNames).toContain(name);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('When a well-formed template is compiled, then it compiles', () => {
    fc.assert(
      fc.property(wellFormed, (source) => {
        expect(compileOrTemplateError(source)).not.toBeInstanceOf(TemplateError);
      }),
      { numRuns: 1000 },
    );
  });

  it('When any compiled template is rendered with any variables, then it yields a string', () => {
    const compiledTemplate = fc.oneof(wellFormed, anyString).map(compileOrTemplateError);
    fc.assert(
      fc.property(compiledTemplate, variableMap, (compiled, values) => {
        if (compiled instanceof TemplateError) return;
        expect(typeof renderTemplate(compiled, createVariables(values))).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('When encode is given, then the result is as if each present value had been encoded beforehand', () => {
    const encode = (value: string): string => `«${encodeURIComponent(value)}»`;
    fc.assert(
      fc.property(wellFormed, variableMap, (source, values) => {
        const compiled = compileTemplate(source, 'params.fuzz');
        const encodedValues = Object.fromEntries(
          Object.entries(values).map(([key, value]) => [
            key,
            value === undefined ? value : encode(value),
          ]),
        );
        expect(renderTemplate(compiled, createVariables(values), { encode })).toBe(
          renderTemplate(compiled, createVariables(encodedValues)),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('When encode is given, then literal text is never passed to it', () => {
    fc.assert(
      fc.property(wellFormed, variableMap, (source, values) => {
        const seen: string[] = [];
        renderTemplate(compileTemplate(source, 'params.fuzz'), createVariables(values), {
          encode: (value) => {
            seen.push(value);
            return value;
          },
        });
        const present = new Set(
          Object.values(values).filter((value): value is string => value !== undefined),
        );
        for (const value of seen) expect(present).toContain(value);
      }),
      { numRuns: 500 },
    );
  });
});

import {
  MAX_NESTING_DEPTH,
  MAX_TEMPLATE_LENGTH,
  TemplateError,
  compileTemplate,
  referencedVariables,
} from '../../../src/generic-api/template';
import { compileError, render } from './template-helpers';

const CRITERIA =
  '=CONCAT_OR((Id:equals:<ACCOUNT_ID>), (Phone:equals:<PHONE_NUMBER>), (Email:equals:<EMAIL>))';

describe('Compiling templates', () => {
  describe('plain text', () => {
    it.each([
      ['a < b', 'a < b'],
      ['a <= b > c', 'a <= b > c'],
      ['{"x":1}', '{"x":1}'],
      ['{ NAME }', '{ NAME }'],
      ['{NAME>', '{NAME>'],
      ['<NAME}', '<NAME}'],
      ['{1NAME}', '{1NAME}'],
      ['{NAME', '{NAME'],
      ['{}', '{}'],
      ['<>', '<>'],
      ['</b>', '</b>'],
      ['a << b', 'a << b'],
      ['{{"x":{"y":1}}}', '{{"x":{"y":1}}}'],
      ['(a, b), c', '(a, b), c'],
      ['C:\\path\\to', 'C:\\path\\to'],
      ['\'quoted\' "text"', '\'quoted\' "text"'],
      [' =CONCAT_OR(a)', ' =CONCAT_OR(a)'],
      ['', ''],
    ])('When the value is %p, then it is literal text', (source, expected) => {
      expect(render(source)).toBe(expected);
    });

    it('When text holds variables, then they are substituted between the literal parts', () => {
      expect(render('{FIRST_NAME} <LAST_NAME>, {{NAME}', { FIRST_NAME: 'J', LAST_NAME: 'B' })).toBe(
        'J B, {NAME}',
      );
    });

    it.each([
      ['{{NAME}', '{NAME}'],
      ['<<NAME>', '<NAME>'],
      ['{{UNKNOWN_THING}', '{UNKNOWN_THING}'],
      ['<<b>bold<</b>', '<b>bold<</b>'],
      ['{{NAME}}', '{NAME}}'],
      ['{<NAME>}', '{James}'],
      ['{{{NAME}', '{{NAME}'],
    ])('When %p is written (doubled opening delimiter), then it renders %p', (source, expected) => {
      expect(render(source, { NAME: 'James' })).toBe(expected);
    });

    it('When the value starts with ==, then it is text starting with one =', () => {
      expect(render('==5 and {NAME}', { NAME: 'x' })).toBe('=5 and x');
      expect(render('==CONCAT_OR(a)')).toBe('=CONCAT_OR(a)');
    });

    it('When the value is multi-line, then newlines are kept', () => {
      expect(render('Hello {NAME},\nbye', { NAME: 'J' })).toBe('Hello J,\nbye');
    });
  });

  describe('function calls', () => {
    it.each([
      '=concat_or(a)',
      '=Concat_And(a)',
      '=default_value(a, b)',
      '=CONCAT_OR(a)  ',
      '=CONCAT_OR( a , b )',
    ])('When %p is compiled, then it is a function call', (source) => {
      expect(compileTemplate(source, 'p').root.kind).toBe('call');
    });

    it('When an argument is quoted, then its commas and parentheses are text and its quotes are removed', () => {
      expect(render('=CONCAT_AND("a, (b", \'c) d\')')).toBe('a, (b and c) d');
    });

    it('When a quoted argument has backslash escapes, then each escapes the next character', () => {
      expect(render(String.raw`=CONCAT_OR("say \"hi\" \\ \{NAME}", 'it\'s')`, { NAME: 'x' })).toBe(
        `say "hi" \\ {NAME} or it's`,
      );
    });

    it('When a quoted argument holds variables, then they are substituted', () => {
      expect(render('=CONCAT_OR("Bond, {FIRST_NAME}")', { FIRST_NAME: 'James' })).toBe(
        'Bond, James',
      );
    });

    it('When whitespace surrounds arguments, then it is trimmed, except inside quotes', () => {
      expect(render('=CONCAT_OR(  a b  ,\n\t" c "  )')).toBe('a b or  c ');
    });

    it('When an unquoted argument holds a quote or apostrophe after its start, then it is text', () => {
      expect(render('=CONCAT_OR((Name:equals:O\'Brien), x"y)')).toBe(
        '(Name:equals:O\'Brien) or x"y',
      );
    });

    it('When an unquoted argument holds balanced parentheses, then commas inside them do not split it', () => {
      expect(render('=CONCAT_OR((a, (b, c)), d)')).toBe('(a, (b, c)) or d');
    });

    it('When a backslash is outside quotes, then it is ordinary text', () => {
      expect(render(String.raw`=CONCAT_OR(a\b, c\)`)).toBe('a\\b or c\\');
    });

    it('When an argument is a nested call with or without =, then it is evaluated', () => {
      expect(render('=DEFAULT_VALUE(=CONCAT_OR({EMAIL}, {ANI}), none)', { ANI: '1' })).toBe('1');
      expect(render('=DEFAULT_VALUE(concat_and({EMAIL}, {ANI}), none)')).toBe('none');
    });

    it('When an argument starts with an unknown word and a parenthesis, then it is text', () => {
      expect(render('=CONCAT_OR(Phone(x, y), LOWER(z))')).toBe('Phone(x, y) or LOWER(z)');
    });

    it('When a function name is followed by text rather than (, inside an argument, then it is text', () => {
      expect(render('=CONCAT_OR(CONCAT_OR, DEFAULT_VALUE (x))')).toBe(
        'CONCAT_OR or DEFAULT_VALUE (x)',
      );
    });

    it('When a function-like word is glued to other letters, then it is text', () => {
      expect(render('=CONCAT_OR(xCONCAT_OR(a), CONCAT_OR2(b))')).toBe(
        'xCONCAT_OR(a) or CONCAT_OR2(b)',
      );
    });

    it('When a quoted argument holds a function call, then it is text', () => {
      expect(render('=CONCAT_AND("(CONCAT_OR(a, b))", c)')).toBe('(CONCAT_OR(a, b)) and c');
    });

    it('When = appears inside an argument after its start, then it is text', () => {
      expect(render('=CONCAT_OR(a=b, (Id:equals:=5))')).toBe('a=b or (Id:equals:=5)');
    });

    it(`When calls nest ${MAX_NESTING_DEPTH} deep, then the template compiles`, () => {
      const source = '=CONCAT_OR('.repeat(MAX_NESTING_DEPTH) + 'x' + ')'.repeat(MAX_NESTING_DEPTH);
      expect(render(source)).toBe('x');
    });

    it(`When the value is ${MAX_TEMPLATE_LENGTH} characters, then it compiles`, () => {
      const source = '{NAME}' + 'x'.repeat(MAX_TEMPLATE_LENGTH - 6);
      expect(render(source, { NAME: '' })).toHaveLength(MAX_TEMPLATE_LENGTH - 6);
    });
  });

  describe('the compiled template', () => {
    it('When variables are named, then referencedVariables lists each once, upper case, in order', () => {
      const compiled = compileTemplate(
        '=DEFAULT_VALUE("{agent_email} <Name>", CONCAT_OR({AGENT_EMAIL}, {{RECORD_ID}, <ani>))',
        'p',
      );
      expect(referencedVariables(compiled)).toEqual(['AGENT_EMAIL', 'NAME', 'ANI']);
    });

    it('When the reference criteria are compiled, then the AST is three text arguments of CONCAT_OR', () => {
      const compiled = compileTemplate(CRITERIA, 'params.criteria');
      expect(compiled.where).toBe('params.criteria');
      expect(compiled.source).toBe(CRITERIA);
      expect(compiled.root).toEqual({
        kind: 'call',
        name: 'CONCAT_OR',
        separator: ' or ',
        args: [
          {
            kind: 'text',
            head: '(Id:equals:',
            substitutions: [{ name: 'ACCOUNT_ID', after: ')' }],
          },
          {
            kind: 'text',
            head: '(Phone:equals:',
            substitutions: [{ name: 'PHONE_NUMBER', after: ')' }],
          },
          { kind: 'text', head: '(Email:equals:', substitutions: [{ name: 'EMAIL', after: ')' }] },
        ],
      });
    });

    it('When compiled, then the template cannot be changed', () => {
      const compiled = compileTemplate(CRITERIA, 'p');
      expect(Object.isFrozen(compiled)).toBe(true);
      expect(Object.isFrozen(compiled.root)).toBe(true);
      expect(Object.isFrozen(compiled.variables)).toBe(true);
    });
  });
});

describe('Template errors', () => {
  it.each([
    // [source, column, expected, message after "params.test: column N: "]
    [
      '{ACOUNT_ID}',
      1,
      'a known variable name',
      'unknown variable {ACOUNT_ID}; did you mean {ACCOUNT_ID}?',
    ],
    [
      'x <acount_id>',
      3,
      'a known variable name',
      'unknown variable <acount_id>; did you mean <ACCOUNT_ID>?',
    ],
    [
      '<b>{NAME}</b>',
      1,
      'a known variable name',
      'unknown variable <b> (write <<b> for the literal text)',
    ],
    [
      '=CONCAT_OR((Id:equals:<ACOUNT_ID>))',
      23,
      'a known variable name',
      'unknown variable <ACOUNT_ID>; did you mean <ACCOUNT_ID>?',
    ],
    [
      '=CONCAT_OR("{EMIAL}")',
      13,
      'a known variable name',
      'unknown variable {EMIAL}; did you mean {EMAIL}?',
    ],
    [
      '=CONCAT_XOR(a, b)',
      1,
      'DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING',
      'unknown function =CONCAT_XOR (use DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING)',
    ],
    [
      '=CONCAT_OR(a, =concat_xor(b))',
      15,
      'DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING',
      'unknown function =concat_xor (use DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING)',
    ],
    [
      '=',
      2,
      'DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING',
      "expected a function name after '='",
    ],
    [
      '= CONCAT_OR(a)',
      2,
      'DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING',
      "expected a function name after '='",
    ],
    [
      '=JSON_STRING(a, b)',
      17,
      'exactly 1 argument',
      'expected exactly 1 argument in JSON_STRING(, found 2',
    ],
    [
      '=JSON_STRING()',
      14,
      'exactly 1 argument',
      'expected exactly 1 argument in JSON_STRING(, found 0',
    ],
    ['=CONCAT_OR', 11, "'('", "expected '(' after =CONCAT_OR"],
    ['=CONCAT_OR (a)', 11, "'('", "expected '(' after =CONCAT_OR"],
    ['=CONCAT_OR(a, b', 16, "')'", "expected ')' to close CONCAT_OR("],
    ['=CONCAT_OR((Id:equals:x), b', 28, "')'", "expected ')' to close CONCAT_OR("],
    ['=CONCAT_OR((Id:equals:x, b', 27, "')'", "expected ')' to close '(' opened at column 12"],
    ['=DEFAULT_VALUE(CONCAT_OR(a, b)', 31, "')'", "expected ')' to close DEFAULT_VALUE("],
    [
      '=CONCAT_AND((CONCAT_OR(a, b)), c)',
      14,
      'a function call as a whole argument',
      'CONCAT_OR( must be a whole argument, not inside one (quote the argument to mean the text)',
    ],
    [
      '=CONCAT_OR(x {NAME}default_value(a, b))',
      20,
      'a function call as a whole argument',
      'default_value( must be a whole argument, not inside one (quote the argument to mean the text)',
    ],
    ['=CONCAT_OR(a) b', 15, 'end of value', 'expected end of value after CONCAT_OR(...)'],
    ['=CONCAT_OR(a), (b)', 14, 'end of value', 'expected end of value after CONCAT_OR(...)'],
    ['=CONCAT_OR("a" b)', 16, "',' or ')'", "expected ',' or ')' after argument 1 of CONCAT_OR("],
    [
      '=CONCAT_OR(x, "a"(b))',
      18,
      "',' or ')'",
      "expected ',' or ')' after argument 2 of CONCAT_OR(",
    ],
    [
      '=DEFAULT_VALUE(CONCAT_OR(a) b, c)',
      29,
      "',' or ')'",
      "expected ',' or ')' after argument 1 of DEFAULT_VALUE(",
    ],
    ['=CONCAT_OR("abc)', 17, '"', 'expected " to close the quoted argument opened at column 12'],
    ["=CONCAT_OR(a, 'it)", 19, "'", "expected ' to close the quoted argument opened at column 15"],
    ['=CONCAT_OR("abc\\', 17, '"', 'expected " to close the quoted argument opened at column 12'],
    ['=CONCAT_OR()', 12, 'at least 1 argument', 'expected at least 1 argument in CONCAT_OR('],
    ['=CONCAT_AND(   )', 16, 'at least 1 argument', 'expected at least 1 argument in CONCAT_AND('],
    [
      '=DEFAULT_VALUE()',
      16,
      'exactly 2 arguments',
      'expected exactly 2 arguments in DEFAULT_VALUE(, found 0',
    ],
    [
      '=DEFAULT_VALUE(a)',
      17,
      'exactly 2 arguments',
      'expected exactly 2 arguments in DEFAULT_VALUE(, found 1',
    ],
    [
      '=DEFAULT_VALUE(a, b, c)',
      22,
      'exactly 2 arguments',
      'expected exactly 2 arguments in DEFAULT_VALUE(, found 3',
    ],
  ])(
    'When %p is compiled, then it fails at column %p expecting %s: %s',
    (source, column, expected, detail) => {
      const error = compileError(source);
      expect(error).toBeInstanceOf(TemplateError);
      expect(error).toMatchObject({
        name: 'TemplateError',
        where: 'params.test',
        column,
        expected,
        detail,
        message: `params.test: column ${column}: ${detail}`,
      });
    },
  );

  it('When the caller names the parameter, then the message starts with that name', () => {
    expect(compileError('{ACOUNT_ID}', 'endpoints.createRecord.params.owner')).toHaveProperty(
      'message',
      'endpoints.createRecord.params.owner: column 1: unknown variable {ACOUNT_ID}; did you mean {ACCOUNT_ID}?',
    );
  });

  it(`When calls nest ${MAX_NESTING_DEPTH + 1} deep, then the innermost call is refused`, () => {
    const depth = MAX_NESTING_DEPTH + 1;
    const source = '=CONCAT_OR('.repeat(depth) + 'x' + ')'.repeat(depth);
    expect(compileError(source)).toMatchObject({
      column: 1 + 11 * MAX_NESTING_DEPTH,
      expected: `at most ${MAX_NESTING_DEPTH} nested function calls`,
      detail: `expected at most ${MAX_NESTING_DEPTH} nested function calls`,
    });
  });

  it('When calls without = nest too deep, then they are refused too', () => {
    const depth = MAX_NESTING_DEPTH + 1;
    const source = '=' + 'CONCAT_OR('.repeat(depth) + 'x' + ')'.repeat(depth);
    expect(compileError(source)).toMatchObject({ column: 2 + 10 * MAX_NESTING_DEPTH });
  });

  it(`When the value is longer than ${MAX_TEMPLATE_LENGTH} characters, then it is refused before parsing`, () => {
    expect(compileError('x'.repeat(MAX_TEMPLATE_LENGTH + 1))).toMatchObject({
      column: MAX_TEMPLATE_LENGTH + 1,
      expected: `at most ${MAX_TEMPLATE_LENGTH} characters`,
      detail: `expected at most ${MAX_TEMPLATE_LENGTH} characters, the value has ${MAX_TEMPLATE_LENGTH + 1}`,
    });
  });

  it('When a very deep stack of parentheses is text, then it compiles without recursion', () => {
    const source = '=CONCAT_OR(' + '('.repeat(4000) + ')'.repeat(4000) + ')';
    expect(render(source)).toBe('('.repeat(4000) + ')'.repeat(4000));
  });
});

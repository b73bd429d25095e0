import fc from 'fast-check';
import {
  type Criteria,
  type CriteriaClause,
  type CriteriaOp,
  CRITERIA_MAX_CLAUSES,
  CRITERIA_MAX_DEPTH,
  CRITERIA_MAX_LENGTH,
  CriteriaSyntaxError,
  parseCriteria,
  printCriteria,
} from '../../src/crm/criteria';

const eq = (field: string, value: string): CriteriaClause => ({ field, op: 'equals', value });
const A = eq('A', '1');
const B = eq('B', '2');
const C = eq('C', '3');
const D = eq('D', '4');

/** The error parseCriteria throws for `text`, or a test failure if it parses. */
function syntaxError(text: string): CriteriaSyntaxError {
  try {
    parseCriteria(text);
  } catch (err) {
    if (err instanceof CriteriaSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseCriteria', () => {
  describe('the CONCAT_OR table of the platform reference, verbatim', () => {
    it.each<[string, Criteria]>([
      ['(Id:equals:)', eq('Id', '')],
      [
        '(Id:equals:) or (Email:equals:james.bond@007)',
        { or: [eq('Id', ''), eq('Email', 'james.bond@007')] },
      ],
      [
        '(Phone:equals:+12223334444) or (Email:equals:james.bond@007)',
        { or: [eq('Phone', '+12223334444'), eq('Email', 'james.bond@007')] },
      ],
    ])('reads %s', (text, ast) => {
      expect(parseCriteria(text)).toEqual(ast);
    });
  });

  describe('operators', () => {
    it.each<[string, CriteriaOp]>([
      ['equals', 'equals'],
      ['starts_with', 'startsWith'],
      ['contains', 'contains'],
      ['EQUALS', 'equals'],
      ['Starts_With', 'startsWith'],
      ['CoNtAiNs', 'contains'],
    ])('reads %s as %s', (name, op) => {
      expect(parseCriteria(`(Name:${name}:Bond)`)).toEqual({ field: 'Name', op, value: 'Bond' });
    });
  });

  describe('precedence', () => {
    it.each<[string, Criteria]>([
      ['(A:equals:1) or (B:equals:2) and (C:equals:3)', { or: [A, { and: [B, C] }] }],
      ['(A:equals:1) and (B:equals:2) or (C:equals:3)', { or: [{ and: [A, B] }, C] }],
      [
        '(A:equals:1) and (B:equals:2) or (C:equals:3) and (D:equals:4)',
        { or: [{ and: [A, B] }, { and: [C, D] }] },
      ],
      ['(A:equals:1) and (B:equals:2) and (C:equals:3)', { and: [A, B, C] }],
      ['(A:equals:1) or (B:equals:2) or (C:equals:3)', { or: [A, B, C] }],
      ['(A:equals:1) OR (B:equals:2) And (C:equals:3)', { or: [A, { and: [B, C] }] }],
    ])('reads %s', (text, ast) => {
      expect(parseCriteria(text)).toEqual(ast);
    });
  });

  describe('nesting', () => {
    it.each<[string, Criteria]>([
      [
        '((A:equals:1) or (B:equals:2)) and (C:contains:x)',
        { and: [{ or: [A, B] }, { field: 'C', op: 'contains', value: 'x' }] },
      ],
      ['(A:equals:1) and ((B:equals:2) or (C:equals:3))', { and: [A, { or: [B, C] }] }],
      ['((A:equals:1) or (B:equals:2)) or (C:equals:3)', { or: [A, B, C] }],
      ['(A:equals:1) and ((B:equals:2) and (C:equals:3))', { and: [A, B, C] }],
      ['((A:equals:1) and (B:equals:2))', { and: [A, B] }],
      ['((A:equals:1))', A],
      ['(((A:equals:1)))', A],
      [
        '((A:equals:1) and ((B:equals:2) or (C:equals:3))) or (D:equals:4)',
        { or: [{ and: [A, { or: [B, C] }] }, D] },
      ],
    ])('reads %s', (text, ast) => {
      expect(parseCriteria(text)).toEqual(ast);
    });
  });

  describe('values', () => {
    it.each<[string, string]>([
      ['(Phone:equals:(222) 333-4444)', '(222) 333-4444'],
      ['(Phone:equals:*222*333*4444)', '*222*333*4444'],
      ['(Phone:equals:+1 222 333 4444)', '+1 222 333 4444'],
      ['(Url:equals:https://crm.example.com/a:b?c=d)', 'https://crm.example.com/a:b?c=d'],
      ['(Time:equals:12:30:00)', '12:30:00'],
      ['(Note:contains:a (b (c)) d)', 'a (b (c)) d'],
      ['(Name:equals:James Bond)', 'James Bond'],
      ['(Email:equals:james.bond+007@example.com)', 'james.bond+007@example.com'],
      ['(Size:equals:5" screen)', '5" screen'],
      ['(Path:equals:C:\\temp)', 'C:\\temp'],
      ['(Name:equals:  Bond  )', 'Bond'],
      ['(Name:equals:"a) or (b")', 'a) or (b'],
      ['(Name:equals:"say \\"hi\\"")', 'say "hi"'],
      ['(Path:equals:"C:\\\\temp")', 'C:\\temp'],
      ['(Name:equals:"  Bond  ")', '  Bond  '],
      ['(Name:equals:"")', ''],
      ['(Name:equals: "x" )', 'x'],
      ['(Name:equals:"(")', '('],
      ['(Name:equals:"ünïcødé ☎")', 'ünïcødé ☎'],
    ])('reads the value of %s as %p', (text, value) => {
      expect(parseCriteria(text)).toEqual({
        field: expect.any(String),
        op: expect.any(String),
        value,
      });
    });

    it('keeps a balanced " or (" inside a bare value, as the value tracks parenthesis depth', () => {
      expect(parseCriteria('(A:equals:x (y) or (z))')).toEqual(eq('A', 'x (y) or (z)'));
    });
  });

  describe('field names', () => {
    it.each(['Email', 'custom.tier', 'first-name', 'Field_2', '_id', '2fa'])(
      'accepts %s',
      (field) => {
        expect(parseCriteria(`(${field}:equals:x)`)).toEqual(eq(field, 'x'));
      },
    );
  });

  describe('whitespace', () => {
    it.each([
      '  (A:equals:1) or (B:equals:2)  ',
      '(A:equals:1)\tor\t(B:equals:2)',
      '(A:equals:1)\n  or\r\n  (B:equals:2)',
      '(A:equals:1)     or     (B:equals:2)',
      '( A : equals : 1 ) or ( B:equals:2 )',
      '( (A:equals:1) or (B:equals:2) )',
    ])('reads %j', (text) => {
      expect(parseCriteria(text)).toEqual({ or: [A, B] });
    });
  });

  describe('syntax errors', () => {
    it.each<[string, number, string]>([
      ['', 1, "expected '(' to start a clause"],
      ['   ', 4, "expected '(' to start a clause"],
      ['Email:equals:x', 1, "expected '(' to start a clause"],
      ['(A:equals:1) or ', 17, "expected '(' to start a clause"],
      ['(A:equals:1) and x', 18, "expected '(' to start a clause"],
      ['(A:equals:1) or )', 17, "expected '(' to start a clause"],
      ['(Email)', 7, "expected ':' after the field name"],
      ['(First Name:equals:x)', 8, "expected ':' after the field name"],
      ['(Em@il:equals:x)', 4, "expected ':' after the field name"],
      ['($where:equals:1)', 2, 'a field name may not start with "$"'],
      ['(A:equals:1) or ($gt:equals:1)', 18, 'a field name may not start with "$"'],
      ['(:equals:x)', 2, 'expected a field name (letters, digits, "_", "-" or ".")'],
      ['()', 2, 'expected a field name (letters, digits, "_", "-" or ".")'],
      ['(Email:like:x)', 8, 'unknown operator "like" (use equals, starts_with or contains)'],
      [
        '(Email:not-equals:x)',
        8,
        'unknown operator "not-equals" (use equals, starts_with or contains)',
      ],
      ['(Email::x)', 8, 'expected an operator (use equals, starts_with or contains)'],
      ['(Email:equals)', 14, "expected ':' after the operator"],
      ['(Email:equals x)', 15, "expected ':' after the operator"],
      ['(A:equals:1) (B:equals:2)', 14, 'expected "or" or "and"'],
      ['(A:equals:1) xor (B:equals:2)', 14, 'expected "or" or "and"'],
      ['(A:equals:1) ORDER (B:equals:2)', 14, 'expected "or" or "and"'],
      ['(A:equals:1)or (B:equals:2)', 13, 'expected whitespace before "or"'],
      ['(A:equals:1) or(B:equals:2)', 16, 'expected whitespace after "or"'],
      ['(A:equals:1) and(B:equals:2)', 17, 'expected whitespace after "and"'],
      ['(A:equals:1) or', 16, 'expected a clause after "or"'],
      ['(A:equals:1', 1, 'unbalanced parenthesis'],
      ['(Phone:equals:(222) 333-4444', 1, 'unbalanced parenthesis'],
      ['(A:equals:1))', 13, 'unbalanced parenthesis'],
      ['(A:equals:1) or (B:equals:2))', 29, 'unbalanced parenthesis'],
      ['((A:equals:1) or (B:equals:2)', 1, 'unbalanced parenthesis'],
      ['(A:equals:1) and ((B:equals:2)', 18, 'unbalanced parenthesis'],
      ['(A:equals:"x"', 1, 'unbalanced parenthesis'],
      ['(A:equals:"x', 11, `unterminated quoted value (expected a closing '"')`],
      ['(A:equals:"x\\', 11, `unterminated quoted value (expected a closing '"')`],
      ['(A:equals:"x\\n")', 13, 'unknown escape "\\n" (only \\" and \\\\ are allowed)'],
      ['(A:equals:"x" y)', 15, "expected ')' after the quoted value"],
    ])('rejects %p at column %i: %s', (text, column, expected) => {
      const err = syntaxError(text);
      expect(err).toMatchObject({ column, expected });
      expect(err.message).toBe(`criteria: column ${column}: ${expected}`);
    });

    it('is an Error named CriteriaSyntaxError', () => {
      const err = syntaxError('(Email:like:x)');
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe('CriteriaSyntaxError');
      expect(err.message).toBe(
        'criteria: column 8: unknown operator "like" (use equals, starts_with or contains)',
      );
    });
  });

  describe('limits', () => {
    const clauses = (n: number): string =>
      Array.from({ length: n }, (_, i) => `(F${i}:equals:${i})`).join(' or ');
    const nested = (depth: number): string =>
      `${'('.repeat(depth - 1)}(A:equals:1)${')'.repeat(depth - 1)}`;

    it(`accepts exactly ${CRITERIA_MAX_LENGTH} characters`, () => {
      const text = `(A:equals:${'x'.repeat(CRITERIA_MAX_LENGTH - 11)})`;
      expect(text).toHaveLength(CRITERIA_MAX_LENGTH);
      expect(parseCriteria(text)).toEqual(eq('A', 'x'.repeat(CRITERIA_MAX_LENGTH - 11)));
    });

    it(`rejects ${CRITERIA_MAX_LENGTH + 1} characters at the first one too many`, () => {
      const err = syntaxError(`(A:equals:${'x'.repeat(CRITERIA_MAX_LENGTH - 10)})`);
      expect(err).toMatchObject({
        column: CRITERIA_MAX_LENGTH + 1,
        expected: `criteria longer than ${CRITERIA_MAX_LENGTH} characters`,
      });
    });

    it(`accepts ${CRITERIA_MAX_CLAUSES} clauses`, () => {
      const ast = parseCriteria(clauses(CRITERIA_MAX_CLAUSES));
      expect('or' in ast && ast.or).toHaveLength(CRITERIA_MAX_CLAUSES);
    });

    it(`rejects clause ${CRITERIA_MAX_CLAUSES + 1} where it starts`, () => {
      const text = clauses(CRITERIA_MAX_CLAUSES + 1);
      expect(syntaxError(text)).toMatchObject({
        column: text.lastIndexOf('(') + 1,
        expected: `more than ${CRITERIA_MAX_CLAUSES} clauses`,
      });
    });

    it(`accepts ${CRITERIA_MAX_DEPTH} nested parentheses`, () => {
      expect(parseCriteria(nested(CRITERIA_MAX_DEPTH))).toEqual(A);
    });

    it(`rejects parenthesis ${CRITERIA_MAX_DEPTH + 1} deep where it opens`, () => {
      expect(syntaxError(nested(CRITERIA_MAX_DEPTH + 1))).toMatchObject({
        column: CRITERIA_MAX_DEPTH + 1,
        expected: `nested deeper than ${CRITERIA_MAX_DEPTH} parentheses`,
      });
    });

    it('rejects a hostile 4,000-character nest quickly and with a syntax error', () => {
      const err = syntaxError('('.repeat(CRITERIA_MAX_LENGTH));
      expect(err.column).toBe(CRITERIA_MAX_DEPTH + 1);
    });
  });
});

describe('printCriteria', () => {
  it.each<[Criteria, string]>([
    [eq('Id', ''), '(Id:equals:)'],
    [{ field: 'Name', op: 'startsWith', value: 'Bo' }, '(Name:starts_with:Bo)'],
    [{ field: 'Name', op: 'contains', value: 'on' }, '(Name:contains:on)'],
    [eq('Phone', '(222) 333-4444'), '(Phone:equals:(222) 333-4444)'],
    [eq('Phone', '*222*333*4444'), '(Phone:equals:*222*333*4444)'],
    [eq('Name', 'a) or (b'), '(Name:equals:"a) or (b")'],
    [eq('Name', ' Bond '), '(Name:equals:" Bond ")'],
    [eq('Name', '"quoted" \\ back'), '(Name:equals:"\\"quoted\\" \\\\ back")'],
    [eq('Size', '5" screen'), '(Size:equals:5" screen)'],
    [eq('Note', ':-('), '(Note:equals:":-(")'],
    [
      { or: [eq('Id', ''), eq('Email', 'james.bond@007')] },
      '(Id:equals:) or (Email:equals:james.bond@007)',
    ],
    [{ or: [A, { and: [B, C] }] }, '(A:equals:1) or ((B:equals:2) and (C:equals:3))'],
    [{ and: [{ or: [A, B] }, C] }, '((A:equals:1) or (B:equals:2)) and (C:equals:3)'],
  ])('prints %j as %s', (ast, text) => {
    expect(printCriteria(ast)).toBe(text);
    expect(parseCriteria(text)).toEqual(ast);
  });

  it.each<[Criteria]>([[eq('First Name', 'x')], [eq('$where', 'x')], [eq('', 'x')], [{ or: [] }]])(
    'refuses %j, which would not parse back',
    (ast) => {
      expect(() => printCriteria(ast)).toThrow(RangeError);
    },
  );
});

describe('properties', () => {
  const tricky = fc
    .array(
      fc.constantFrom(
        '(',
        ')',
        '"',
        '\\',
        ':',
        ' ',
        '\t',
        'or',
        'and',
        'equals',
        'x',
        '$',
        '*',
        '+',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join(''));

  it('either parses any string or throws CriteriaSyntaxError with a column inside it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), (text) => {
        try {
          parseCriteria(text);
        } catch (err) {
          expect(err).toBeInstanceOf(CriteriaSyntaxError);
          const { column } = err as CriteriaSyntaxError;
          expect(column).toBeGreaterThanOrEqual(1);
          expect(column).toBeLessThanOrEqual(text.length + 1);
        }
      }),
      { numRuns: 2000 },
    );
  });

  const field = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
  const op = fc.constantFrom<CriteriaOp>('equals', 'startsWith', 'contains');
  const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), tricky);
  const clause: fc.Arbitrary<Criteria> = fc.record({ field, op, value });

  /** A parser-shaped group: 2–3 children, never directly nesting its own kind. */
  function group(kind: 'and' | 'or', depth: number): fc.Arbitrary<Criteria> {
    const child =
      depth <= 1 ? clause : fc.oneof(clause, group(kind === 'and' ? 'or' : 'and', depth - 1));
    return fc
      .array(child, { minLength: 2, maxLength: 3 })
      .map((children): Criteria => (kind === 'and' ? { and: children } : { or: children }));
  }

  const criteria = fc.oneof(clause, group('and', 3), group('or', 3));

  it('reads back what printCriteria writes as the same AST', () => {
    fc.assert(
      fc.property(criteria, (ast) => {
        expect(parseCriteria(printCriteria(ast))).toEqual(ast);
      }),
      { numRuns: 1000 },
    );
  });

  it('prints whatever it parses into text that parses to the same AST', () => {
    fc.assert(
      fc.property(tricky, (text) => {
        let ast: Criteria;
        try {
          ast = parseCriteria(`(F:equals:${text}) or (G:contains:x)`);
        } catch {
          return;
        }
        expect(parseCriteria(printCriteria(ast))).toEqual(ast);
      }),
      { numRuns: 1000 },
    );
  });
});

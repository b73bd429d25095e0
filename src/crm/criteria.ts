/**
 * The criteria language that CONCAT_OR / CONCAT_AND produce on the platform side:
 *
 *   criteria := or-expr
 *   or-expr  := and-expr ( WS "or" WS and-expr )*      -- "and" binds tighter than "or"
 *   and-expr := primary ( WS "and" WS primary )*
 *   primary  := "(" ( or-expr | clause ) ")"          -- a group starts with a second "("
 *   clause   := field ":" op ":" value
 *
 * Keywords and operators are case-insensitive. A bare value runs to the clause's closing ")"
 * and may contain balanced parentheses, because phone numbers like `(222) 333-4444` arrive
 * unquoted; a double-quoted value may contain anything, with `\"` and `\\` escapes.
 *
 * The text comes from an HTTP query string, so it is bounded (length, clauses, depth) before any
 * work, and every failure is a CriteriaSyntaxError that says where and what was expected.
 */

export type CriteriaOp = 'equals' | 'startsWith' | 'contains';

export interface CriteriaClause {
  field: string;
  op: CriteriaOp;
  value: string;
}

export type Criteria = CriteriaClause | { and: Criteria[] } | { or: Criteria[] };

export const CRITERIA_MAX_LENGTH = 4000;
export const CRITERIA_MAX_CLAUSES = 50;
export const CRITERIA_MAX_DEPTH = 10;

export class CriteriaSyntaxError extends Error {
  constructor(
    /** 1-based, in UTF-16 code units, as an editor or a browser address bar counts. */
    readonly column: number,
    readonly expected: string,
  ) {
    super(`criteria: column ${column}: ${expected}`);
    this.name = 'CriteriaSyntaxError';
  }
}

/** Operator spelling in the text ↔ in the AST. */
const OPERATORS: ReadonlyMap<string, CriteriaOp> = new Map([
  ['equals', 'equals'],
  ['starts_with', 'startsWith'],
  ['contains', 'contains'],
]);
const OPERATOR_NAMES: Readonly<Record<CriteriaOp, string>> = {
  equals: 'equals',
  startsWith: 'starts_with',
  contains: 'contains',
};
const OPERATOR_HINT = 'use equals, starts_with or contains';

type Joiner = 'or' | 'and';

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isLetter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** Field names end up as store paths; "$" would read as a query operator there. */
const isFieldChar = (c: string | undefined): boolean =>
  isLetter(c) || isDigit(c) || c === '_' || c === '-' || c === '.';
const endsOperator = (c: string | undefined): boolean =>
  c === undefined || c === ':' || c === '(' || c === ')' || isSpace(c);

class Parser {
  private pos = 0;
  private clauses = 0;

  constructor(private readonly text: string) {}

  parse(): Criteria {
    if (this.text.length > CRITERIA_MAX_LENGTH) {
      this.fail(CRITERIA_MAX_LENGTH, `criteria longer than ${CRITERIA_MAX_LENGTH} characters`);
    }
    const criteria = this.parseOr(0);
    this.skipSpaces();
    // parseOr stops only at the end or at a ")" that no group opened.
    if (this.peek() === ')') this.fail(this.pos, 'unbalanced parenthesis');
    if (this.pos < this.text.length) this.fail(this.pos, 'expected "or" or "and"');
    return criteria;
  }

  private parseOr(depth: number): Criteria {
    return this.parseJoined('or', () => this.parseAnd(depth));
  }

  private parseAnd(depth: number): Criteria {
    return this.parseJoined('and', () => this.parsePrimary(depth));
  }

  private parseJoined(joiner: Joiner, operand: () => Criteria): Criteria {
    const operands = [operand()];
    while (this.acceptJoiner(joiner)) operands.push(operand());
    return joined(joiner, operands);
  }

  /**
   * Consumes ` or ` / ` and ` when it is the `joiner` asked for. Stops (returns false) at the
   * end, at a ")", or at the other joiner, which the caller one level up handles.
   */
  private acceptJoiner(joiner: Joiner): boolean {
    let i = this.pos;
    while (isSpace(this.text[i])) i += 1;
    if (i >= this.text.length || this.text[i] === ')') return false;
    let end = i;
    while (isLetter(this.text[end])) end += 1;
    const word = this.text.slice(i, end).toLowerCase();
    if (word !== 'or' && word !== 'and') this.fail(i, 'expected "or" or "and"');
    if (i === this.pos) this.fail(i, `expected whitespace before "${word}"`);
    if (end >= this.text.length) this.fail(end, `expected a clause after "${word}"`);
    if (!isSpace(this.text[end])) this.fail(end, `expected whitespace after "${word}"`);
    if (word !== joiner) return false;
    this.pos = end;
    return true;
  }

  /** A parenthesised group or a clause; the second "(" is what tells them apart. */
  private parsePrimary(depth: number): Criteria {
    this.skipSpaces();
    const open = this.pos;
    if (this.peek() !== '(') this.fail(open, "expected '(' to start a clause");
    if (depth + 1 > CRITERIA_MAX_DEPTH) {
      this.fail(open, `nested deeper than ${CRITERIA_MAX_DEPTH} parentheses`);
    }
    this.pos += 1;
    this.skipSpaces();
    return this.peek() === '(' ? this.parseGroup(open, depth + 1) : this.parseClause(open);
  }

  private parseGroup(open: number, depth: number): Criteria {
    const inner = this.parseOr(depth);
    this.skipSpaces();
    if (this.peek() !== ')') this.fail(open, 'unbalanced parenthesis');
    this.pos += 1;
    return inner;
  }

  private parseClause(open: number): CriteriaClause {
    this.clauses += 1;
    if (this.clauses > CRITERIA_MAX_CLAUSES) {
      this.fail(open, `more than ${CRITERIA_MAX_CLAUSES} clauses`);
    }
    const field = this.parseField();
    this.expectColon('after the field name');
    const op = this.parseOperator();
    this.expectColon('after the operator');
    const value = this.parseValue(open);
    return { field, op, value };
  }

  private parseField(): string {
    this.skipSpaces();
    const start = this.pos;
    if (this.peek() === '$') this.fail(start, 'a field name may not start with "$"');
    while (isFieldChar(this.peek())) this.pos += 1;
    if (this.pos === start) {
      this.fail(start, 'expected a field name (letters, digits, "_", "-" or ".")');
    }
    const field = this.text.slice(start, this.pos);
    this.skipSpaces();
    return field;
  }

  private parseOperator(): CriteriaOp {
    this.skipSpaces();
    const start = this.pos;
    while (!endsOperator(this.peek())) this.pos += 1;
    const word = this.text.slice(start, this.pos);
    if (word === '') this.fail(start, `expected an operator (${OPERATOR_HINT})`);
    const op = OPERATORS.get(word.toLowerCase());
    if (op === undefined) this.fail(start, `unknown operator "${word}" (${OPERATOR_HINT})`);
    this.skipSpaces();
    return op;
  }

  private expectColon(where: string): void {
    if (this.peek() !== ':') this.fail(this.pos, `expected ':' ${where}`);
    this.pos += 1;
  }

  /** Leading and trailing spaces of a bare value are layout; quote a value to keep them. */
  private parseValue(open: number): string {
    this.skipSpaces();
    if (this.peek() !== '"') return this.parseBareValue(open);
    const value = this.parseQuotedValue();
    this.skipSpaces();
    if (this.pos >= this.text.length) this.fail(open, 'unbalanced parenthesis');
    if (this.peek() !== ')') this.fail(this.pos, "expected ')' after the quoted value");
    this.pos += 1;
    return value;
  }

  /** Runs to the ")" that closes the clause, skipping over balanced pairs inside the value. */
  private parseBareValue(open: number): string {
    const start = this.pos;
    let depth = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail(open, 'unbalanced parenthesis');
      if (c === ')' && depth === 0) break;
      if (c === '(') depth += 1;
      if (c === ')') depth -= 1;
      this.pos += 1;
    }
    let end = this.pos;
    while (end > start && isSpace(this.text[end - 1])) end -= 1;
    this.pos += 1;
    return this.text.slice(start, end);
  }

  private parseQuotedValue(): string {
    const quote = this.pos;
    this.pos += 1;
    let value = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail(quote, `unterminated quoted value (expected a closing '"')`);
      if (c === '"') break;
      if (c === '\\') {
        value += this.parseEscape(quote);
      } else {
        value += c;
        this.pos += 1;
      }
    }
    this.pos += 1;
    return value;
  }

  private parseEscape(quote: number): string {
    const escaped = this.text[this.pos + 1];
    if (escaped === undefined) {
      this.fail(quote, `unterminated quoted value (expected a closing '"')`);
    }
    if (escaped !== '"' && escaped !== '\\') {
      this.fail(this.pos, `unknown escape "\\${escaped}" (only \\" and \\\\ are allowed)`);
    }
    this.pos += 2;
    return escaped;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipSpaces(): void {
    while (isSpace(this.peek())) this.pos += 1;
  }

  private fail(index: number, expected: string): never {
    throw new CriteriaSyntaxError(index + 1, expected);
  }
}

/** One operand is itself; same-kind children are flattened so equal queries have equal ASTs. */
function joined(joiner: Joiner, operands: Criteria[]): Criteria {
  if (operands.length === 1 && operands[0] !== undefined) return operands[0];
  const flat = operands.flatMap((c) => sameKindChildren(c, joiner) ?? [c]);
  return joiner === 'or' ? { or: flat } : { and: flat };
}

function sameKindChildren(c: Criteria, joiner: Joiner): Criteria[] | undefined {
  if (joiner === 'or') return 'or' in c ? c.or : undefined;
  return 'and' in c ? c.and : undefined;
}

/** Parses `(Field:op:value) or (...) and (...)`; throws CriteriaSyntaxError, nothing else. */
export function parseCriteria(text: string): Criteria {
  return new Parser(text).parse();
}

/**
 * Back to text that parseCriteria reads as the same AST. Nested groups are always parenthesised,
 * even where precedence makes it unnecessary: logs are read by people, and CRMs that take this
 * syntax (Zoho among them) do not all agree on precedence.
 */
export function printCriteria(criteria: Criteria): string {
  if ('or' in criteria) return printJoined('or', criteria.or);
  if ('and' in criteria) return printJoined('and', criteria.and);
  return printClause(criteria);
}

function printJoined(joiner: Joiner, children: Criteria[]): string {
  if (children.length === 0) throw new RangeError(`printCriteria: an empty "${joiner}" group`);
  return children
    .map((child) => ('field' in child ? printClause(child) : `(${printCriteria(child)})`))
    .join(` ${joiner} `);
}

function printClause({ field, op, value }: CriteriaClause): string {
  // Refused rather than printed: the output would not parse, or would parse as something else.
  if (field === '' || ![...field].every(isFieldChar)) {
    throw new RangeError(`printCriteria: ${JSON.stringify(field)} is not a field name`);
  }
  return `(${field}:${OPERATOR_NAMES[op]}:${printValue(value)})`;
}

function printValue(value: string): string {
  return isBareSafe(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Bare unless the parser would read it differently: edge spaces, a leading quote, stray ")". */
function isBareSafe(value: string): boolean {
  if (isSpace(value[0]) || isSpace(value[value.length - 1]) || value.startsWith('"')) return false;
  let depth = 0;
  for (const c of value) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

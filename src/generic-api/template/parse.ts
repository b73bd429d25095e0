/**
 * Compiles a parameter value to an AST once, when the config is loaded, so that every problem is
 * reported by `config check` with its column and none can surface while a request is built.
 *
 * Grammar (the lexer, lexer.ts, decides what counts as a variable):
 *
 *   value     := '==' text              a value meant to start with '=' (renders '=' + text)
 *              | '=' call ws*           a function call, the whole value
 *              | text                   anything else: literal text and variables
 *   call      := NAME '(' arg (',' arg)* ')'   NAME: DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or
 *                                               JSON_STRING in any case, '(' right after it;
 *                                               DEFAULT_VALUE takes exactly 2 arguments,
 *                                               JSON_STRING exactly 1, CONCAT_* at least 1, and
 *                                               `NAME( )` counts as none
 *   arg       := ws* ( '=' call | NAME '(' ... | quoted | argtext ) ws*
 *   quoted    := '"' ... '"' | "'" ... "'"          '\' escapes the next character
 *   argtext   := text in which '(' ... ')' nest, and ',' or ')' at depth 0 ends the argument;
 *                may be empty (`a,,b`, `DEFAULT_VALUE({X}, )`), which renders as nothing
 *
 * Inside an argument a nested call may be written with or without its '=' (`CONCAT_OR(...)`), but
 * without it only a known function name followed by '(' is a call: other `word(...)` is text,
 * and with '=' an unknown name is an error. A call is always a whole argument: `(CONCAT_OR(a))`
 * is refused rather than sent as text. A quote only quotes when it opens the argument, so an
 * apostrophe in text (`O'Brien`) needs no escaping; variables are substituted inside quotes too.
 * A value is a call only when '=' is its very first character.
 */
import {
  asFunctionName,
  type CallNode,
  type CompiledTemplate,
  type FunctionName,
  type TemplateNode,
  type TextNode,
} from './ast';
import { Lexer, isQuote, trailingIdentifier, type Token } from './lexer';
import { TemplateError } from './template-error';
import { TextBuilder } from './text-builder';
import { isKnownVariable, suggestVariable } from './variables';

export const MAX_TEMPLATE_LENGTH = 10_000;
/** Function calls inside function calls; the top-level call is depth 1. */
export const MAX_NESTING_DEPTH = 20;

const EQUALS = 0x3d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const FUNCTION_LIST = 'DEFAULT_VALUE, CONCAT_OR, CONCAT_AND or JSON_STRING';

/** Compiles `source`; `where` names the parameter in messages (`params.criteria`). */
export function parseTemplate(source: string, where: string): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_LENGTH) {
    throw new TemplateError(
      where,
      MAX_TEMPLATE_LENGTH + 1,
      `at most ${MAX_TEMPLATE_LENGTH} characters`,
      `expected at most ${MAX_TEMPLATE_LENGTH} characters, the value has ${source.length}`,
    );
  }
  const parser = new Parser(source, where);
  const root = parser.parseValue();
  return Object.freeze({
    source,
    where,
    root,
    variables: Object.freeze([...parser.variables]),
  });
}

class Parser {
  private readonly lexer: Lexer;
  readonly variables = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly where: string,
  ) {
    this.lexer = new Lexer(source);
  }

  parseValue(): TemplateNode {
    const lexer = this.lexer;
    if (lexer.peek() !== EQUALS) return this.parseText();
    lexer.pos = 1;
    // '==' keeps its second '=' as the first character of plain text.
    if (lexer.peek() === EQUALS) return this.parseText();
    const call = this.parseCall(1, 0);
    lexer.skipWhitespace();
    if (lexer.pos < this.source.length) {
      this.fail(lexer.pos, 'end of value', `expected end of value after ${call.name}(...)`);
    }
    return call;
  }

  private parseText(): TextNode {
    const builder = new TextBuilder();
    for (let token = this.lexer.next('value'); token.kind !== 'end';) {
      this.addToText(builder, token);
      token = this.lexer.next('value');
    }
    return builder.build(false);
  }

  /** With `pos` on the function name; `markerStart` is where the call began ('=' or name). */
  private parseCall(depth: number, markerStart: number): CallNode {
    const lexer = this.lexer;
    if (depth > MAX_NESTING_DEPTH) {
      const expected = `at most ${MAX_NESTING_DEPTH} nested function calls`;
      this.fail(markerStart, expected, `expected ${expected}`);
    }
    const written = lexer.identifierAhead();
    if (written === '') this.fail(lexer.pos, FUNCTION_LIST, "expected a function name after '='");
    const name = asFunctionName(written);
    if (name === undefined) {
      this.fail(markerStart, FUNCTION_LIST, `unknown function =${written} (use ${FUNCTION_LIST})`);
    }
    lexer.pos += written.length;
    if (lexer.peek() !== OPEN_PAREN) this.fail(lexer.pos, "'('", `expected '(' after =${written}`);
    lexer.pos++;
    return this.parseArguments(name, depth);
  }

  /** With `pos` just past the '('; consumes the closing ')'. */
  private parseArguments(name: FunctionName, depth: number): CallNode {
    const lexer = this.lexer;
    const args: TemplateNode[] = [];
    const starts: number[] = [];
    lexer.skipWhitespace();
    if (lexer.peek() === CLOSE_PAREN) {
      lexer.pos++;
      return this.makeCall(name, args, starts, lexer.pos - 1);
    }
    for (;;) {
      lexer.skipWhitespace();
      starts.push(lexer.pos);
      args.push(this.parseArgument(depth));
      lexer.skipWhitespace();
      const token = lexer.next('argument');
      if (token.kind === 'close') return this.makeCall(name, args, starts, token.start);
      if (token.kind === 'end') {
        this.fail(token.start, "')'", `expected ')' to close ${name}(`);
      }
      if (token.kind !== 'comma') {
        const detail = `expected ',' or ')' after argument ${args.length} of ${name}(`;
        this.fail(token.start, "',' or ')'", detail);
      }
    }
  }

  private makeCall(
    name: FunctionName,
    args: readonly TemplateNode[],
    starts: readonly number[],
    closeAt: number,
  ): CallNode {
    if (name === 'DEFAULT_VALUE') {
      const [first, second] = args;
      if (args.length !== 2 || first === undefined || second === undefined) {
        const column = starts[2] ?? closeAt;
        const detail = `expected exactly 2 arguments in ${name}(, found ${args.length}`;
        this.fail(column, 'exactly 2 arguments', detail);
      }
      return Object.freeze({ kind: 'call', name, args: Object.freeze([first, second] as const) });
    }
    if (name === 'JSON_STRING') {
      const [only] = args;
      if (args.length !== 1 || only === undefined) {
        const column = starts[1] ?? closeAt;
        const detail = `expected exactly 1 argument in ${name}(, found ${args.length}`;
        this.fail(column, 'exactly 1 argument', detail);
      }
      return Object.freeze({ kind: 'call', name, args: Object.freeze([only] as const) });
    }
    if (args.length === 0) {
      this.fail(closeAt, 'at least 1 argument', `expected at least 1 argument in ${name}(`);
    }
    const separator = name === 'CONCAT_OR' ? ' or ' : ' and ';
    return Object.freeze({ kind: 'call', name, args: Object.freeze([...args]), separator });
  }

  /** With `pos` on the argument's first non-blank character; stops before its ',' or ')'. */
  private parseArgument(depth: number): TemplateNode {
    const lexer = this.lexer;
    const start = lexer.pos;
    const code = lexer.peek();
    if (code === EQUALS) {
      lexer.pos++;
      return this.parseCall(depth + 1, start);
    }
    const word = lexer.identifierAhead();
    if (
      word !== '' &&
      asFunctionName(word) !== undefined &&
      lexer.peek(word.length) === OPEN_PAREN
    ) {
      return this.parseCall(depth + 1, start);
    }
    if (isQuote(code)) return this.parseQuoted(start);
    return this.parseArgumentText();
  }

  private parseQuoted(start: number): TextNode {
    const quote = this.source.charAt(start) === '"' ? '"' : "'";
    this.lexer.pos = start + 1;
    const builder = new TextBuilder();
    for (;;) {
      const token = this.lexer.next(quote);
      if (token.kind === 'quote') return builder.build(false);
      if (token.kind === 'end') {
        const detail = `expected ${quote} to close the quoted argument opened at column ${start + 1}`;
        this.fail(this.source.length, quote, detail);
      }
      this.addToText(builder, token);
    }
  }

  private parseArgumentText(): TextNode {
    const lexer = this.lexer;
    const builder = new TextBuilder();
    const openParens: number[] = [];
    let previous: Token | undefined;
    for (;;) {
      const before = lexer.pos;
      const token = lexer.next('argument');
      const endsArgument =
        token.kind === 'end' ||
        (openParens.length === 0 && (token.kind === 'comma' || token.kind === 'close'));
      if (endsArgument) {
        const unclosed = openParens[openParens.length - 1];
        if (unclosed !== undefined) {
          const detail = `expected ')' to close '(' opened at column ${unclosed + 1}`;
          this.fail(token.start, "')'", detail);
        }
        lexer.pos = before;
        return builder.build(true);
      }
      if (token.kind === 'open') {
        if (previous?.kind === 'text') this.refuseCallInsideText(previous);
        openParens.push(token.start);
      }
      if (token.kind === 'close') openParens.pop();
      this.addToText(builder, token);
      previous = token;
    }
  }

  /**
   * `(CONCAT_OR(a, b)) and c` looks like grouping but would reach the CRM as literal text, so a
   * function name followed by '(' in the middle of an argument is refused; quoting the argument
   * is how to mean the text.
   */
  private refuseCallInsideText(text: Extract<Token, { kind: 'text' }>): void {
    const word = trailingIdentifier(text.text);
    const name = asFunctionName(word);
    if (name === undefined) return;
    const column = text.start + text.text.length - word.length;
    const detail = `${word}( must be a whole argument, not inside one (quote the argument to mean the text)`;
    this.fail(column, 'a function call as a whole argument', detail);
  }

  private addToText(builder: TextBuilder, token: Token): void {
    if (token.kind === 'variable') builder.variable(this.resolveVariable(token));
    else if (token.kind === 'text') builder.text(token.text);
    else builder.text(this.source.charAt(token.start));
  }

  private resolveVariable(token: Extract<Token, { kind: 'variable' }>): string {
    const name = token.name.toUpperCase();
    if (!isKnownVariable(name)) {
      const open = token.raw.charAt(0);
      const close = token.raw.charAt(token.raw.length - 1);
      const suggestion = suggestVariable(name);
      const detail =
        suggestion === undefined
          ? `unknown variable ${token.raw} (write ${open}${token.raw} for the literal text)`
          : `unknown variable ${token.raw}; did you mean ${open}${suggestion}${close}?`;
      this.fail(token.start, 'a known variable name', detail);
    }
    this.variables.add(name);
    return name;
  }

  private fail(index: number, expected: string, detail: string): never {
    throw new TemplateError(this.where, index + 1, expected, detail);
  }
}

/**
 * Splits template source into tokens on demand. What is a token depends on where the parser is
 * (the grammar is context-sensitive: a comma is text in a plain value but a separator inside a
 * function call), so the parser passes the mode it is in with every request.
 *
 * A variable is `{IDENT}` or `<IDENT>` with IDENT = [A-Za-z_][A-Za-z0-9_]* and the matching
 * closer right after it. Any other `{` or `<` is text, so `a < b`, `<= 5` and `{"x":1}` survive as
 * written. `{{IDENT}` and `<<IDENT>` stand for the literal text `{IDENT}` / `<IDENT>`; elsewhere a
 * doubled delimiter is ordinary text, so only text that would have been a variable changes.
 */

/** `value`: plain text; `argument`: unquoted function argument; a quote: inside that quote. */
export type LexMode = 'value' | 'argument' | '"' | "'";

export type PunctuationKind = 'open' | 'close' | 'comma' | 'quote' | 'end';

export type Token =
  | { readonly kind: 'text'; readonly text: string; readonly start: number }
  | {
      readonly kind: 'variable';
      /** As written, not yet checked against the catalogue. */
      readonly name: string;
      /** The whole token, delimiters included, to quote it back in messages. */
      readonly raw: string;
      readonly start: number;
    }
  | { readonly kind: PunctuationKind; readonly start: number };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const COMMA = 0x2c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;

export class Lexer {
  /** Index of the next unread character. */
  pos = 0;

  constructor(readonly source: string) {}

  next(mode: LexMode): Token {
    const start = this.pos;
    const code = this.source.charCodeAt(start);
    if (Number.isNaN(code)) return { kind: 'end', start };
    const punctuation = punctuationKind(code, mode);
    if (punctuation !== undefined) {
      this.pos = start + 1;
      return { kind: punctuation, start };
    }
    if (code === BACKSLASH && isQuoted(mode)) return this.escapedCharacter(start);
    if (code === OPEN_BRACE || code === LESS_THAN) {
      const delimited = this.delimited(start);
      if (delimited !== undefined) return delimited;
    }
    return this.textRun(start, mode);
  }

  /** The next character's code, or NaN at the end. */
  peek(offset = 0): number {
    return this.source.charCodeAt(this.pos + offset);
  }

  skipWhitespace(): void {
    while (isWhitespace(this.peek())) this.pos++;
  }

  /** The identifier starting at `pos` ('' when none), without consuming it. */
  identifierAhead(): string {
    return this.source.slice(this.pos, identifierEnd(this.source, this.pos));
  }

  /** The text token for the character after a backslash; a trailing backslash ends the input. */
  private escapedCharacter(start: number): Token {
    if (start + 1 >= this.source.length) {
      this.pos = this.source.length;
      return { kind: 'end', start: this.pos };
    }
    this.pos = start + 2;
    return { kind: 'text', text: this.source.charAt(start + 1), start };
  }

  /** A variable, an escaped variable (as text), or undefined when `{`/`<` is just a character. */
  private delimited(start: number): Token | undefined {
    const open = this.source.charCodeAt(start);
    const close = open === OPEN_BRACE ? CLOSE_BRACE : GREATER_THAN;
    const escaped = this.source.charCodeAt(start + 1) === open;
    const nameStart = escaped ? start + 2 : start + 1;
    const nameEnd = identifierEnd(this.source, nameStart);
    if (nameEnd === nameStart || this.source.charCodeAt(nameEnd) !== close) return undefined;
    this.pos = nameEnd + 1;
    if (escaped) return { kind: 'text', text: this.source.slice(start + 1, nameEnd + 1), start };
    const name = this.source.slice(nameStart, nameEnd);
    return { kind: 'variable', name, raw: this.source.slice(start, nameEnd + 1), start };
  }

  /** Characters up to the next one that could begin another token; at least one. */
  private textRun(start: number, mode: LexMode): Token {
    let end = start + 1;
    while (end < this.source.length && !mayBeginToken(this.source.charCodeAt(end), mode)) end++;
    this.pos = end;
    return { kind: 'text', text: this.source.slice(start, end), start };
  }
}

function isQuoted(mode: LexMode): boolean {
  return mode === '"' || mode === "'";
}

function punctuationKind(code: number, mode: LexMode): PunctuationKind | undefined {
  if (mode === 'argument') {
    if (code === OPEN_PAREN) return 'open';
    if (code === CLOSE_PAREN) return 'close';
    if (code === COMMA) return 'comma';
    return undefined;
  }
  if (mode === '"') return code === DOUBLE_QUOTE ? 'quote' : undefined;
  if (mode === "'") return code === SINGLE_QUOTE ? 'quote' : undefined;
  return undefined;
}

function mayBeginToken(code: number, mode: LexMode): boolean {
  if (code === OPEN_BRACE || code === LESS_THAN) return true;
  if (code === BACKSLASH) return isQuoted(mode);
  return punctuationKind(code, mode) !== undefined;
}

export function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

export function isQuote(code: number): boolean {
  return code === DOUBLE_QUOTE || code === SINGLE_QUOTE;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 0x30 && code <= 0x39);
}

/** The index just past the identifier that starts at `start` (`start` itself when none does). */
function identifierEnd(source: string, start: number): number {
  if (!isIdentifierStart(source.charCodeAt(start))) return start;
  let end = start + 1;
  while (isIdentifierPart(source.charCodeAt(end))) end++;
  return end;
}

/** The identifier characters at the end of `text` ('' when it ends otherwise). */
export function trailingIdentifier(text: string): string {
  let start = text.length;
  while (start > 0 && isIdentifierPart(text.charCodeAt(start - 1))) start--;
  return text.slice(start);
}

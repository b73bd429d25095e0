import type { Substitution, TextNode } from './ast';
import { isWhitespace } from './lexer';

/** Accumulates literal text and variables into the head-plus-pairs shape the renderer walks. */
export class TextBuilder {
  private head = '';
  private readonly substitutions: { name: string; after: string }[] = [];

  text(text: string): void {
    const last = this.substitutions[this.substitutions.length - 1];
    if (last === undefined) this.head += text;
    else last.after += text;
  }

  variable(name: string): void {
    this.substitutions.push({ name, after: '' });
  }

  /** `trimEnd`: drop trailing whitespace, as around an unquoted function argument. */
  build(trimEnd: boolean): TextNode {
    const last = this.substitutions[this.substitutions.length - 1];
    if (trimEnd && last !== undefined) last.after = trimTrailingWhitespace(last.after);
    const head = trimEnd && last === undefined ? trimTrailingWhitespace(this.head) : this.head;
    const substitutions: readonly Substitution[] = Object.freeze(
      this.substitutions.map((s) => Object.freeze({ name: s.name, after: s.after })),
    );
    return Object.freeze({ kind: 'text', head, substitutions });
  }
}

function trimTrailingWhitespace(text: string): string {
  let end = text.length;
  while (end > 0 && isWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/**
 * A template that cannot be compiled. Raised at config load time (and by `config check`), never
 * while a request is being built, so it carries everything an admin needs to fix the value: the
 * parameter it belongs to, the 1-based column and what the parser expected there.
 */
export class TemplateError extends Error {
  constructor(
    /** The parameter the template belongs to, as the caller named it (`params.criteria`). */
    readonly where: string,
    /** 1-based position in the template source (UTF-16 code units, like an editor's column). */
    readonly column: number,
    /** What would have been accepted at `column`, in words. */
    readonly expected: string,
    /** The problem without the location prefix. */
    readonly detail: string,
  ) {
    super(`${where}: column ${column}: ${detail}`);
    this.name = 'TemplateError';
  }
}

/*
 * Node's system errors (`fs`, `util.parseArgs`) carry a `code`. Checked by shape on purpose:
 * they may come from another realm (Jest runs tests in a VM context), where `instanceof Error`
 * is false.
 */

export function hasErrorCode(error: unknown, code: string): boolean {
  return errorCode(error) === code;
}

export function hasErrorCodePrefix(error: unknown, prefix: string): boolean {
  return errorCode(error)?.startsWith(prefix) ?? false;
}

export function errorMessage(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}

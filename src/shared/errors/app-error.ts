/**
 * Every failure a caller can fix is an AppError: a stable code, an HTTP status and a message
 * that names the field and the problem. The terminal error handler renders it as
 * `{ error: { code, message, details } }`.
 */
export interface ErrorDetail {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]): AppError =>
  new AppError(400, 'bad_request', message, details);

export const unprocessable = (message: string, details?: ErrorDetail[]): AppError =>
  new AppError(422, 'validation_failed', message, details);

export const notFound = (what: string, id: string): AppError =>
  new AppError(404, 'not_found', `${what} ${JSON.stringify(id)} does not exist`);

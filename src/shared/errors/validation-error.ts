import type { z } from 'zod';
import { type ErrorDetail, unprocessable } from './app-error';

/** A zod failure as our 422: every problem with the dotted path of its field. */
export function validationError(what: string, error: z.ZodError): ReturnType<typeof unprocessable> {
  const details: ErrorDetail[] = error.issues.map((issue) => ({
    field: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return unprocessable(`the ${what} has ${details.length} invalid field(s): ${summary}`, details);
}

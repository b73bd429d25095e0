import { z } from 'zod';
import type { Operation } from './operation';

/** The terminal error handler's body (src/shared/http/error-handler.ts). */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })),
  }),
});

const WHEN: Record<number, string> = {
  400: 'malformed JSON, or an unknown, repeated or empty query parameter, or a criteria syntax error',
  401: 'no or wrong credentials (WWW-Authenticate names the schemes)',
  404: 'no such id',
  413: 'the body or file is over the limit',
  415: 'the body is not of a media type this operation takes',
  422: 'well-formed but invalid: details names every field',
  501: 'middleware mode: generic-api.yaml has no endpoint for this operation (the message names it)',
  502: 'middleware mode: the downstream CRM failed, rejected our credentials or answered no id',
  504: 'middleware mode: the downstream CRM did not answer within timeoutSeconds',
};

/** Error answers, each with the shared body; `reason` overrides the usual wording. */
export function errors(
  statuses: number[],
  reason: Partial<Record<number, string>> = {},
): Operation['responses'] {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: reason[status] ?? WHEN[status] ?? 'error',
        content: { 'application/json': errorBody },
      },
    ]),
  );
}

/** The failures every JSON body brings, on top of the operation's own. */
export const JSON_BODY_ERRORS = [400, 413, 415];

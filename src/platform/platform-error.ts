import { isAxiosError } from 'axios';

/**
 * A platform call that did not succeed, with a message a support agent can act on (shown on the
 * page as it is, escaped). `status` is the platform's HTTP status when it answered.
 */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Longest platform-supplied text shown on a page. */
const MAX_MESSAGE = 300;

/** The platform's own words in an error body: `message`, `error`, or `errors` (list or map). */
function messageIn(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error, errors } = body as Record<string, unknown>;
  if (typeof message === 'string' && message !== '') return message;
  if (typeof error === 'string' && error !== '') return error;
  if (typeof error === 'object' && error !== null) return messageIn(error);
  if (Array.isArray(errors))
    return errors
      .map((e) => messageIn(e) ?? '')
      .filter(Boolean)
      .join('; ');
  if (typeof errors === 'object' && errors !== null) {
    return Object.entries(errors)
      .map(
        ([field, problem]) =>
          `${field} ${Array.isArray(problem) ? problem.join(', ') : String(problem)}`,
      )
      .join('; ');
  }
  return undefined;
}

const clip = (text: string): string =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;

/** An answer other than 2xx as the message a page shows. */
export function refusal(status: number, body: unknown): PlatformError {
  const said = messageIn(body);
  if (status === 401)
    return new PlatformError('the platform rejected the company key/secret', status);
  if (status === 403) {
    return new PlatformError(
      `the platform does not allow this company key to do that${said ? `: ${clip(said)}` : ''}`,
      status,
    );
  }
  if (status >= 500) return new PlatformError(`the platform failed (HTTP ${status})`, status);
  return new PlatformError(
    `the platform refused (HTTP ${status})${said ? `: ${clip(said)}` : ''}`,
    status,
  );
}

const NETWORK_PROBLEMS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Anything axios threw (no answer at all) as a PlatformError naming the tenant. */
export function unreachable(
  error: unknown,
  tenantUrl: string,
  timeoutSeconds: number,
): PlatformError {
  if (!isAxiosError(error)) return new PlatformError(`cannot reach the platform at ${tenantUrl}`);
  if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') {
    return new PlatformError(`the platform did not answer within ${timeoutSeconds} s`);
  }
  if (error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message)) {
    return new PlatformError('the platform answered with more data than expected');
  }
  const problem = (error.code && NETWORK_PROBLEMS[error.code]) ?? error.code ?? 'network error';
  return new PlatformError(`cannot reach the platform at ${tenantUrl}: ${problem}`);
}

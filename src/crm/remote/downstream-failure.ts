/**
 * A downstream answer that is not a success, as the platform should see it: the CRM's 4xx with
 * its own message and status (the caller's data is what it refused), 401/407 and 5xx as 502
 * (crm-bridge's credentials or the CRM itself failed; the caller can fix neither).
 */
import type { OutboundResponse } from '../../generic-api/outbound';
import { AppError } from '../../shared/errors/app-error';

const MAX_MESSAGE = 300;
const MESSAGE_KEYS = ['message', 'error_description', 'detail', 'title', 'error', 'errors'];

/** The CRM's own explanation: a text body, or the usual message fields of a JSON error. */
export function downstreamMessage(body: unknown, depth = 0): string | undefined {
  if (typeof body === 'string') {
    const flat = body.replace(/\s+/g, ' ').trim();
    if (flat === '' || flat.startsWith('<')) return undefined; // an HTML error page says nothing
    return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
  }
  if (depth > 2 || typeof body !== 'object' || body === null) return undefined;
  if (Array.isArray(body)) return downstreamMessage(body[0], depth + 1);
  for (const key of MESSAGE_KEYS) {
    if (!Object.hasOwn(body, key)) continue;
    const found = downstreamMessage((body as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function downstreamFailure(endpoint: string, response: OutboundResponse): AppError {
  const { status } = response;
  const said = downstreamMessage(response.body);
  const answered = `${endpoint}: the CRM answered ${status}${said === undefined ? '' : `: ${said}`}`;
  if (status >= 400 && status < 500 && status !== 401 && status !== 407) {
    return new AppError(status, 'downstream_rejected', answered);
  }
  if (status === 401 || status === 407) {
    return new AppError(
      502,
      'downstream_auth_failed',
      `${answered} (check the credentials in generic-api.yaml)`,
    );
  }
  return new AppError(502, 'downstream_error', answered);
}

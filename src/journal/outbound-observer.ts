import type { Exchange } from '../generic-api/sender/mask-exchange';
import { currentRequestId } from '../shared/log/request-context';
import type { Journal } from './journal';

const headerValue = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

/**
 * The sender's `onExchange` (`createHttpSender({ ..., onExchange: journalObserver(journal) })`):
 * each outbound request, secrets already masked by the sender, is recorded under the id of the
 * API request being served. One made outside an API request has nothing to link it to and is
 * not recorded.
 */
export function journalObserver(journal: Journal): (exchange: Exchange) => void {
  return ({ request, response, error, durationMs }) => {
    const requestId = currentRequestId();
    if (requestId === undefined) return;
    const requestType = headerValue(request.headers, 'content-type');
    const responseLength = Number(headerValue(response?.headers ?? {}, 'content-length'));
    journal.recordOutbound({
      requestId,
      endpoint: request.endpoint,
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(response && { status: response.status }),
      durationMs,
      requestBody: {
        ...(request.body && { value: request.body, bytes: request.body.length }),
        ...(requestType !== undefined && { contentType: requestType }),
      },
      responseBody: {
        ...(response && { value: response.body }),
        ...(Number.isInteger(responseLength) && { bytes: responseLength }),
      },
      ...(error && { error }),
      at: new Date(Date.now() - durationMs),
    });
  };
}

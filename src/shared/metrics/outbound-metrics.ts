import type { Metrics } from './metrics';

/** What the observer reads of a Generic API exchange (src/generic-api/sender/mask-exchange.ts). */
export interface ObservedExchange {
  request: { endpoint: string };
  response?: { status: number };
  durationMs: number;
}

/**
 * An `onExchange` observer for createHttpSender / createGenericApiSender: each Generic API
 * request on the wire (every redirect hop and 401 retry) into
 * `outbound_request_duration_seconds{endpoint,status}`; `status` is "error" when no response
 * came (timeout, refused connection, response too large).
 */
export function outboundObserver(metrics: Metrics): (exchange: ObservedExchange) => void {
  const histogram = metrics.outboundDuration;
  return (exchange) => {
    histogram.observe(
      {
        endpoint: exchange.request.endpoint,
        status: exchange.response ? String(exchange.response.status) : 'error',
      },
      exchange.durationMs / 1000,
    );
  };
}

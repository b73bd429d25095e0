import { AsyncLocalStorage } from 'node:async_hooks';

/** Carries the request id through every await, so each log line of a request can name it. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

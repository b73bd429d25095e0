import type { ErrorRequestHandler } from 'express';
import { toAppError } from '../shared/http/error-handler';
import type { Logger } from '../shared/log/logger';
import { LOGIN_PATH } from './staff-auth';
import type { ShowPage } from './page';

const HEADINGS: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  413: 'Too large',
  422: 'Cannot save this',
};

/**
 * Errors of the pages as pages (the API's terminal handler answers JSON): a known error shows
 * its message; anything else is logged and shown without internals.
 */
export function webErrorHandler(show: ShowPage, logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toAppError(err);
    if (!known) {
      logger.error('unexpected error on a web page', {
        error: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
      });
    }
    const status = known?.status ?? 500;
    show(
      req,
      res,
      'error',
      {
        title: HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'Error'),
        message: known
          ? known.message
          : `Something went wrong on our side; quote request id ${String(res.locals.requestId)}.`,
        signIn: status === 401 ? LOGIN_PATH : undefined,
      },
      status,
    );
  };
}

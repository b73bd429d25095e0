import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import type { Logger } from '../log/logger';

interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
  charset?: string;
}

const isBodyParserError = (err: unknown): err is BodyParserError =>
  typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';

/** Translates the failures of express's own body parsers into our error model. */
function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new AppError(
        413,
        'payload_too_large',
        `the request body is larger than the limit of ${err.limit ?? '?'} bytes`,
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(
        415,
        'unsupported_media_type',
        `unsupported charset ${err.charset ?? ''}`,
      );
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'the client aborted the request');
    default:
      return undefined;
  }
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isBodyParserError(err)) return fromBodyParser(err);
  return undefined;
}

/** The one terminal error handler: known errors as data, anything else a logged, bare 500. */
export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toAppError(err);
    if (known) {
      res.set(known.headers);
      res.status(known.status).json({
        error: { code: known.code, message: known.message, details: known.details },
      });
      return;
    }
    logger.error('unexpected error', {
      error: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
    });
    res.status(500).json({
      error: {
        code: 'internal_error',
        message: `something went wrong on our side; quote request id ${String(res.locals.requestId)}`,
        details: [],
      },
    });
  };

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'route_not_found', `no route ${req.method} ${req.path}`));
};

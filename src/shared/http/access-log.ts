import type { RequestHandler } from 'express';
import type { Logger } from '../log/logger';

/** One line per request, written when the response is finished; the query string is left out. */
export const accessLog = (logger: Logger): RequestHandler => {
  // Decided once: with info off (benchmarks, tests), a request costs nothing here.
  if (!logger.isLevelEnabled('info')) return (_req, _res, next) => next();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
};

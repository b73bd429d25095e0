import type { Request, RequestHandler, Response } from 'express';
import type { CapturedBody } from './body-snapshot';
import type { Journal } from './journal';

/** `GET /api/v1/_journal`: reading the journal is not journaled. */
export const JOURNAL_API_PATH = '/_journal';

/** Uploads and raw emails: their size is recorded, never their bytes. */
const BULK_PATH = /\/attachments\/?$|^\/inbound-email\/?$/;

const contentLength = (value: unknown): number | undefined => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
};

function requestBodyOf(req: Request): CapturedBody {
  const bytes = contentLength(req.headers['content-length']);
  const size = bytes === undefined ? {} : { bytes };
  if (BULK_PATH.test(req.path) || req.is('multipart/*')) return size;
  return { value: req.body as unknown, ...size };
}

/**
 * The body handed to `res.json` or `res.send`, caught by wrapping both for this response
 * (`json` calls `send`, so the first call wins). Bytes are kept as bytes: counted, not shown.
 */
function catchResponseBody(res: Response): () => CapturedBody {
  let caught = false;
  let value: unknown;
  const take = (body: unknown) => {
    if (caught) return;
    caught = true;
    value = body;
  };
  const { json, send } = res;
  res.json = (body?: unknown) => {
    take(body);
    return json.call(res, body);
  };
  res.send = (body?: unknown) => {
    take(body);
    return send.call(res, body);
  };
  return () => {
    const bytes = contentLength(res.getHeader('content-length'));
    return { value, ...(bytes !== undefined && { bytes }) };
  };
}

/**
 * Records every call under the mount point (`/api/v1`) when its response is finished, whatever
 * its outcome: a 401 or a 415 is exactly what an integration engineer needs to see. Mount it
 * after the request id and before authentication.
 */
export function journalCapture(journal: Journal): RequestHandler {
  if (!journal.settings.enabled) return (_req, _res, next) => next();
  return (req, res, next) => {
    if (req.path.startsWith(JOURNAL_API_PATH)) return next();
    const at = new Date();
    const started = performance.now();
    const responseBody = catchResponseBody(res);
    res.on('finish', () => {
      journal.recordInbound({
        requestId: String(res.locals.requestId),
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
        query: req.query,
        headers: req.headers,
        status: res.statusCode,
        durationMs: performance.now() - started,
        requestBody: requestBodyOf(req),
        responseBody: responseBody(),
        at,
      });
    });
    next();
  };
}

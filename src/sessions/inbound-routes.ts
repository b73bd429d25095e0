import express, { Router } from 'express';
import { AppError } from '../shared/errors/app-error';
import type { InboundEmailService } from './inbound-email';

export const MIME_TYPES = ['message/rfc822', 'text/plain', 'application/octet-stream'];

/** `POST /inbound-email`: a raw MIME session-outcome email, applied to the built-in CRM. */
export function inboundRoutes(inbound: InboundEmailService, limitBytes: number): Router {
  const router = Router();
  const raw = express.raw({ type: MIME_TYPES, limit: limitBytes });
  router.post(
    '/inbound-email',
    (req, _res, next) => {
      if (!req.is(MIME_TYPES)) {
        next(
          new AppError(
            415,
            'unsupported_media_type',
            `send the raw email as ${MIME_TYPES.join(', ')}`,
          ),
        );
        return;
      }
      next();
    },
    raw,
    async (req, res) => {
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new AppError(422, 'validation_failed', 'the request body holds no email', [
          { field: '(body)', message: 'expected a raw MIME message' },
        ]);
      }
      const result = await inbound.ingest(body);
      res.status(result.duplicate ? 200 : 201).json(result);
    },
  );
  return router;
}

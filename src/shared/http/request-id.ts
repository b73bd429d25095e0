import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { requestContext } from '../log/request-context';

const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is sane, else makes one; echoes it on the response. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const id = incoming !== undefined && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  res.locals.requestId = id;
  requestContext.run({ requestId: id }, next);
};

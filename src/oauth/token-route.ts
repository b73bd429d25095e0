import type { IncomingHttpHeaders } from 'node:http';
import OAuth2Server from '@node-oauth/oauth2-server';
import express, { type RequestHandler, type Response, Router } from 'express';
import { errorMessage } from '../shared/errors/system-error';
import type { Logger } from '../shared/log/logger';
import { isRecord } from '../shared/is-record';

const LIMIT = '16kb';
const parseForm = express.urlencoded({ extended: false, limit: LIMIT, parameterLimit: 50 });
const parseJson = express.json({ limit: LIMIT });

/** RFC 6749 §5.2: every failure here is `{ error, error_description }`, never our usual shape. */
function sendOAuthError(res: Response, status: number, error: string, description: string): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
    .json({ error, error_description: description });
}

/**
 * A form (RFC 6749 §4) or, as some clients send, a JSON object. The library only reads forms,
 * so both become one flat record of strings; a repeated parameter is refused (§3.2).
 */
const tokenBody: RequestHandler = (req, res, next) => {
  const json = typeof req.is('application/json') === 'string';
  if (!json && typeof req.is('application/x-www-form-urlencoded') !== 'string') {
    sendOAuthError(res, 400, 'invalid_request', 'send the parameters as a form (or JSON)');
    return;
  }
  (json ? parseJson : parseForm)(req, res, (err?: unknown) => {
    if (err) {
      sendOAuthError(res, 400, 'invalid_request', `the body cannot be read: ${errorMessage(err)}`);
      return;
    }
    const body: unknown = req.body;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(isRecord(body) ? body : {})) {
      if (typeof value !== 'string') {
        sendOAuthError(res, 400, 'invalid_request', `${name} must be given once, as a string`);
        return;
      }
      params[name] = value;
    }
    req.body = params;
    next();
  });
};

function stringHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** `POST /oauth/token`: the three grants, client authentication by Basic or form fields. */
export function tokenRoute(server: OAuth2Server, logger: Logger): Router {
  const router = Router();
  router.post('/oauth/token', tokenBody, async (req, res) => {
    const request = new OAuth2Server.Request({
      method: 'POST',
      query: {},
      // The body is already a flat form, whatever it arrived as.
      headers: {
        ...stringHeaders(req.headers),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: req.body as Record<string, string>,
    });
    const response = new OAuth2Server.Response({});
    try {
      await server.token(request, response);
    } catch (err) {
      sendFailure(res, err, response, logger);
      return;
    }
    res.status(200).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(response.body);
  });
  return router;
}

function sendFailure(
  res: Response,
  err: unknown,
  response: OAuth2Server.Response,
  logger: Logger,
): void {
  if (!(err instanceof OAuth2Server.OAuthError) || err instanceof OAuth2Server.ServerError) {
    // The model failed (the store, most likely): the details are ours, not the client's.
    logger.error('oauth token endpoint failed', { error: errorMessage(err) });
    sendOAuthError(res, 503, 'server_error', 'the token could not be issued; try again later');
    return;
  }
  // The library sets a challenge (realm "Service") when Basic client authentication failed.
  if (response.get('www-authenticate') !== undefined) {
    res.set('WWW-Authenticate', 'Basic realm="crm-bridge"');
  }
  sendOAuthError(res, err.code, err.name, err.message);
}

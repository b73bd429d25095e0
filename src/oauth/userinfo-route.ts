import { type Response, Router } from 'express';
import type { AccessTokenLookup } from './bearer';

const bearerToken = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

/** RFC 6750 §3: no error code when no token was sent at all, invalid_token otherwise. */
function refuse(res: Response, tokenSent: boolean): void {
  const challenge = tokenSent
    ? 'Bearer realm="crm-bridge", error="invalid_token"'
    : 'Bearer realm="crm-bridge"';
  res
    .status(401)
    .set({ 'WWW-Authenticate': challenge, 'Cache-Control': 'no-store' })
    .json(
      tokenSent
        ? { error: 'invalid_token', error_description: 'the access token is not valid' }
        : { error: 'invalid_request', error_description: 'send an access token as Bearer' },
    );
}

/**
 * `GET /oauth/userinfo`: who a token acts for, in OpenID Connect's claim names so that generic
 * OAuth clients (our own SSO among them) find `sub` and `preferred_username`.
 */
export function userinfoRoute(lookup: AccessTokenLookup): Router {
  const router = Router();
  router.get('/oauth/userinfo', async (req, res) => {
    const token = bearerToken(req.get('authorization'));
    const grant = token === undefined ? null : await lookup(token);
    if (!grant) return refuse(res, token !== undefined);
    const { subject, client } = grant;
    const claims =
      subject.kind === 'staff'
        ? { sub: subject.username, name: subject.username, preferred_username: subject.username }
        : { sub: client.id, name: client.name, client_id: client.id };
    res.set('Cache-Control', 'no-store').json(claims);
  });
  return router;
}

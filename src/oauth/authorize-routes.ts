import express, { type Request, type Response, Router } from 'express';
import { csrfToken, requireStaff, type StaffUser, verifyCsrf } from '../web/staff-auth';
import {
  type AuthorizationRequest,
  type AuthorizationTarget,
  authorizationRequest,
  authorizationTarget,
  redirectWith,
} from './authorization-request';
import type { GrantStore } from './grant-store';
import type { ClientRegistry } from './oauth-clients';
import { type OAuthViews, sendPage } from './oauth-views';
import { newSecret } from './secrets';

/** Long enough for a platform round trip, short enough that a leaked code is soon worthless. */
export const CODE_LIFETIME_SECONDS = 60;

export interface AuthorizeRoutesOptions {
  clients: ClientRegistry;
  grants: GrantStore;
  views: OAuthViews;
  now: () => number;
}

/** What the consent page says about scopes crm-bridge knows; others are shown by name only. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'confirm who you are',
  profile: 'see your user name',
  offline_access: 'keep access while you are away',
};

/** Where a form may post and a redirect may go: the origin, or the scheme of an app's URI. */
function formTarget(uri: string): string {
  const url = new URL(uri);
  return url.origin === 'null' ? url.protocol : url.origin;
}

function sendError(res: Response, views: OAuthViews, message: string): void {
  sendPage(
    res,
    400,
    views.error({
      title: 'This authorization request cannot be used',
      message,
      hint: 'Nothing was sent to the application. Ask its administrator to check the client id and the redirect URI registered in crm-bridge.',
      linkHref: '/',
      linkText: 'Go to crm-bridge',
    }),
  );
}

/** The request as hidden fields: the consent form posts exactly what was shown. */
function requestFields(req: AuthorizationRequest): { name: string; value: string }[] {
  const fields: [string, string | undefined][] = [
    ['client_id', req.client.id],
    ['redirect_uri', req.redirectUriGiven ? req.redirectUri : undefined],
    ['response_type', 'code'],
    ['scope', req.scope.length > 0 ? req.scope.join(' ') : undefined],
    ['state', req.state],
    ['code_challenge', req.codeChallenge],
    ['code_challenge_method', req.codeChallenge === undefined ? undefined : 'S256'],
  ];
  return fields.flatMap(([name, value]) => (value === undefined ? [] : [{ name, value }]));
}

/**
 * `GET /oauth/authorize` shows the consent page, `POST /oauth/authorize` takes the decision.
 * Both check the client and its redirect URI first; only then may anything be redirected.
 *
 * Codes are issued here rather than by the library's authorize handler: that one records the
 * client's default redirect URI even when the request named none, and the token request would
 * then have to name it (RFC 6749 §4.1.3 requires that only when the request did), and it
 * redirects its own errors before we could decide whether redirecting is safe.
 */
export function authorizeRoutes(options: AuthorizeRoutesOptions): Router {
  const { clients, grants, views, now } = options;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 });

  /** The full request, or undefined once its error went back to the client. */
  const parse = (
    res: Response,
    params: Record<string, unknown>,
    target: AuthorizationTarget,
    status: 302 | 303,
  ): AuthorizationRequest | undefined => {
    const parsed = authorizationRequest(params, target);
    if (parsed.ok) return parsed.request;
    const { error, description, state } = parsed;
    const query = { error, error_description: description, state };
    res.redirect(status, redirectWith(target.redirectUri, query));
    return undefined;
  };

  const showConsent = (req: Request, res: Response, target: AuthorizationTarget): void => {
    const request = parse(res, req.query, target, 302);
    if (!request) return;
    const html = views.consent({
      clientName: request.client.name,
      clientId: request.client.id,
      staff: signedIn(req),
      scopes: request.scope.map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] ?? '' })),
      redirectOrigin: formTarget(request.redirectUri),
      csrf: csrfToken(req),
      fields: requestFields(request),
    });
    sendPage(res, 200, html, formTarget(request.redirectUri));
  };

  router.get('/oauth/authorize', (req, res, next) => {
    // Before the login redirect: a bad client or redirect URI never even reaches the login page.
    const target = authorizationTarget(req.query, clients);
    if (!target.ok) return sendError(res, views, target.message);
    requireStaff(req, res, (err?: unknown) => (err ? next(err) : showConsent(req, res, target)));
  });

  router.post('/oauth/authorize', form, requireStaff, verifyCsrf, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const target = authorizationTarget(body, clients);
    if (!target.ok) return sendError(res, views, target.message);
    const request = parse(res, body, target, 303);
    if (!request) return;
    if (body.decision !== 'approve') {
      const query = { error: 'access_denied', error_description: 'access was denied' };
      res.redirect(303, redirectWith(request.redirectUri, { ...query, state: request.state }));
      return;
    }
    const code = newSecret();
    await grants.saveCode({
      code,
      clientId: request.client.id,
      subject: { kind: 'staff', username: signedIn(req).username },
      scope: request.scope,
      expiresAt: new Date(now() + CODE_LIFETIME_SECONDS * 1000),
      // Stored only when named: the token request must then repeat it exactly.
      ...(request.redirectUriGiven && { redirectUri: request.redirectUri }),
      ...(request.codeChallenge !== undefined && {
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: 'S256',
      }),
    });
    res.redirect(303, redirectWith(request.redirectUri, { code, state: request.state }));
  });
  return router;
}

/** Only called behind requireStaff. */
function signedIn(req: Request): StaffUser {
  const staff = req.session.staff;
  if (!staff) throw new Error('oauth: no staff session behind requireStaff');
  return staff;
}

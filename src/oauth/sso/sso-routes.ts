import { type Request, type Response, Router, type NextFunction } from 'express';
import passport from 'passport';
import { errorMessage } from '../../shared/errors/system-error';
import type { Logger } from '../../shared/log/logger';
import { LOGIN_PATH, type StaffUser } from '../../web/staff-auth';
import { type OAuthViews, sendPage } from '../oauth-views';
import { sameSitePath } from '../../web/safe-redirect';
import { NO_USER_MESSAGE, type SsoConfig, ssoStrategy } from './sso-strategy';

export const SSO_START_PATH = '/login/sso';
export const SSO_CALLBACK_PATH = '/login/sso/callback';
const DEFAULT_DESTINATION = '/';

export interface SsoRoutesOptions {
  sso: SsoConfig;
  publicUrl?: string;
  views: OAuthViews;
  logger: Logger;
}

/** An absolute callback makes the redirect_uri independent of the Host header a request brings. */
export function ssoCallbackUrl(sso: SsoConfig, publicUrl: string | undefined): string {
  if (sso.callbackUrl !== undefined) return sso.callbackUrl;
  if (publicUrl !== undefined) return `${publicUrl.replace(/\/+$/, '')}${SSO_CALLBACK_PATH}`;
  // passport-oauth2 resolves a relative one against the request's own origin.
  return SSO_CALLBACK_PATH;
}

const isStaffUser = (user: unknown): user is StaffUser =>
  typeof user === 'object' &&
  user !== null &&
  typeof (user as Record<string, unknown>).username === 'string' &&
  (user as Record<string, unknown>).via === 'sso';

/**
 * `GET /login/sso` sends staff to the configured provider; `GET /login/sso/callback` takes the
 * code back, exchanges it, reads the provider's userinfo and signs the person in. Passport only
 * runs the protocol (`session: false`): the staff session is written here, as local sign-in does.
 */
export function ssoRoutes(options: SsoRoutesOptions): Router {
  const { views, logger } = options;
  const strategy = ssoStrategy(options.sso, ssoCallbackUrl(options.sso, options.publicUrl));
  const authenticator = new passport.Passport();
  const router = Router();

  const failed = (res: Response, status: number, message: string): void =>
    sendPage(
      res,
      status,
      views.error({
        title: 'Sign-in with SSO failed',
        message,
        hint: 'You are not signed in. Try again, or sign in with a local account.',
        linkHref: LOGIN_PATH,
        linkText: 'Back to sign-in',
      }),
    );

  router.get(SSO_START_PATH, (req, res, next) => {
    const destination = sameSitePath(req.query.next);
    if (destination !== undefined) req.session.returnTo = destination;
    authenticator.authenticate(strategy, { session: false })(req, res, next);
  });

  const signIn = (req: Request, res: Response, next: NextFunction, user: StaffUser): void => {
    const destination = sameSitePath(req.session.returnTo) ?? DEFAULT_DESTINATION;
    // A new session id at sign-in: an id planted before (session fixation) is worth nothing.
    req.session.regenerate((error: unknown) => {
      if (error) return next(error);
      req.session.staff = { username: user.username, via: 'sso' };
      req.session.save((saveError: unknown) => {
        if (saveError) return next(saveError);
        res.redirect(303, destination);
      });
    });
  };

  router.get(SSO_CALLBACK_PATH, (req, res, next) => {
    const done = (error: unknown, user: unknown, info: unknown): void => {
      if (error) {
        logger.warn('SSO sign-in failed', { error: errorMessage(error) });
        return failed(res, 502, 'The identity provider could not complete the sign-in.');
      }
      if (!isStaffUser(user)) {
        logger.info('SSO sign-in refused', { reason: failureReason(info) });
        return failed(res, 401, `The sign-in was not completed: ${failureReason(info)}.`);
      }
      signIn(req, res, next, user);
    };
    authenticator.authenticate(strategy, { session: false }, done)(req, res, next);
  });
  return router;
}

/**
 * A fixed text for each of passport-oauth2's failures: the provider's own error_description is
 * not echoed, since anyone can put text into a link to the callback.
 */
function failureReason(info: unknown): string {
  const message =
    typeof info === 'object' && info !== null ? (info as Record<string, unknown>).message : info;
  if (message === NO_USER_MESSAGE) return NO_USER_MESSAGE;
  if (typeof message === 'string' && /authorization request state/i.test(message)) {
    return 'the sign-in expired or was started in another browser';
  }
  return 'access was denied at the identity provider';
}

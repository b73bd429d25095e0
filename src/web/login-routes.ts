import express, { type Request, type RequestHandler, Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ShowPage } from './page';
import { HOME_PATH, sameSitePath } from './safe-redirect';
import { LOGIN_PATH, verifyCsrf } from './staff-auth';
import type { StaffDirectory } from './staff-users';
import { SESSION_COOKIE } from './web-session';

export const LOGOUT_PATH = '/logout';
export const SSO_PATH = '/login/sso';

export interface LoginRouteOptions {
  users: StaffDirectory;
  show: ShowPage;
  /** Offer "Sign in with SSO" (web.sso is configured; the SSO routes live elsewhere). */
  sso: boolean;
  /** Sign-in attempts per IP and user name in `windowMinutes` (failed ones count). */
  attempts?: number;
  windowMinutes?: number;
}

const forms = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

const field = (req: Request, name: string): string => {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
};

/** `/login` (form and post) and `/logout`: local staff users, CSRF on both, brute force limited. */
export function loginRoutes(options: LoginRouteOptions): Router {
  const { show, users } = options;
  const windowMinutes = options.windowMinutes ?? 15;
  const router = Router();

  const loginPage = (req: Request, next: string | undefined, error?: string) => ({
    title: 'Sign in',
    next: next ?? '',
    username: field(req, 'username'),
    error,
    sso: options.sso,
    ssoHref: next === undefined ? SSO_PATH : `${SSO_PATH}?next=${encodeURIComponent(next)}`,
  });

  // Keyed by address and name: guessing one user's password is slowed without locking others out.
  const perUser = rateLimit({
    windowMs: windowMinutes * 60_000,
    limit: options.attempts ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) =>
      `${ipKeyGenerator(req.ip ?? '')}|${field(req, 'username').trim().toLowerCase()}`,
    handler: (req, res) =>
      show(
        req,
        res,
        'login',
        loginPage(
          req,
          sameSitePath(field(req, 'next')),
          `Too many sign-in attempts. Try again in ${windowMinutes} minutes.`,
        ),
        429,
      ),
  });

  router.get(LOGIN_PATH, (req, res) => {
    const next = sameSitePath(req.query.next) ?? sameSitePath(req.session.returnTo);
    if (req.session.staff) {
      res.redirect(303, next ?? HOME_PATH);
      return;
    }
    show(req, res, 'login', loginPage(req, next));
  });

  const signIn: RequestHandler = async (req, res, next) => {
    const destination = sameSitePath(field(req, 'next')) ?? sameSitePath(req.session.returnTo);
    const user = await users.verify(field(req, 'username'), field(req, 'password'));
    if (!user) {
      show(req, res, 'login', loginPage(req, destination, 'Wrong user name or password.'), 401);
      return;
    }
    // A new session id at sign-in: an id planted before (session fixation) is worth nothing.
    req.session.regenerate((error: unknown) => {
      if (error) return next(error);
      req.session.staff = user;
      req.session.save((saveError: unknown) => {
        if (saveError) return next(saveError);
        res.redirect(303, destination ?? HOME_PATH);
      });
    });
  };
  router.post(LOGIN_PATH, forms, perUser, verifyCsrf, signIn);

  router.post(LOGOUT_PATH, forms, verifyCsrf, (req, res, next) => {
    req.session.destroy((error: unknown) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, LOGIN_PATH);
    });
  });
  return router;
}

import 'express-session';
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../shared/errors/app-error';
import { secretMatcher } from '../shared/security/constant-time';

/** A signed-in member of the support team. */
export interface StaffUser {
  username: string;
  via: 'local' | 'sso';
}

declare module 'express-session' {
  interface SessionData {
    staff?: StaffUser;
    /** The synchronizer token every form posts back. */
    csrf?: string;
    /** Where to go after signing in. */
    returnTo?: string;
  }
}

export const LOGIN_PATH = '/login';

/** Pages: a visitor without a staff session is sent to sign in, and brought back afterwards. */
export const requireStaff: RequestHandler = (req, res, next) => {
  if (req.session?.staff) return next();
  if (req.method === 'GET') {
    req.session.returnTo = req.originalUrl;
    res.redirect(303, `${LOGIN_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(new AppError(401, 'unauthorized', 'sign in first'));
};

/** The session's CSRF token (made on first use), for a hidden `_csrf` field in every form. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= randomBytes(24).toString('base64url');
  return req.session.csrf;
}

/** Every state-changing form must post back the session's token (`_csrf` field or X-CSRF-Token). */
export const verifyCsrf: RequestHandler = (req, _res, next) => {
  const expected = req.session?.csrf;
  const body = req.body as Record<string, unknown> | undefined;
  const given = typeof body?._csrf === 'string' ? body._csrf : req.get('x-csrf-token');
  if (expected !== undefined && given !== undefined && secretMatcher(expected)(given))
    return next();
  next(
    new AppError(
      403,
      'csrf_failed',
      'the form has expired or did not come from this site; reload and try again',
    ),
  );
};

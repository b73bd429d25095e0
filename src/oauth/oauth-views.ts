import type { Response } from 'express';
import type { StaffUser } from '../web/staff-auth';
import { createViewEngine } from '../web/view-engine';

export interface ConsentView {
  staff: StaffUser;
  clientName: string;
  clientId: string;
  scopes: { name: string; description: string }[];
  redirectOrigin: string;
  csrf: string;
  /** The authorization request, posted back with the decision. */
  fields: { name: string; value: string }[];
}

export interface ErrorView {
  title: string;
  message: string;
  hint: string;
  linkHref: string;
  linkText: string;
}

export interface OAuthViews {
  consent(view: ConsentView): string;
  error(view: ErrorView): string;
}

/**
 * `templates/pages/oauth-*.hbs` in the web pages' layout. The view engine escapes every value:
 * these pages show what a client chose (its name is ours, but scopes and state are not).
 */
export function oauthViews(templatesDir: string): OAuthViews {
  const engine = createViewEngine(templatesDir);
  return {
    consent: (view) =>
      engine.render('oauth-consent', {
        ...view,
        title: `Allow ${view.clientName} to use crm-bridge?`,
        username: view.staff.username,
      }),
    error: (view) => engine.render('oauth-error', { ...view }),
  };
}

/**
 * Headers for every page here: never cached (they carry a CSRF token or a one-off error), never
 * framed, not even by the platform (a framed consent page invites clickjacking), and forms go
 * only to us and then on to `formTarget`: browsers apply form-action to the redirect that
 * follows a POST as well. Set last, so they replace the pages' general CSP.
 */
export function sendPage(res: Response, status: number, html: string, formTarget?: string): void {
  const formAction = ["'self'", ...(formTarget === undefined ? [] : [formTarget])].join(' ');
  const csp = [
    "default-src 'self'",
    "script-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': csp,
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(html);
}

import type { Request, Response } from 'express';
import { csrfToken } from './staff-auth';
import type { ViewEngine } from './view-engine';

export interface PageContext {
  /** The page's `<title>` and `<h1>`. */
  title: string;
  [key: string]: unknown;
}

export type ShowPage = (
  req: Request,
  res: Response,
  page: string,
  context: PageContext,
  status?: number,
) => void;

const NAV = [
  { href: '/lookup', label: 'Lookup' },
  { href: '/agent', label: 'Agent' },
  { href: '/outbox', label: 'Outbox' },
  { href: '/admin', label: 'Admin' },
  { href: '/admin/journal', label: 'Journal' },
];

const within = (path: string, href: string): boolean =>
  path === href || path.startsWith(`${href}/`);

/** The nav with the one entry the page is under marked current: the longest match (Journal, not Admin, on /admin/journal). */
const navFor = (path: string) => {
  const current = NAV.filter((item) => within(path, item.href)).reduce<string | undefined>(
    (best, item) => (best === undefined || item.href.length > best.length ? item.href : best),
    undefined,
  );
  return NAV.map((item) => ({ ...item, current: item.href === current ? 'page' : 'false' }));
};

/**
 * Renders a page with what every layout needs: the signed-in user and the CSRF token of the
 * sign-out form. Pages hold personal data, so no cache may keep them.
 */
export function pageRenderer(views: ViewEngine): ShowPage {
  return (req, res, page, context, status = 200) => {
    const staff = req.session?.staff;
    const html = views.render(page, {
      ...context,
      staff,
      // The full path: a router mounted at /admin/journal sees only the rest in req.path.
      nav: navFor(req.baseUrl + req.path),
      csrf: req.session ? csrfToken(req) : '',
    });
    res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
  };
}

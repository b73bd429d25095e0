import supertest from 'supertest';
import type { TestApp } from '../support/test-app';

/** The password testConfig gives the shipped `admin` web user. */
export const ADMIN = { username: 'admin', password: 'test-admin-password' };

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const token = /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(html)?.[1];
  if (token === undefined) throw new Error(`no CSRF field in:\n${html.slice(0, 2000)}`);
  return token;
}

/** A browser of its own: a cookie jar that nobody else's requests share. */
export const newBrowser = (t: TestApp): supertest.Agent => supertest.agent(t.app.express);

/** Signs `browser` in as the admin through the login form; returns the browser. */
export async function signIn(
  t: TestApp,
  browser: supertest.Agent = newBrowser(t),
  credentials = ADMIN,
): Promise<supertest.Agent> {
  const form = await browser.get('/login');
  const res = await browser
    .post('/login')
    .type('form')
    .send({ ...credentials, _csrf: csrfOf(form.text) });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text}`);
  return browser;
}

/** Creates an account through the CRM API, as the platform would. */
export async function apiAccount(t: TestApp, body: object): Promise<{ id: string }> {
  const res = await t.api.post('/api/v1/accounts').send(body);
  if (res.status !== 201) throw new Error(`account: ${res.status} ${res.text}`);
  return res.body.data as { id: string };
}

export async function apiRecord(t: TestApp, body: object): Promise<{ id: string }> {
  const res = await t.api.post('/api/v1/records').send(body);
  if (res.status !== 201) throw new Error(`record: ${res.status} ${res.text}`);
  return res.body.data as { id: string };
}

/** The text of an HTML page without tags, whitespace collapsed: what a reader sees. */
export const visibleText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

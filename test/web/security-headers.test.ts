import type { AppConfig } from '../../src/shared/config/app-config';
import { startTestApp, type TestApp } from '../support/test-app';
import { newBrowser, signIn } from './web-helpers';

const PORTAL = 'https://tenant.loc.ccaiplatform.com';

const webConfig =
  (web: Partial<AppConfig['server']['web']>, publicUrl?: string) =>
  (c: AppConfig): AppConfig => ({
    ...c,
    server: {
      ...c.server,
      ...(publicUrl !== undefined && { publicUrl }),
      web: { ...c.server.web, ...web },
    },
  });

const directives = (csp: string | undefined): Map<string, string> =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );

describe('Security headers, default config', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('When a page is served, then a strict CSP allows only our own origin and no inline code', async () => {
    const res = await newBrowser(t).get('/login');
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'self'");
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('When a page is served, then it has no inline script or style for the CSP to block', async () => {
    const browser = await signIn(t);
    for (const path of ['/login', '/lookup', '/lookup?ani=%2B15550009999', '/outbox', '/admin']) {
      const html = (await browser.get(path)).text;
      expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  test('When the stylesheet is asked for, then it is served from /static', async () => {
    const res = await newBrowser(t).get('/static/crm-bridge.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.text).toContain('.skip-link');
  });

  test('When the JSON API answers, then it has neither the pages’ CSP nor a session cookie', async () => {
    const res = await t.api.get('/api/v1/accounts');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    const missing = await t.api.get('/api/v1/nothing-here');
    expect(missing.headers['content-type']).toMatch(/json/);
    expect(missing.headers['content-security-policy']).toBeUndefined();
  });
});

describe('Security headers, framed by the CCAI Platform portal over https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      webConfig({ frameAncestors: [PORTAL] }, 'https://crm-bridge.example.com'),
    );
  });
  afterAll(() => t.close());

  test('When web.frameAncestors names the portal, then frame-ancestors allows it and X-Frame-Options is gone', async () => {
    const res = await newBrowser(t).get('/login');
    expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toBe(
      `'self' ${PORTAL}`,
    );
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  test('When the pages may be framed cross-site over https, then the cookie is Secure and SameSite=None', async () => {
    const res = await newBrowser(t).get('/login').set('X-Forwarded-Proto', 'https');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/SameSite=None/);
    expect(cookie).toMatch(/HttpOnly/);
  });
});

describe('Secure cookie without framing', () => {
  test('When web.secureCookies is on, then the cookie is Secure and stays SameSite=Lax', async () => {
    const t = await startTestApp(webConfig({ secureCookies: true }));
    try {
      const res = await newBrowser(t).get('/login').set('X-Forwarded-Proto', 'https');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/SameSite=Lax/);
    } finally {
      await t.close();
    }
  });
});

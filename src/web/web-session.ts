import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { ServerConfig } from '../shared/config/server-schema';
import type { Logger } from '../shared/log/logger';
import type { Store } from '../shared/store/store-port';
import { SESSIONS_COLLECTION, StoreSessionStore } from './store-session-store';

export const SESSION_COOKIE = 'crm_bridge_sid';

export interface CookiePolicy {
  secure: boolean;
  sameSite: 'lax' | 'none';
}

/**
 * Secure when the public URL is https (or `web.secureCookies` says so). SameSite is lax, except
 * when the pages may be framed by another site (the CCAI Platform portal): a lax cookie is not
 * sent inside a cross-site iframe, so staff could never stay signed in there. Such a cookie
 * must then be Secure, and every form still carries its CSRF token.
 */
export function cookiePolicy(server: ServerConfig): CookiePolicy {
  const secure = server.web.secureCookies ?? server.publicUrl?.startsWith('https:') ?? false;
  const framed = server.web.frameAncestors.length > 0;
  return { secure, sameSite: secure && framed ? 'none' : 'lax' };
}

/** The staff session: express-session on our store, one signed, httpOnly cookie. */
export function staffSession(server: ServerConfig, store: Store, logger: Logger): RequestHandler {
  const policy = cookiePolicy(server);
  const maxAge = Math.round(server.web.sessionHours * 3600_000);
  let secret = server.web.sessionSecret;
  if (secret === undefined) {
    logger.warn('web.sessionSecret is not set: staff sessions end when the process restarts');
    secret = randomBytes(32).toString('base64url');
  }
  return session({
    name: SESSION_COOKIE,
    secret,
    store: new StoreSessionStore(store.collection(SESSIONS_COLLECTION), {
      defaultTtlMs: maxAge,
      onSweepError: (error) =>
        logger.warn('sweeping expired web sessions failed', { error: String(error) }),
    }),
    resave: false,
    // No cookie and no stored session until there is something to keep (a CSRF token, a login).
    saveUninitialized: false,
    // Behind a TLS-terminating proxy the Secure cookie is still set (X-Forwarded-Proto).
    ...(policy.secure && { proxy: true }),
    cookie: { httpOnly: true, sameSite: policy.sameSite, secure: policy.secure, maxAge, path: '/' },
  });
}

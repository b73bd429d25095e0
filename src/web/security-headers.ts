import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** Origins besides our own that may frame the pages (`web.frameAncestors`). */
  frameAncestors: readonly string[];
  /** Served over https: then HSTS, and insecure subresources are upgraded. */
  https: boolean;
}

/**
 * helmet with a strict CSP: everything from our own origin, no inline script or style at all.
 * Framing follows `frame-ancestors`; X-Frame-Options can only say SAMEORIGIN or DENY, so it is
 * dropped when other origins may frame us rather than contradict the CSP in older browsers.
 * No `form-action`: browsers apply it to the redirects after a form post, which would break an
 * OAuth consent form that redirects to the client.
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler {
  const framed = options.frameAncestors.length > 0;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        frameAncestors: ["'self'", ...options.frameAncestors],
        ...(options.https && { upgradeInsecureRequests: [] }),
      },
    },
    frameguard: framed ? false : { action: 'sameorigin' },
    strictTransportSecurity: options.https,
    // Lookup URLs carry phone numbers and emails: never hand them to another site as a referrer.
    referrerPolicy: { policy: 'same-origin' },
  });
}

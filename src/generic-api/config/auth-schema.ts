import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

const oauth2Schema = z
  .strictObject({
    method: z.literal('oauth2'),
    authorizationUrl: z.url(),
    tokenUrl: z.url(),
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    scope: z.string().optional(),
    state: z.string().optional(),
    accessType: z.string().optional(),
    /** The platform's "Include the Redirect URL as part of the Authorization URL and Token URL". */
    redirectInAuthUrl: z.boolean().default(false),
    redirectUri: z.url().optional(),
    /** client_credentials when no refresh token has been linked with `crm-bridge oauth link`. */
    grant: z.enum(['authorization_code', 'client_credentials']).default('authorization_code'),
    /**
     * How the client authenticates at the token URL: HTTP Basic (RFC 6749 §2.3.1, which every
     * server must accept) or `client_id`/`client_secret` form fields, which some CRMs insist on.
     */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
  })
  .refine((auth) => !auth.redirectInAuthUrl || auth.redirectUri !== undefined, {
    path: ['redirectUri'],
    message: 'required when redirectInAuthUrl is true',
  });

/** How crm-bridge authenticates to a downstream CRM: the platform's three methods, or none. */
export const outboundAuthSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('none') }),
  z.strictObject({ method: z.literal('basic'), username: nonEmpty, password: z.string() }),
  z.strictObject({
    method: z.literal('header'),
    /** Any number of header key/value pairs, e.g. `X-Api-Key: ${CRM_KEY}`. */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), nonEmpty)
      .refine((h) => Object.keys(h).length > 0, 'configure at least one header'),
  }),
  oauth2Schema,
]);

export type OutboundAuth = z.infer<typeof outboundAuthSchema>;
export type OAuth2Auth = Extract<OutboundAuth, { method: 'oauth2' }>;

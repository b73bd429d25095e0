import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

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
  z.strictObject({
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
  }),
]);

export type OutboundAuth = z.infer<typeof outboundAuthSchema>;

import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

const oauth2Schema = z
  .strictObject({
    method: z.literal('oauth2'),
    authorizationUrl: z.url().describe("The CRM's authorization endpoint"),
    tokenUrl: z.url().describe("The CRM's token endpoint"),
    clientId: nonEmpty.describe("crm-bridge's client id at the CRM"),
    clientSecret: nonEmpty.describe("crm-bridge's client secret at the CRM"),
    scope: z.string().optional().describe('Scopes requested'),
    state: z.string().optional().describe('state sent with the authorization request'),
    accessType: z.string().optional().describe('access_type, e.g. offline for a refresh token'),
    redirectInAuthUrl: z
      .boolean()
      .default(false)
      .describe('Include the Redirect URL in the Authorization URL and Token URL'),
    redirectUri: z.url().optional().describe('The Redirect URL'),
    grant: z
      .enum(['authorization_code', 'client_credentials'])
      .default('authorization_code')
      .describe('authorization_code: link with `crm-bridge oauth link`; client_credentials: none'),
    // Basic is RFC 6749 §2.3.1's, which every server must accept; some CRMs insist on the body.
    clientAuth: z
      .enum(['basic', 'body'])
      .default('basic')
      .describe('How the client authenticates at the token URL: HTTP Basic or form fields'),
  })
  .refine((auth) => !auth.redirectInAuthUrl || auth.redirectUri !== undefined, {
    path: ['redirectUri'],
    message: 'required when redirectInAuthUrl is true',
  });

/** How crm-bridge authenticates to a downstream CRM: the platform's three methods, or none. */
export const outboundAuthSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('none') }),
  z.strictObject({
    method: z.literal('basic'),
    username: nonEmpty.describe('HTTP Basic user name'),
    password: z.string().describe('HTTP Basic password'),
  }),
  z.strictObject({
    method: z.literal('header'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), nonEmpty)
      .refine((h) => Object.keys(h).length > 0, 'configure at least one header')
      .describe('Header name → value sent with every request, e.g. X-Api-Key: ${CRM_KEY}'),
  }),
  oauth2Schema,
]);

export type OutboundAuth = z.infer<typeof outboundAuthSchema>;
export type OAuth2Auth = Extract<OutboundAuth, { method: 'oauth2' }>;

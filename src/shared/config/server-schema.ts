import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

const basicCredential = z.strictObject({ username: nonEmpty, password: nonEmpty });
const headerCredential = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'),
  value: nonEmpty,
});
export const OAUTH_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

const oauthClient = z.strictObject({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  /** Shown on the consent page; default: the client id. */
  name: z.string().optional(),
  /** Compared as exact strings (RFC 6749 §3.1.2); a fragment is not allowed there. */
  redirectUris: z
    .array(z.url().refine((uri) => !uri.includes('#'), 'must not contain a fragment (#)'))
    .default([]),
  /** What the client may do at the token endpoint; default: all three. */
  grants: z
    .array(z.enum(OAUTH_GRANTS))
    .min(1)
    .default([...OAUTH_GRANTS]),
});

const queueEmail = z.strictObject({
  enabled: z.boolean().default(false),
  to: z.string().default(''),
});

export const serverSchema = z.strictObject({
  /** Base URL the API builds absolute links with (attachment URLs); default: from the request. */
  publicUrl: z.url().optional(),
  api: z.strictObject({
    auth: z
      .strictObject({
        basic: z.array(basicCredential).default([]),
        headers: z.array(headerCredential).default([]),
        oauth2: z
          .strictObject({
            accessTokenTtlSeconds: z.number().int().min(60).max(86400).default(3600),
            /** Each refresh rotates the token and starts its lifetime again. Default 30 days. */
            refreshTokenTtlSeconds: z
              .number()
              .int()
              .min(3600)
              .max(366 * 86400)
              .default(30 * 86400),
            clients: z
              .array(oauthClient)
              .default([])
              .refine(
                (clients) => new Set(clients.map((c) => c.clientId)).size === clients.length,
                'client ids must be unique',
              ),
          })
          .optional(),
      })
      .refine((a) => a.basic.length + a.headers.length + (a.oauth2?.clients.length ?? 0) > 0, {
        message: 'configure at least one of basic, headers or oauth2.clients',
      }),
    /** Largest accepted upload (and JSON body carrying one), in megabytes. */
    uploadLimitMb: z.number().positive().max(1024).default(25),
    /** Largest page a list endpoint returns. */
    maxPageSize: z.number().int().min(1).max(1000).default(200),
  }),
  web: z
    .strictObject({
      users: z.array(z.strictObject({ username: nonEmpty, password: nonEmpty })).default([]),
      sso: z
        .strictObject({
          authorizationUrl: z.url(),
          tokenUrl: z.url(),
          userInfoUrl: z.url(),
          clientId: nonEmpty,
          clientSecret: nonEmpty,
          scope: z.string().default(''),
          /** Where the provider sends staff back; default: `<publicUrl>/login/sso/callback`. */
          callbackUrl: z.url().optional(),
        })
        .optional(),
      /** Signs the staff session cookie (SESSION_SECRET); unset: a per-process one, lost at restart. */
      sessionSecret: nonEmpty.optional(),
      /** How long a staff sign-in lasts. */
      sessionHours: z.number().positive().max(720).default(8),
      /** The session cookie's Secure flag; default: on when publicUrl is https. */
      secureCookies: z.boolean().optional(),
      /** Origins that may frame the pages (CSP frame-ancestors), e.g. the CCAI Platform portal. */
      frameAncestors: z
        .array(
          z
            .string()
            .regex(
              /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/,
              'must be an origin like https://tenant.example.com (no path)',
            ),
        )
        .default([]),
      /**
       * The platform's Call/Chat Adapter that `/agent` embeds, without `type` and `from`:
       * `https://tenant.loc.ccaiplatform.com/agent/`. Its origin is the only one `/agent` listens to.
       */
      agentAdapter: z.strictObject({ url: z.url({ protocol: /^https?$/ }) }).optional(),
    })
    .prefault({}),
  outcomeEmail: z
    .strictObject({
      enabled: z.boolean().default(false),
      to: z.string().default(''),
      from: z.string().default('no-reply@crm-bridge.local'),
      delayMinutes: z.number().min(0).max(1440).default(15),
      queues: z.record(z.string(), queueEmail).default({}),
      /** A send that fails (SMTP down) is retried with exponential backoff, then kept as failed. */
      retry: z
        .strictObject({
          attempts: z.number().int().min(1).max(50).default(12),
          backoffSeconds: z.number().min(0.05).max(3600).default(30),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Session-outcome emails taken in by the SMTP listener (INBOUND_SMTP_PORT). */
  inboundEmail: z
    .strictObject({
      /** Addresses (`no-reply@ccaiplatform.com`) or whole domains (`ccaiplatform.com`). */
      allowedSenders: z.array(z.string().min(1, 'must not be empty')).default([]),
      maxMessageMb: z.number().positive().max(100).default(30),
      /** Require SMTP AUTH with these credentials. */
      auth: z.strictObject({ username: nonEmpty, password: nonEmpty }).optional(),
      /** Offer STARTTLS with this key and certificate (PEM files). */
      tls: z.strictObject({ keyFile: nonEmpty, certFile: nonEmpty }).optional(),
    })
    .prefault({}),
  lookupUrls: z
    .strictObject({ ivr: z.string().optional(), web: z.string().optional() })
    .default({}),
  /** The request journal: every /api/v1 call and the outbound calls it caused, newest kept. */
  journal: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Size of the ring: the oldest entries (inbound and outbound together) are removed. */
      maxEntries: z.number().int().min(100).max(1_000_000).default(10_000),
      /** Each body is kept up to this many bytes (masked, then cut). */
      bodyBytes: z.number().int().min(0).max(65_536).default(2048),
    })
    .prefault({}),
});

export type ServerConfig = z.infer<typeof serverSchema>;

import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

const basicCredential = z.strictObject({
  username: nonEmpty
    .regex(
      /^[^:]*$/,
      'must not contain ":" (HTTP Basic separates the user name from the password with it)',
    )
    .describe('User name the platform sends with HTTP Basic auth'),
  password: nonEmpty.describe('Its password; compared in constant time'),
});
const headerCredential = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .describe('HTTP header the platform sends, e.g. X-Api-Key'),
  value: nonEmpty.describe('The value it must carry'),
});
export const OAUTH_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

const oauthClient = z.strictObject({
  clientId: nonEmpty.describe('The Client ID entered in the platform'),
  clientSecret: nonEmpty.describe('The Client Secret entered in the platform'),
  name: z.string().optional().describe('Shown on the consent page; default: the client id'),
  redirectUris: z
    .array(z.url().refine((uri) => !uri.includes('#'), 'must not contain a fragment (#)'))
    .default([])
    .describe('Allowed redirect_uri values, compared as exact strings (RFC 6749 §3.1.2)'),
  grants: z
    .array(z.enum(OAUTH_GRANTS))
    .min(1)
    .default([...OAUTH_GRANTS])
    .describe('What the client may do at the token endpoint'),
});

const queueEmail = z.strictObject({
  enabled: z.boolean().default(false).describe("Email this queue's session outcomes"),
  to: z.string().default('').describe('Recipients for this queue, comma-separated'),
});

/**
 * `/metrics` for Prometheus. Protected by default; `auth: none` only on a separate listener,
 * which is where an unprotected endpoint belongs (loopback, or a network only Prometheus reaches).
 */
const metricsSettings = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve Prometheus metrics at /metrics'),
    auth: z
      .enum(['api', 'bearer', 'none'])
      .default('api')
      .describe(
        'Who may scrape: api (any credential /api/v1 accepts), bearer (only token), none (only with listen)',
      ),
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('The bearer token Prometheus sends, with auth: bearer; compared in constant time'),
    listen: z
      .strictObject({
        host: z
          .string()
          .min(1, 'must not be empty')
          .default('127.0.0.1')
          .describe('Interface of the metrics listener'),
        port: z.number().int().min(0).max(65535).describe('Port of the metrics listener'),
      })
      .optional()
      .describe('Serve /metrics on a listener of its own instead of the main port'),
  })
  .superRefine((metrics, ctx) => {
    if (metrics.auth === 'bearer' && metrics.token === undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'required with auth: bearer' });
    }
    if (metrics.auth !== 'bearer' && metrics.token !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'used only with auth: bearer' });
    }
    if (metrics.auth === 'none' && metrics.listen === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message:
          'none would let anyone who reaches the server read /metrics: use it only with listen (a separate listener, e.g. on 127.0.0.1)',
      });
    }
  });

/** The three values platform calls need; all empty = the feature is off (not an error). */
const PLATFORM_REQUIRED = ['tenantUrl', 'companyKey', 'companySecret'] as const;

const platform = z
  .strictObject({
    tenantUrl: z
      .union([z.literal(''), z.url({ protocol: /^https?$/ })])
      .default('')
      .describe('The tenant, e.g. https://tenant.ccaiplatform.com; empty: platform calls are off'),
    companyKey: z
      .string()
      .default('')
      .describe('Company key (Settings > Developer Settings), the Basic auth user name'),
    companySecret: z.string().default('').describe('Company secret, the Basic auth password'),
    timeoutSeconds: z
      .number()
      .positive()
      .max(30)
      .default(5)
      .describe('Longest wait for the platform (a page waits at most 2 s for a wait time)'),
    defaultLang: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language like en or pt-BR')
      .default('en')
      .describe('lang sent with callbacks and wait-time requests'),
    waitTimeUnit: z
      .enum(['seconds', 'minutes'])
      .default('seconds')
      .describe("Unit of the wait-time API's wait (reference/001 says minutes, shows seconds)"),
  })
  .superRefine((p, ctx) => {
    const missing = PLATFORM_REQUIRED.filter((key) => p[key] === '');
    if (missing.length === 0 || missing.length === PLATFORM_REQUIRED.length) return;
    for (const key of missing) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `required when ${PLATFORM_REQUIRED.filter((k) => !missing.includes(k)).join(' and ')} is set`,
      });
    }
  });

export const serverSchema = z.strictObject({
  publicUrl: z
    .url()
    .optional()
    .describe('Base URL for absolute links (attachment URLs); default: from the request'),
  api: z
    .strictObject({
      auth: z
        .strictObject({
          basic: z.array(basicCredential).default([]).describe('HTTP Basic credentials accepted'),
          headers: z
            .array(headerCredential)
            .default([])
            .describe('Header credentials accepted (an API key)'),
          oauth2: z
            .strictObject({
              accessTokenTtlSeconds: z
                .number()
                .int()
                .min(60)
                .max(86400)
                .default(3600)
                .describe('Lifetime of an issued access token'),
              refreshTokenTtlSeconds: z
                .number()
                .int()
                .min(3600)
                .max(366 * 86400)
                .default(30 * 86400)
                .describe('Lifetime of a refresh token; each refresh rotates it (default 30 days)'),
              clients: z
                .array(oauthClient)
                .default([])
                .refine(
                  (clients) => new Set(clients.map((c) => c.clientId)).size === clients.length,
                  'client ids must be unique',
                )
                .describe('OAuth 2.0 clients (the platform) allowed to obtain tokens'),
            })
            .optional()
            .describe("crm-bridge as the platform's OAuth 2.0 server"),
        })
        .refine((a) => a.basic.length + a.headers.length + (a.oauth2?.clients.length ?? 0) > 0, {
          message: 'configure at least one of basic, headers or oauth2.clients',
        })
        .describe('How the platform authenticates to the API; every configured method is accepted'),
      uploadLimitMb: z
        .number()
        .positive()
        .max(1024)
        .default(25)
        .describe('Largest accepted upload (and JSON body carrying one), in megabytes'),
      maxPageSize: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(200)
        .describe('Largest page a list endpoint returns'),
    })
    .describe("The API the platform's Generic API calls (the Custom CRM)"),
  web: z
    .strictObject({
      users: z
        .array(
          z.strictObject({
            username: nonEmpty.describe('Sign-in name'),
            password: nonEmpty.describe('Its password, hashed at start'),
          }),
        )
        .default([])
        .describe('Staff who sign in with a password'),
      sso: z
        .strictObject({
          authorizationUrl: z.url().describe("The identity provider's authorization endpoint"),
          tokenUrl: z.url().describe('Its token endpoint'),
          userInfoUrl: z.url().describe('Its user info endpoint (OpenID Connect userinfo)'),
          clientId: nonEmpty.describe("crm-bridge's client id there"),
          clientSecret: nonEmpty.describe("crm-bridge's client secret there"),
          scope: z.string().default('').describe('Scopes requested, space-separated'),
          callbackUrl: z
            .url()
            .optional()
            .describe(
              'Where the provider sends staff back; default: <publicUrl>/login/sso/callback',
            ),
        })
        .optional()
        .describe('Staff sign-in through an OAuth 2.0 identity provider'),
      sessionSecret: nonEmpty
        .optional()
        .describe('Signs the staff session cookie; unset: a per-process one, lost at restart'),
      sessionHours: z.number().positive().max(720).default(8).describe('How long a sign-in lasts'),
      secureCookies: z
        .boolean()
        .optional()
        .describe("The session cookie's Secure flag; default: on when publicUrl is https"),
      frameAncestors: z
        .array(
          z
            .string()
            .regex(
              /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/,
              'must be an origin like https://tenant.example.com (no path)',
            ),
        )
        .default([])
        .describe('Origins that may frame the pages (CSP frame-ancestors)'),
      // Its origin is the only one `/agent` listens to.
      agentAdapter: z
        .strictObject({
          url: z
            .url({ protocol: /^https?$/ })
            .describe('e.g. https://tenant.loc.ccaiplatform.com/agent/'),
        })
        .optional()
        .describe(
          "The platform's Call/Chat Adapter that /agent embeds (its URL without type, from)",
        ),
    })
    .prefault({})
    .describe('Staff sign-in for the lookup pages'),
  outcomeEmail: z
    .strictObject({
      enabled: z.boolean().default(false).describe('Email each session outcome'),
      to: z.string().default('').describe('Recipients of every outcome, comma-separated'),
      from: z.string().default('no-reply@crm-bridge.local').describe('Sender address'),
      delayMinutes: z
        .number()
        .min(0)
        .max(1440)
        .default(15)
        .describe('Wait after the session ends, so late events make it into the email'),
      queues: z
        .record(z.string(), queueEmail)
        .default({})
        .describe('Per queue id (selected_menu.id): recipients besides the global ones'),
      retry: z
        .strictObject({
          attempts: z.number().int().min(1).max(50).default(12).describe('Sends before giving up'),
          backoffSeconds: z
            .number()
            .min(0.05)
            .max(3600)
            .default(30)
            .describe('First wait; each next one about twice the last'),
        })
        .prefault({})
        .describe('A failed send (SMTP down) is retried with exponential backoff, then kept'),
    })
    .prefault({})
    .describe('Session-outcome emails (SMTP_URL, else .eml files in DATA_DIR/outbox)'),
  inboundEmail: z
    .strictObject({
      allowedSenders: z
        .array(z.string().min(1, 'must not be empty'))
        .default([])
        .describe('Addresses (no-reply@ccaiplatform.com) or whole domains (ccaiplatform.com)'),
      maxMessageMb: z.number().positive().max(100).default(30).describe('Largest message taken'),
      auth: z
        .strictObject({
          username: nonEmpty.describe('SMTP AUTH user name'),
          password: nonEmpty.describe('SMTP AUTH password'),
        })
        .optional()
        .describe('Require SMTP AUTH with these credentials'),
      tls: z
        .strictObject({
          keyFile: nonEmpty.describe('Private key, PEM'),
          certFile: nonEmpty.describe('Certificate chain, PEM'),
        })
        .optional()
        .describe('Offer STARTTLS with this key and certificate (PEM files)'),
    })
    .prefault({})
    .describe('Session-outcome emails taken in by the SMTP listener (INBOUND_SMTP_PORT)'),
  lookupUrls: z
    .strictObject({
      ivr: z.string().optional().describe('Lookup page URL template for calls'),
      web: z.string().optional().describe('Lookup page URL template for chats'),
    })
    .default({})
    .describe('Custom lookup URLs, templated with session variables'),
  metrics: metricsSettings.prefault({}).describe('Prometheus metrics at /metrics'),
  platform: platform
    .optional()
    .describe("The pages' calls to the platform: request a callback, estimated wait"),
  journal: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Keep the journal'),
      maxEntries: z
        .number()
        .int()
        .min(100)
        .max(1_000_000)
        .default(10_000)
        .describe(
          'Size of the ring: the oldest entries (inbound and outbound together) are removed',
        ),
      bodyBytes: z
        .number()
        .int()
        .min(0)
        .max(65_536)
        .default(2048)
        .describe('Each body is kept up to this many bytes (masked, then cut)'),
    })
    .prefault({})
    .describe('The request journal: every /api/v1 call and the outbound calls it caused'),
});

export type ServerConfig = z.infer<typeof serverSchema>;

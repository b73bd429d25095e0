import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

const basicCredential = z.strictObject({ username: nonEmpty, password: nonEmpty });
const headerCredential = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'),
  value: nonEmpty,
});
const oauthClient = z.strictObject({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  name: z.string().optional(),
  redirectUris: z.array(z.url()).default([]),
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
            clients: z.array(oauthClient).default([]),
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
        })
        .optional(),
    })
    .default({ users: [] }),
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
});

export type ServerConfig = z.infer<typeof serverSchema>;

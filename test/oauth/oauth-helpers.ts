import { createHash, randomBytes } from 'node:crypto';
import type supertest from 'supertest';
import type { AppConfig } from '../../src/shared/config/app-config';
import type { ServerConfig } from '../../src/shared/config/server-schema';

type OAuthSettings = NonNullable<ServerConfig['api']['auth']['oauth2']>;
export type ClientSettings = OAuthSettings['clients'][number];

/** The platform's client, as an admin would register it. */
export const PLATFORM = {
  clientId: 'ccaip',
  clientSecret: 'platform-secret-1',
  name: 'CCAI Platform',
  redirectUri: 'https://tenant.ccaiplatform.com/oauth/callback',
} as const;

/** A second client, for "bound to its client" checks. */
export const OTHER = {
  clientId: 'other-app',
  clientSecret: 'other-secret-1',
  redirectUri: 'https://other.example.com/cb',
} as const;

/** The shipped web user, with the password test-app.ts gives it. */
export const STAFF = { username: 'admin', password: 'test-admin-password' } as const;

const ALL_GRANTS: ClientSettings['grants'] = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
];

export const client = (
  c: Pick<ClientSettings, 'clientId' | 'clientSecret'> & Partial<ClientSettings>,
): ClientSettings => ({ redirectUris: [], grants: ALL_GRANTS, ...c });

/** The config with these OAuth clients (the platform's and OTHER by default) and optional SSO. */
export function withOAuth(
  config: AppConfig,
  options: {
    clients?: ClientSettings[];
    accessTokenTtlSeconds?: number;
    refreshTokenTtlSeconds?: number;
    sso?: ServerConfig['web']['sso'];
  } = {},
): AppConfig {
  const clients = options.clients ?? [
    client({ ...PLATFORM, redirectUris: [PLATFORM.redirectUri] }),
    client({ ...OTHER, redirectUris: [OTHER.redirectUri] }),
  ];
  const server = config.server;
  return {
    ...config,
    server: {
      ...server,
      api: {
        ...server.api,
        auth: {
          ...server.api.auth,
          oauth2: {
            accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
            refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 86400,
            clients,
          },
        },
      },
      web: { ...server.web, ...(options.sso && { sso: options.sso }) },
    },
  };
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};

export const unescapeHtml = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity);

/** Every hidden input of a page, as the browser would post it. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const input = /<input\s+type=['"]hidden['"]\s+name=['"]([^'"]+)['"]\s+value=['"]([^'"]*)['"]/g;
  for (const match of html.matchAll(input)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) fields[name] = unescapeHtml(value);
  }
  return fields;
}

export type Agent = supertest.Agent;

/** Path and query of a Location, for an agent bound to the same origin. */
export function localPath(location: string | undefined): string {
  if (location === undefined) throw new Error('no Location header');
  const url = new URL(location, 'http://placeholder.invalid');
  return `${url.pathname}${url.search}`;
}

/** The query of an absolute Location (a redirect to the client). */
export function redirectQuery(location: string | undefined): URLSearchParams {
  if (location === undefined) throw new Error('no Location header');
  return new URL(location).searchParams;
}

/** Signs in with the local login form of the web pages: its CSRF token first, then the post. */
export async function signIn(agent: Agent, next?: string): Promise<supertest.Response> {
  const page = await agent.get(
    next === undefined ? '/login' : `/login?next=${encodeURIComponent(next)}`,
  );
  const fields = hiddenFields(page.text);
  return agent
    .post('/login')
    .type('form')
    .send({ ...fields, username: STAFF.username, password: STAFF.password });
}

export function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.set(name, value);
  }
  return `/oauth/authorize?${query.toString()}`;
}

/** The platform's authorization request, as it sends it. */
export const platformRequest = (extra: Record<string, string | undefined> = {}) =>
  authorizeUrl({
    response_type: 'code',
    client_id: PLATFORM.clientId,
    redirect_uri: PLATFORM.redirectUri,
    scope: 'crm',
    state: 'st-123',
    access_type: 'offline',
    ...extra,
  });

/**
 * A signed-in staff member opens the authorization URL and answers the consent page. Returns
 * the redirect back to the client.
 */
export async function consent(
  agent: Agent,
  url: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<supertest.Response> {
  const page = await agent.get(url);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.text}`);
  return agent
    .post('/oauth/authorize')
    .type('form')
    .send({ ...hiddenFields(page.text), decision });
}

/** The code from an approved consent, after signing in when needed. */
export async function authorizationCode(agent: Agent, url: string): Promise<string> {
  const answer = await consent(agent, url);
  const code = redirectQuery(answer.headers.location).get('code');
  if (code === null) throw new Error(`no code in ${String(answer.headers.location)}`);
  return code;
}

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;

/** The token request of the platform: form body, client authenticated with HTTP Basic. */
export function tokenRequest(
  agent: Agent,
  params: Record<string, string>,
  credentials: { id: string; secret: string } = {
    id: PLATFORM.clientId,
    secret: PLATFORM.clientSecret,
  },
): supertest.Test {
  return agent
    .post('/oauth/token')
    .set('Authorization', basic(credentials.id, credentials.secret))
    .type('form')
    .send(params);
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** Polls until `check` passes (background work such as the sweep), or fails with its last error. */
export async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

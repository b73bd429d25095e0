import type { ServerConfig } from '../../shared/config/server-schema';
import { GENERATED_SECRET_PLACEHOLDER } from '../../shared/config/secret-store';
import { ok, warn, type Finding } from '../finding';
import { isLoopback } from '../loopback';

const CHECK = 'oauth';

/** The redirect URI server.yaml ships with, which no tenant uses. */
const SHIPPED_REDIRECT_URI = 'https://tenant.ccaiplatform.com/oauth/callback';

/** Shorter client secrets can be guessed; generated ones are 32 characters. */
const MIN_SECRET_LENGTH = 16;

type Client = NonNullable<ServerConfig['api']['auth']['oauth2']>['clients'][number];

/** server.yaml's OAuth clients (crm-bridge as the platform's OAuth server), one line each. */
export function oauthClientFindings(server: ServerConfig): Finding[] {
  const clients = server.api.auth.oauth2?.clients ?? [];
  if (clients.length === 0) return [ok(CHECK, 'no OAuth clients in server.yaml (api.auth.oauth2)')];
  return clients.map(clientFinding);
}

function clientFinding(client: Client): Finding {
  const name = `server.yaml client ${client.clientId}`;
  const codeGrant = client.grants.includes('authorization_code');
  if (codeGrant && client.redirectUris.length === 0)
    return warn(
      CHECK,
      `${name} may use authorization_code but has no redirectUris`,
      "add the platform's callback URL, or every authorization request is refused",
    );
  if (client.redirectUris.includes(SHIPPED_REDIRECT_URI))
    return warn(
      CHECK,
      `${name} still has the shipped example redirect URI ${SHIPPED_REDIRECT_URI}`,
      "replace it with your tenant's callback URL",
    );
  const plain = client.redirectUris.find(
    (uri) => uri.startsWith('http:') && !isLoopback(new URL(uri)),
  );
  if (plain !== undefined)
    return warn(
      CHECK,
      `${name} redirects to ${plain} over plain http`,
      'use https so codes cannot be read on the way',
    );
  const secret = client.clientSecret;
  if (secret !== GENERATED_SECRET_PLACEHOLDER && secret.length < MIN_SECRET_LENGTH)
    return warn(
      CHECK,
      `${name} has a ${secret.length}-character secret`,
      `use at least ${MIN_SECRET_LENGTH} random characters`,
    );
  return ok(
    CHECK,
    `${name}: grants ${client.grants.join(', ')}; ${client.redirectUris.length} redirect URI(s)`,
  );
}

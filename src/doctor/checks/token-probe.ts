import type { OAuth2Auth } from '../../generic-api/config/auth-schema';
import { OAuthTokenError } from '../../generic-api/sender/errors';
import { targetText } from '../../generic-api/sender/errors/target-text';
import { createTokenTransport, requestTokens } from '../../generic-api/sender/oauth-token-endpoint';
import { AppError } from '../../shared/errors/app-error';
import { fail, ok, type Finding } from '../finding';

const CHECK = 'oauth';

/** A dummy refresh token: a token URL that accepts the client refuses it with invalid_grant. */
const PROBE_REFRESH_TOKEN = 'crm-bridge-doctor-probe';

export interface TokenProbe {
  finding: Finding;
  /** A fresh access token (client_credentials only), for the endpoint probes. */
  accessToken?: string;
}

/**
 * generic-api.yaml's oauth2 token URL. client_credentials: the grant itself. authorization_code:
 * the linked tokens belong to the store, so a refresh_token grant with a dummy token shows
 * whether the client is accepted (invalid_grant) or not (invalid_client, 401).
 */
export async function probeTokenEndpoint(auth: OAuth2Auth, timeoutMs: number): Promise<TokenProbe> {
  const where = `generic-api.yaml token URL ${targetText(auth.tokenUrl)}`;
  const clientCredentials = auth.grant === 'client_credentials';
  const grant: Record<string, string> = clientCredentials
    ? { grant_type: 'client_credentials', ...(auth.scope && { scope: auth.scope }) }
    : { grant_type: 'refresh_token', refresh_token: PROBE_REFRESH_TOKEN };
  try {
    const issued = await requestTokens(
      createTokenTransport(timeoutMs / 1000),
      auth,
      grant,
      AbortSignal.timeout(timeoutMs),
    );
    return {
      finding: ok(CHECK, `${where} issued a token for client ${auth.clientId}`),
      ...(clientCredentials && { accessToken: issued.accessToken }),
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { finding: tokenFailure(error, where, auth, clientCredentials) };
  }
}

function tokenFailure(
  error: AppError,
  where: string,
  auth: OAuth2Auth,
  clientCredentials: boolean,
): Finding {
  if (!(error instanceof OAuthTokenError)) return fail(CHECK, `${where}: ${error.message}`);
  if (!clientCredentials && error.oauthError === 'invalid_grant')
    return ok(
      CHECK,
      `${where} accepts client ${auth.clientId} (link tokens with crm-bridge oauth link)`,
    );
  if (error.oauthError === 'invalid_client' || error.tokenStatus === 401)
    return fail(
      CHECK,
      `${where} rejected client ${auth.clientId} (${error.tokenStatus} ${error.oauthError ?? ''})`.trim(),
      'check clientId and clientSecret, or try clientAuth: body',
    );
  return fail(CHECK, `${where}: ${error.message}`);
}

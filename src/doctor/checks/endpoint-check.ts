import type { CompiledEndpoint } from '../../generic-api/compiled-config';
import type { OutboundAuth } from '../../generic-api/config/auth-schema';
import { bearer, staticAuthHeaders } from '../../generic-api/sender/auth-headers';
import { DownstreamTimeoutError } from '../../generic-api/sender/errors';
import { createTransport } from '../../generic-api/sender/http-transport';
import { createVariables, referencedVariables, renderTemplate } from '../../generic-api/template';
import { AppError } from '../../shared/errors/app-error';
import type { DoctorCheck } from '../check';
import { fail, ok, warn, type Finding } from '../finding';
import { isLoopback } from '../loopback';
import { withoutCredentials } from '../redact';
import { probeConnection } from './connection-probe';

const CHECK = 'endpoint';

/** Stands in for every `{VARIABLE}` of a URL, so a templated path names no real object. */
const PLACEHOLDER = 'crm-bridge-doctor';

/** The credentials to probe with; `undefined` when doctor has none (a token it could not get). */
export type ProbeCredentials = () => Promise<Record<string, string> | undefined>;

/** Headers for basic and header auth; oauth2 asks `oauthToken` (client_credentials only). */
export function probeCredentials(
  auth: OutboundAuth,
  oauthToken: () => Promise<string | undefined>,
): ProbeCredentials {
  if (auth.method !== 'oauth2') return () => Promise.resolve(staticAuthHeaders(auth));
  return async () => {
    const token = await oauthToken();
    return token === undefined ? undefined : bearer(token);
  };
}

/**
 * One configured Generic API endpoint: DNS, TCP or TLS (a valid certificate), then a GET to its
 * URL with the credentials. Doctor never writes: a POST/PATCH endpoint gets the same GET, so its
 * answer shows whether the credentials are refused, not what the write would do.
 */
export function endpointCheck(
  endpoint: CompiledEndpoint,
  configuredUrl: string,
  credentials: ProbeCredentials,
): DoctorCheck {
  // The query may carry a key; the rest is what the admin wrote, with its {VARIABLES}.
  const shown = `${endpoint.name} ${withoutCredentials(configuredUrl.replace(/[?#].*$/s, ''))}`;
  return {
    check: CHECK,
    target: shown,
    async run(timeoutMs) {
      const names = referencedVariables(endpoint.url);
      const vars = createVariables(Object.fromEntries(names.map((n) => [n, PLACEHOLDER])));
      const rendered = renderTemplate(endpoint.url, vars);
      if (!URL.canParse(rendered)) return [fail(CHECK, `${shown} is not a URL`, 'correct url')];
      const url = new URL(rendered);
      const connection = await probeConnection(url, timeoutMs);
      if (!connection.ok) return [connectionFailure(shown, connection.stage, connection.message)];
      const headers = await credentials();
      if (headers === undefined)
        return [
          ok(CHECK, `${shown} is reachable; credentials not probed (no oauth2 token, see oauth)`),
        ];
      const finding = await answerFinding(shown, url, headers, names.length > 0, timeoutMs);
      const notes = [
        ...(connection.note ? [{ text: connection.note, hint: 'renew it' }] : []),
        ...(url.protocol === 'http:' && !isLoopback(url)
          ? [{ text: 'plain http sends credentials unencrypted', hint: 'use https' }]
          : []),
      ];
      if (finding.status !== 'ok' || notes.length === 0) return [finding];
      return [
        warn(
          CHECK,
          `${finding.message}, but ${notes.map((n) => n.text).join(' and ')}`,
          notes.map((n) => n.hint).join(' and '),
        ),
      ];
    },
  };
}

async function answerFinding(
  shown: string,
  url: URL,
  headers: Record<string, string>,
  templated: boolean,
  timeoutMs: number,
): Promise<Finding> {
  const transport = createTransport({
    timeoutSeconds: timeoutMs / 1000,
    maxResponseBytes: 1024 * 1024,
    maxRequestBytes: 0,
  });
  let status: number;
  try {
    const response = await transport(
      { method: 'GET', url: url.href, headers: { 'User-Agent': 'crm-bridge doctor', ...headers } },
      CHECK,
      AbortSignal.timeout(timeoutMs),
    );
    status = response.status;
  } catch (error) {
    if (error instanceof DownstreamTimeoutError)
      return fail(
        CHECK,
        `${shown} gave no answer within ${timeoutMs / 1000} s`,
        'check that the CRM is up, or raise --timeout',
      );
    if (error instanceof AppError) return fail(CHECK, `${shown}: ${error.message}`);
    throw error;
  }
  if (status === 401 || status === 403)
    return fail(
      CHECK,
      `${shown} auth rejected (${status})`,
      'check generic-api.yaml auth and its credentials',
    );
  if (status === 404 && !templated) return warn(CHECK, `${shown} answered 404`, 'check the url');
  if (status >= 500)
    return warn(CHECK, `${shown} answered ${status}`, 'the CRM reports an error of its own');
  const why = status === 404 ? ' for a placeholder id' : '';
  return ok(CHECK, `${shown} answered ${status}${why} to a GET with the credentials`);
}

function connectionFailure(
  shown: string,
  stage: 'dns' | 'connect' | 'tls',
  message: string,
): Finding {
  if (stage === 'dns')
    return fail(CHECK, `${shown}: DNS: ${message}`, 'correct the host name in url');
  if (stage === 'tls')
    return fail(
      CHECK,
      `${shown}: TLS certificate rejected (${message})`,
      'the CRM needs a valid certificate for its host name',
    );
  return fail(
    CHECK,
    `${shown}: cannot connect (${message})`,
    'check that the CRM is up and the port is right',
  );
}

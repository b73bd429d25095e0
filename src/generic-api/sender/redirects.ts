import { withoutHeaders } from './auth-headers';
import type { Hop, RawResponse } from './http-transport';

export const MAX_REDIRECTS = 3;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'transfer-encoding'];

/**
 * The hop a redirect asks for, or `undefined` to hand the response itself back to the caller.
 * Only a target with the same origin (scheme, host and port) is followed: the hop carries the
 * CRM's credentials, and another host, or plain http, must never see them.
 */
export function redirectTarget(
  from: Hop,
  response: Pick<RawResponse, 'status' | 'headers'>,
): Hop | undefined {
  const location = response.headers.location;
  if (!REDIRECTS.has(response.status) || location === undefined) return undefined;
  if (!URL.canParse(location, from.url)) return undefined;
  const target = new URL(location, from.url);
  if (target.origin !== new URL(from.url).origin) return undefined;
  target.hash = '';
  // As browsers and curl do: 303 always, and 301/302 after a POST, repeat the request as a GET.
  const moved = response.status === 301 || response.status === 302;
  const asGet =
    from.method !== 'GET' && (response.status === 303 || (moved && from.method === 'POST'));
  if (!asGet) return { ...from, url: target.href };
  return { method: 'GET', url: target.href, headers: withoutHeaders(from.headers, BODY_HEADERS) };
}

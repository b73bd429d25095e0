import type { Request, RequestHandler } from 'express';
import { AppError } from '../shared/errors/app-error';
import { digestMatcher, secretDigest, secretMatcher } from '../shared/security/constant-time';
import type { ServerConfig } from '../shared/config/server-schema';

/** Who called: which configured credential matched. */
export interface ApiPrincipal {
  method: 'basic' | 'header' | 'bearer';
  name: string;
}

/** A bearer-token check (the OAuth 2.0 server plugs in here); resolves null when not valid. */
export type BearerVerifier = (token: string) => Promise<ApiPrincipal | null>;

type AuthConfig = ServerConfig['api']['auth'];

/** A Basic header's `user-id:password` (RFC 7617: a user-id has no colon); undefined if malformed. */
function basicPair(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}

type Matcher = (req: Request, header: string | undefined) => ApiPrincipal | undefined;

/**
 * Basic credentials are compared as the whole `user-id:password` pair, digested once per request
 * and checked against every credential's digest; configured user names have no colon (the schema
 * refuses one), so the pair splits only one way.
 */
function basicMatcher(auth: AuthConfig): Matcher {
  const creds = auth.basic.map((c) => ({
    name: c.username,
    pair: digestMatcher(`${c.username}:${c.password}`),
  }));
  return (_req, header) => {
    const pair = header === undefined ? undefined : basicPair(header);
    if (pair === undefined) return undefined;
    const given = secretDigest(pair);
    // Every credential is compared, so timing does not tell which one (or which part) was wrong.
    let found: ApiPrincipal | undefined;
    for (const cred of creds) {
      if (cred.pair(given)) found ??= { method: 'basic', name: cred.name };
    }
    return found;
  };
}

function headerMatcher(auth: AuthConfig): Matcher {
  const creds = auth.headers.map((c) => ({ name: c.name, value: secretMatcher(c.value) }));
  return (req) => {
    let found: ApiPrincipal | undefined;
    for (const cred of creds) {
      const given = req.get(cred.name);
      if (given !== undefined && cred.value(given)) found ??= { method: 'header', name: cred.name };
    }
    return found;
  };
}

const bearerToken = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

/** Accepts any configured method; answers 401 with a WWW-Authenticate challenge otherwise. */
export function apiAuth(auth: AuthConfig, verifyBearer?: BearerVerifier): RequestHandler {
  const challenges = ['Basic realm="crm-bridge", charset="UTF-8"'];
  if (verifyBearer) challenges.push('Bearer realm="crm-bridge"');
  const challenge = challenges.join(', ');
  const matchBasic = basicMatcher(auth);
  const matchHeaders = headerMatcher(auth);

  const refuse = (req: Request, header: string | undefined): AppError => {
    const nothingSent =
      header === undefined && auth.headers.every((h) => req.get(h.name) === undefined);
    const message = nothingSent ? 'authentication required' : 'the credentials given are not valid';
    return new AppError(401, 'unauthorized', message, [], { 'WWW-Authenticate': challenge });
  };

  // Synchronous unless a bearer token has to be looked up: this runs on every API request.
  return (req, res, next) => {
    const header = req.get('authorization');
    const principal = matchBasic(req, header) ?? matchHeaders(req, header);
    if (principal) {
      res.locals.principal = principal;
      next();
      return;
    }
    const token = bearerToken(header);
    if (token === undefined || !verifyBearer) {
      next(refuse(req, header));
      return;
    }
    verifyBearer(token).then((found) => {
      if (!found) return next(refuse(req, header));
      res.locals.principal = found;
      next();
    }, next);
  };
}

import type { Request, RequestHandler } from 'express';
import { AppError } from '../shared/errors/app-error';
import { secretsEqual } from '../shared/security/constant-time';
import type { ServerConfig } from '../shared/config/server-schema';

/** Who called: which configured credential matched. */
export interface ApiPrincipal {
  method: 'basic' | 'header' | 'bearer';
  name: string;
}

/** A bearer-token check (the OAuth 2.0 server plugs in here); resolves null when not valid. */
export type BearerVerifier = (token: string) => Promise<ApiPrincipal | null>;

type AuthConfig = ServerConfig['api']['auth'];

function parseBasic(header: string): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function matchBasic(auth: AuthConfig, header: string | undefined): ApiPrincipal | undefined {
  const given = header === undefined ? undefined : parseBasic(header);
  if (!given) return undefined;
  // Every credential is compared, so timing does not reveal which usernames exist.
  let found: ApiPrincipal | undefined;
  for (const cred of auth.basic) {
    const ok =
      secretsEqual(given.username, cred.username) && secretsEqual(given.password, cred.password);
    if (ok) found ??= { method: 'basic', name: cred.username };
  }
  return found;
}

function matchHeaders(auth: AuthConfig, req: Request): ApiPrincipal | undefined {
  let found: ApiPrincipal | undefined;
  for (const cred of auth.headers) {
    const given = req.get(cred.name);
    if (given !== undefined && secretsEqual(given, cred.value))
      found ??= { method: 'header', name: cred.name };
  }
  return found;
}

const bearerToken = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

/** Accepts any configured method; answers 401 with a WWW-Authenticate challenge otherwise. */
export function apiAuth(auth: AuthConfig, verifyBearer?: BearerVerifier): RequestHandler {
  const challenges = ['Basic realm="crm-bridge", charset="UTF-8"'];
  if (verifyBearer) challenges.push('Bearer realm="crm-bridge"');
  const challenge = challenges.join(', ');

  return async (req, res, next) => {
    const header = req.get('authorization');
    let principal = matchBasic(auth, header) ?? matchHeaders(auth, req);
    const token = bearerToken(header);
    if (!principal && token !== undefined && verifyBearer)
      principal = (await verifyBearer(token)) ?? undefined;
    if (!principal) {
      const message =
        header === undefined && auth.headers.every((h) => req.get(h.name) === undefined)
          ? 'authentication required'
          : 'the credentials given are not valid';
      next(new AppError(401, 'unauthorized', message, [], { 'WWW-Authenticate': challenge }));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

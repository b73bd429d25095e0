import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A self-signed certificate for localhost and 127.0.0.1, valid until 2126. */
export const TLS_FIXTURE = {
  keyFile: path.join(__dirname, 'doctor-fixtures', 'key.pem'),
  certFile: path.join(__dirname, 'doctor-fixtures', 'cert.pem'),
};

export const CRM_CREDENTIALS = { username: 'crm', password: 'crm-password' };
export const OAUTH_CLIENT = { id: 'doctor-client', secret: 'doctor-client-secret' };
const ACCESS_TOKEN = 'doctor-access-token';

export interface Double {
  port: number;
  close(): Promise<void>;
}

const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/**
 * A downstream CRM: `POST /token` issues a token to OAUTH_CLIENT (client_credentials),
 * `/accounts` lists, `/accounts/ID` is 404, `/hang` never answers; everything else needs
 * CRM_CREDENTIALS or the token, else 401.
 */
function crmHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/hang') return;
  if (req.method === 'POST' && req.url === '/token') {
    const client = req.headers.authorization === basic(OAUTH_CLIENT.id, OAUTH_CLIENT.secret);
    req.resume();
    if (!client) return json(401, { error: 'invalid_client' });
    return json(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 });
  }
  const authorized = [
    basic(CRM_CREDENTIALS.username, CRM_CREDENTIALS.password),
    `Bearer ${ACCESS_TOKEN}`,
  ].includes(req.headers.authorization ?? '');
  if (!authorized) return json(401, { error: 'unauthorized' });
  if (req.url === '/accounts') return json(200, { data: [] });
  return json(404, { error: 'not found' });
}

export function startCrmDouble(): Promise<Double> {
  return listen(http.createServer(crmHandler));
}

/** The CRM double over https, with the fixture certificate unless told another. */
export function startTlsCrmDouble(files: { keyFile: string; certFile: string } = TLS_FIXTURE) {
  const server = https.createServer(
    { key: fs.readFileSync(files.keyFile), cert: fs.readFileSync(files.certFile) },
    crmHandler,
  );
  return listen(server);
}

/**
 * A self-signed certificate for localhost valid for `days` from now, made with openssl, or
 * undefined where openssl is missing.
 */
export function shortLivedCertificate(dir: string, days: number) {
  const files = { keyFile: path.join(dir, 'key.pem'), certFile: path.join(dir, 'cert.pem') };
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      String(days),
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      files.keyFile,
      '-out',
      files.certFile,
    ],
    { stdio: 'ignore' },
  );
  return result.status === 0 ? files : undefined;
}

async function listen(server: http.Server): Promise<Double> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SMTP_CREDENTIALS = { user: 'mailer', pass: 'mail-password' };

/**
 * An SMTP server requiring SMTP_CREDENTIALS. Plain by default; `startTls` offers STARTTLS with
 * the self-signed fixture, which nodemailer refuses.
 */
export async function startSmtpDouble(options: { startTls?: boolean } = {}): Promise<Double> {
  const server = new SMTPServer({
    allowInsecureAuth: true,
    logger: false,
    ...(options.startTls
      ? { key: fs.readFileSync(TLS_FIXTURE.keyFile), cert: fs.readFileSync(TLS_FIXTURE.certFile) }
      : { disabledCommands: ['STARTTLS'] }),
    onAuth(auth, _session, callback) {
      const ok = auth.username === SMTP_CREDENTIALS.user && auth.password === SMTP_CREDENTIALS.pass;
      callback(
        ok ? null : new Error('Invalid username or password'),
        ok ? { user: auth.username } : undefined,
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { errorMessage } from '../../shared/errors/system-error';

/** Certificates expiring sooner than this are worth a warning. */
const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ConnectionResult =
  { ok: true; note?: string } | { ok: false; stage: 'dns' | 'connect' | 'tls'; message: string };

/**
 * What lies under an HTTP request to `url`: the host name resolves, the port takes a connection
 * and, for https, the certificate is valid for the host (with a note when it expires soon).
 */
export async function probeConnection(url: URL, timeoutMs: number): Promise<ConnectionResult> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) === 0) {
    try {
      await dns.lookup(host);
    } catch (error) {
      return { ok: false, stage: 'dns', message: `${host} does not resolve (${errorCode(error)})` };
    }
  }
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  return secure ? tlsConnect(host, port, timeoutMs) : tcpConnect(host, port, timeoutMs);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectionResult> {
  return settle(net.connect({ host, port }), 'connect', timeoutMs, () => ({ ok: true }));
}

function tlsConnect(host: string, port: number, timeoutMs: number): Promise<ConnectionResult> {
  const socket = tls.connect({
    host,
    port,
    ...(net.isIP(host) === 0 && { servername: host }),
    rejectUnauthorized: true,
  });
  return settle(socket, 'tls', timeoutMs, () => {
    const validTo = new Date(socket.getPeerCertificate().valid_to);
    const daysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
    return daysLeft < EXPIRY_WARNING_DAYS
      ? { ok: true, note: `its certificate expires in ${daysLeft} days` }
      : { ok: true };
  });
}

/** Waits for the socket's connect (secureConnect for TLS), an error or the timeout. */
function settle(
  socket: net.Socket,
  stage: 'connect' | 'tls',
  timeoutMs: number,
  connected: () => ConnectionResult,
): Promise<ConnectionResult> {
  return new Promise((resolve) => {
    const done = (result: ConnectionResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ ok: false, stage, message: `no connection within ${timeoutMs / 1000} s` }),
    );
    let tcpConnected = false;
    socket.once('connect', () => (tcpConnected = true));
    socket.once('error', (error) => {
      // Before the TCP connection exists, a TLS socket fails like a plain one.
      const failedStage = tcpConnected ? stage : 'connect';
      done({
        ok: false,
        stage: failedStage,
        message: describe(error),
      });
    });
    socket.once(stage === 'tls' ? 'secureConnect' : 'connect', () => done(connected()));
  });
}

/** Node's message, with its code when the message does not already hold it. */
function describe(error: unknown): string {
  const message = errorMessage(error);
  const code = errorCode(error);
  return message.includes(code) ? message : `${message} (${code})`;
}

function errorCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? 'error');
}

import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test double received it. */
export interface Received {
  method: string;
  /** Path and query exactly as sent. */
  target: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (request: Received, response: ServerResponse) => void | Promise<void>;

export interface Loopback {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0; it reads each body whole before `handler` sees it. */
export async function startLoopback(handler: Handler): Promise<Loopback> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const request: Received = {
        method: req.method ?? '',
        target: req.url ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      Promise.resolve(handler(request, res)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets and requests left unanswered on purpose must not hold the close.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

/** A port nothing listens on. */
export { freePort as closedPort } from '../support/free-port';

/**
 * A CRM that answers at once: canned JSON for each endpoint the shipped generic-api.yaml calls
 * (crm-bridge's own API shapes), so that a flow against it costs the network round trips and the
 * engine, nothing else. Every request body is read in full before the answer goes out.
 *
 * The canned answers make every session a new caller: no account and no open record are found,
 * so the full flow creates both, then comments, updates and uploads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady, closeServer, exitOnStop, listenLocal } from '../lib/ipc';
import { attachmentUrl, LOOPBACK_IDS } from '../lib/loopback-fixtures';

type Answer = { status: number; body: Buffer };

const json = (status: number, value: unknown): Answer => ({
  status,
  body: Buffer.from(JSON.stringify(value)),
});

function answers(origin: string): (method: string, path: string) => Answer {
  const { account, record, comment, attachment } = LOOPBACK_IDS;
  const emptyList = json(200, { data: [], meta: { total: 0, limit: 1, offset: 0 } });
  const routes: Record<string, Answer> = {
    'GET /api/v1/accounts': emptyList,
    'POST /api/v1/accounts': json(201, {
      data: { id: account, name: 'James Bond', phone: '+12223334444' },
    }),
    'GET /api/v1/records': emptyList,
    'POST /api/v1/records': json(201, { data: { id: record, accountId: account, status: 'new' } }),
    [`PATCH /api/v1/records/${record}`]: json(200, { data: { id: record, status: 'solved' } }),
    [`POST /api/v1/records/${record}/comments`]: json(201, {
      data: { id: comment, recordId: record },
    }),
    [`POST /api/v1/records/${record}/attachments`]: json(201, {
      id: attachment,
      url: attachmentUrl(origin),
      filename: 'call-6868.json',
    }),
  };
  const notFound = json(404, { error: { code: 'not_found', message: 'no such endpoint' } });
  return (method, path) => routes[`${method} ${path}`] ?? notFound;
}

async function main(): Promise<void> {
  let answer: (method: string, path: string) => Answer = () => json(503, {});
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const { status, body } = answer(req.method ?? 'GET', path);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
      });
      res.end(body);
    });
  });
  exitOnStop(() => closeServer(server));
  await listenLocal(server);
  const { port } = server.address() as AddressInfo;
  answer = answers(`http://127.0.0.1:${port}`);
  announceReady(server, {});
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

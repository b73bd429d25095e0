/** The baseline: the least an Express 5 JSON endpoint costs on this machine. */
import http from 'node:http';
import express from 'express';
import { announceReady, closeServer, exitOnStop, listenLocal } from '../lib/ipc';

async function main(): Promise<void> {
  const app = express();
  app.get('/x', (req, res) => res.json({ data: { id: 'abc', name: 'James Bond' } }));
  const server = http.createServer(app);
  exitOnStop(() => closeServer(server));
  await listenLocal(server);
  announceReady(server, {});
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

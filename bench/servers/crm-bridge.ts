/**
 * crm-bridge as `npm start` composes it, in embedded mode on a fresh temporary data directory,
 * seeded with BENCH_ACCOUNTS (default 100,000) accounts through CrmService.createAccount.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { composeApp } from '../../src/compose';
import { createLogger } from '../../src/shared/log/logger';
import { benchConfig } from '../lib/bench-config';
import {
  type AccountSample,
  type CrmBridgeInfo,
  SAMPLE_EVERY,
  seedAccount,
} from '../lib/crm-fixtures';
import { announceReady, closeServer, exitOnStop, listenLocal } from '../lib/ipc';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS || 100_000);
if (!Number.isInteger(ACCOUNTS) || ACCOUNTS < SAMPLE_EVERY) {
  throw new Error(`BENCH_ACCOUNTS must be a whole number ≥ ${SAMPLE_EVERY}`);
}
/** Creates in flight at once while seeding; the store serialises them anyway. */
const SEED_BATCH = 500;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-bench-'));
  // Composed as `npm start` composes it: embedded store, local queue, outbox (no workers).
  const { app, closers } = await composeApp(
    benchConfig(dataDir),
    { dataDir },
    createLogger('silent'),
  );
  const server = http.createServer(app.express);
  exitOnStop(async () => {
    await closeServer(server);
    for (const closer of closers) await closer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const started = performance.now();
  const samples: AccountSample[] = [];
  for (let from = 0; from < ACCOUNTS; from += SEED_BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = from; i < Math.min(from + SEED_BATCH, ACCOUNTS); i++) {
      const { body, digits } = seedAccount(i);
      batch.push(
        app.crm.createAccount(body).then((account) => {
          if (i % SAMPLE_EVERY === SAMPLE_EVERY / 2) samples.push({ id: account.id, digits });
        }),
      );
    }
    await Promise.all(batch);
  }
  const seedMs = performance.now() - started;
  const setup = `${ACCOUNTS.toLocaleString('en-US')} accounts seeded in ${(seedMs / 1000).toFixed(1)} s (${Math.round(ACCOUNTS / (seedMs / 1000)).toLocaleString('en-US')}/s) on the embedded store`;
  console.log(`crm-bridge: ${setup}`);
  const info: CrmBridgeInfo = { accounts: ACCOUNTS, seedMs, samples, setup };

  await listenLocal(server);
  announceReady(server, info);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../src/shared/store/embedded-store';
import { createMetrics } from '../../src/shared/metrics/metrics';
import { timedStore } from '../../src/shared/metrics/store-metrics';
import { describeStoreContract } from '../contract/store-contract';
import { parseExposition, valueOf } from './exposition';

const metrics = createMetrics();
let dir: string | undefined;

// The decorated store owes its callers exactly what the adapter owes them.
describeStoreContract(
  'timed embedded',
  async () =>
    timedStore(
      await EmbeddedStore.open(
        (dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-timed-store-'))),
      ),
      metrics,
    ),
  async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
);

describe('timed store', () => {
  test('When the contract has run through it, then each kind of operation it used was timed', async () => {
    const samples = parseExposition(await metrics.registry.metrics());
    const count = (operation: string) =>
      valueOf(samples, 'store_operation_duration_seconds_count', { operation, kind: 'embedded' });
    for (const operation of [
      'insert',
      'findById',
      'find',
      'findIds',
      'count',
      'update',
      'delete',
      'blobPut',
      'blobGet',
    ]) {
      expect(count(operation)).toBeGreaterThan(0);
    }
  });
});

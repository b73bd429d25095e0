import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, JOURNAL_COLLECTION, type JournalSettings } from '../../src/journal/journal';
import type { InboundCall } from '../../src/journal/journal-entry';
import { createLogger } from '../../src/shared/log/logger';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';

const SETTINGS: JournalSettings = { enabled: true, maxEntries: 5, bodyBytes: 256 };

const call = (n: number, overrides: Partial<InboundCall> = {}): InboundCall => ({
  requestId: `req-${n}`,
  method: 'GET',
  path: `/api/v1/accounts/a${n}`,
  query: {},
  status: 200,
  durationMs: 1.25,
  requestBody: {},
  responseBody: { value: { data: { id: `a${n}` } } },
  at: new Date(Date.UTC(2026, 10, 22, 9, 0, n)),
  ...overrides,
});

describe('The journal ring in the store', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-journal-'));
    store = await createStore({ dataDir });
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const open = (settings: Partial<JournalSettings> = {}) =>
    Journal.open(store, { ...SETTINGS, ...settings }, createLogger('silent'));
  const ids = async (journal: Journal, limit = 50) =>
    (await journal.list({ limit })).entries.map((e) => e.requestId);

  test('When more calls are recorded than maxEntries, then only the newest maxEntries are stored', async () => {
    const journal = await open();
    for (let n = 1; n <= 12; n++) journal.recordInbound(call(n));
    await journal.flush();

    expect(await store.collection(JOURNAL_COLLECTION).count()).toBe(5);
    expect(await ids(journal)).toEqual(['req-12', 'req-11', 'req-10', 'req-9', 'req-8']);
  });

  test('When calls are recorded across several batches, then each batch trims the ring', async () => {
    const journal = await open();
    for (let batch = 0; batch < 4; batch++) {
      for (let n = 1; n <= 3; n++) journal.recordInbound(call(batch * 3 + n));
      await journal.flush();
      expect(await store.collection(JOURNAL_COLLECTION).count()).toBeLessThanOrEqual(5);
    }
    expect(await ids(journal)).toEqual(['req-12', 'req-11', 'req-10', 'req-9', 'req-8']);
  });

  test('When the journal is opened again on the same store, then it continues the ring', async () => {
    const first = await open();
    for (let n = 1; n <= 4; n++) first.recordInbound(call(n));
    await first.flush();

    const second = await open();
    for (let n = 5; n <= 7; n++) second.recordInbound(call(n));
    await second.flush();

    expect(await ids(second)).toEqual(['req-7', 'req-6', 'req-5', 'req-4', 'req-3']);
    expect(await store.collection(JOURNAL_COLLECTION).count()).toBe(5);
  });

  test('When a page is full, then the cursor leads to the older entries without repeats', async () => {
    const journal = await open({ maxEntries: 1000 });
    for (let n = 1; n <= 7; n++) journal.recordInbound(call(n));

    const first = await journal.list({ limit: 3 });
    const second = await journal.list({ limit: 3, before: Number(first.nextCursor) });
    const last = await journal.list({ limit: 3, before: Number(second.nextCursor) });

    expect(first.entries.map((e) => e.requestId)).toEqual(['req-7', 'req-6', 'req-5']);
    expect(second.entries.map((e) => e.requestId)).toEqual(['req-4', 'req-3', 'req-2']);
    expect(last.entries.map((e) => e.requestId)).toEqual(['req-1']);
    expect(last.nextCursor).toBeUndefined();
  });

  test('When more entries match than one store query covers, then the filters still find them', async () => {
    const journal = await open({ maxEntries: 2000 });
    for (let n = 1; n <= 1200; n++) {
      journal.recordInbound(call(n, n % 400 === 0 ? { status: 404 } : {}));
    }

    const page = await journal.list({ limit: 50, status: 404 });

    expect(page.entries.map((e) => e.requestId)).toEqual(['req-1200', 'req-800', 'req-400']);
  });

  test('When the journal is closed, then what was buffered is written and nothing more', async () => {
    const journal = await open();
    journal.recordInbound(call(1));
    await journal.close();
    journal.recordInbound(call(2));
    await journal.flush();

    expect(await ids(journal)).toEqual(['req-1']);
  });

  test('When the journal is disabled, then nothing is recorded', async () => {
    const journal = await open({ enabled: false });
    journal.recordInbound(call(1));
    await journal.flush();

    expect(await store.collection(JOURNAL_COLLECTION).count()).toBe(0);
  });

  test('When the store fails a write, then the failure is logged, never thrown', async () => {
    const logger = createLogger('silent');
    const logged = jest.spyOn(logger, 'error');
    const journal = await Journal.open(store, SETTINGS, logger);
    await store.close();

    journal.recordInbound(call(1));
    await journal.flush();

    expect(logged).toHaveBeenCalledWith(
      'request journal: 1 of 1 entries could not be written',
      expect.objectContaining({ error: expect.any(String) }),
    );
    store = await createStore({ dataDir });
  });
});

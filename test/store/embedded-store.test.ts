import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import { EmbeddedStore, toNedbQuery } from '../../src/shared/store/embedded-store';
import { appendLinesAtOnce } from '../../src/shared/store/nedb-internals';
import type { RawDocument } from '../../src/shared/store/store-guards';
import type { StoredDocument } from '../../src/shared/store/store-port';
import { describeStoreContract } from '../contract/store-contract';

/** nedb's own datafile line for a document, to hold the store's appends to. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nedbModel = require('@seald-io/nedb/lib/model.js') as { serialize: (doc: unknown) => string };

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-embedded-store-'));

// Made on first open (and reused when the contract reopens the store), so a run filtered to other
// tests leaves no directory behind.
let contractDir: string | undefined;
describeStoreContract(
  'embedded',
  () => EmbeddedStore.open((contractDir ??= tempDir())),
  async () => {
    if (contractDir) fs.rmSync(contractDir, { recursive: true, force: true });
  },
);

describe('embedded store', () => {
  let dir: string;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dir = tempDir();
    store = await EmbeddedStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('index use', () => {
    it('When an and of equalities is translated, then each lands on a top-level key nedb can index', () => {
      expect(
        toNedbQuery({
          and: [
            { field: 'email', op: 'eq', value: 'ada@example.com' },
            { and: [{ field: 'id', op: 'eq', value: 'a1' }] },
            { field: 'status', op: 'in', values: ['open', 'new'] },
          ],
        }),
      ).toEqual({ email: 'ada@example.com', _id: 'a1', status: { $in: ['open', 'new'] } });
    });

    it('When an and repeats a field, then the first condition stays top-level and the rest go under $and', () => {
      expect(
        toNedbQuery({
          and: [
            { field: 'n', op: 'eq', value: 1 },
            { field: 'n', op: 'eq', value: 2 },
          ],
        }),
      ).toEqual({ n: 1, $and: [{ n: 2 }] });
    });

    it('When 100,000 documents carry an indexed field, then finds by that field and by id use the indexes', async () => {
      interface Account extends StoredDocument {
        email: string;
        n: number;
      }
      const total = 100_000;
      const idOf = (n: number): string => `acc${String(n).padStart(6, '0')}`;
      const emailOf = (n: number): string => `user${n}@example.com`;
      const accounts = store.collection<Account>('accounts');
      await accounts.ensureIndex('email');
      await Promise.all(
        Array.from({ length: total }, (_, n) =>
          accounts.insert({ id: idOf(n), email: emailOf(n), n }),
        ),
      );
      expect(await accounts.count()).toBe(total);

      // nedb reads the whole collection (getAllData) only when no index serves the query; a full
      // scan per lookup would also push the loop below far past the test timeout.
      const fullScans = jest.spyOn(Datastore.prototype, 'getAllData');
      try {
        for (let n = 0; n < total; n += 97) {
          const byEmail = { field: 'email', op: 'eq', value: emailOf(n) } as const;
          const both = { and: [byEmail, { field: 'n', op: 'eq' as const, value: n }] };
          expect((await accounts.findById(idOf(n)))?.n).toBe(n);
          expect((await accounts.find(byEmail)).map((doc) => doc.id)).toEqual([idOf(n)]);
          expect((await accounts.findOne(both))?.id).toBe(idOf(n));
          expect(await accounts.count(byEmail)).toBe(1);
        }
        expect(fullScans).not.toHaveBeenCalled();
      } finally {
        fullScans.mockRestore();
      }
    });
  });

  describe('ordering and durability', () => {
    it('When operations are issued without awaiting each other, then they apply in call order', async () => {
      const notes = store.collection('notes');

      const [inserted, afterInsert, updated, deleted, afterDelete, again] = await Promise.all([
        notes.insert({ id: 'n1', text: 'first' }),
        notes.findById('n1'),
        notes.update('n1', { text: 'second' }),
        notes.delete('n1'),
        notes.findById('n1'),
        notes.insert({ id: 'n1', text: 'third' }),
      ]);

      expect(inserted.text).toBe('first');
      expect(afterInsert?.text).toBe('first');
      expect(updated?.text).toBe('second');
      expect(deleted).toBe(true);
      expect(afterDelete).toBeNull();
      expect(again.text).toBe('third');
    });

    it('When updates and reads of many documents are issued at once, then each read sees the update called before it, and all updates reach the disk', async () => {
      const notes = store.collection('notes');
      await Promise.all(Array.from({ length: 300 }, (_, n) => notes.insert({ id: `n${n}`, n })));

      const reads = await Promise.all(
        Array.from({ length: 300 }, (_, n) => {
          void notes.update(`n${n}`, { n: 1000 + n, sent: true });
          return notes.findById(`n${n}`);
        }),
      );
      await store.close();
      store = await EmbeddedStore.open(dir);

      const expected = Array.from({ length: 300 }, (_, n) => ({
        id: `n${n}`,
        n: 1000 + n,
        sent: true,
      }));
      expect(reads).toEqual(expected);
      expect(
        await store
          .collection('notes')
          .find(undefined, { sort: [{ field: 'n', direction: 'asc' }] }),
      ).toEqual(expected);
    });

    it('When close is called with writes still queued, then every one of them is on disk', async () => {
      const notes = store.collection('notes');
      const writes = Array.from({ length: 2_000 }, (_, n) => notes.insert({ id: `n${n}`, n }));
      const blobWrite = store.blobs.put('late', Buffer.from('late bytes'), {
        filename: 'late.txt',
        contentType: 'text/plain',
      });

      await store.close();
      await Promise.all([...writes, blobWrite]);
      store = await EmbeddedStore.open(dir);

      expect(await store.collection('notes').count()).toBe(2_000);
      expect((await store.blobs.get('late'))?.data.toString()).toBe('late bytes');
    });

    it('When data is written, then it lives in <dir>/<collection>.db and <dir>/blobs/<id> with a JSON sidecar', async () => {
      await store.collection('accounts').insert({ id: 'a1', name: 'Ada' });
      await store.blobs.put('b1', Buffer.from('bytes'), {
        filename: 'b.txt',
        contentType: 'text/plain',
      });
      await store.close();

      const datafile = fs.readFileSync(path.join(dir, 'accounts.db'), 'utf8');
      expect(
        datafile
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      ).toEqual([{ _id: 'a1', name: 'Ada' }]);
      expect(fs.readFileSync(path.join(dir, 'blobs', 'b1'), 'utf8')).toBe('bytes');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'blobs', 'b1.json'), 'utf8'))).toEqual({
        filename: 'b.txt',
        contentType: 'text/plain',
      });
      store = await EmbeddedStore.open(dir);
    });

    it("When documents are written, then the datafile holds nedb's own lines for them, Dates included", async () => {
      const when = new Date('2026-12-08T09:30:00.000Z');
      const notes = store.collection('notes');
      await Promise.all([
        notes.insert({ id: 'n1', text: 'Zoë said "hi"\n', tags: ['a', 'b'], at: { when } }),
        notes.insert({ id: 'n2', text: 'plain', n: 1.5, none: null }),
      ]);
      await notes.update('n2', { n: 2, seen: [when] });

      // Each write is appended by the time it resolves: what nedb's own serializer writes for the
      // same documents, in the same order (close compacts the file, so it is read before).
      const lines = fs.readFileSync(path.join(dir, 'notes.db'), 'utf8').split('\n');
      const expected = [
        { _id: 'n1', text: 'Zoë said "hi"\n', tags: ['a', 'b'], at: { when } },
        { _id: 'n2', text: 'plain', n: 1.5, none: null },
        { _id: 'n2', text: 'plain', n: 2, none: null, seen: [when] },
      ];
      expect(lines).toEqual([...expected.map(nedbModel.serialize), '']);
      await store.close();
      store = await EmbeddedStore.open(dir);
      const reread = await store.collection('notes').find();
      expect(reread.map((doc) => doc.id)).toEqual(['n1', 'n2']);
      expect((reread[0]?.at as { when: unknown }).when).toEqual(when);
      expect(reread[1]?.seen).toEqual([when]);
    });

    it('When nedb compacts the datafile between appends, then later appends land in the new file', async () => {
      const filename = path.join(dir, 'raw.db');
      const db = new Datastore<RawDocument>({ filename });
      await db.loadDatabaseAsync();
      appendLinesAtOnce(db);
      await db.insertAsync({ _id: 'a', n: 1 });
      await db.updateAsync({ _id: 'a' }, { $set: { n: 2 } });
      // A compaction writes a new file and renames it over the one the appends' handle is on.
      await db.compactDatafileAsync();
      await db.insertAsync({ _id: 'b', n: 3 });
      await db.updateAsync({ _id: 'a' }, { $set: { n: 4 } });

      const lines = fs.readFileSync(filename, 'utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
        { _id: 'a', n: 2 },
        { _id: 'b', n: 3 },
        { _id: 'a', n: 4 },
      ]);
      await db.compactDatafileAsync();
      const reloaded = new Datastore<RawDocument>({ filename });
      await reloaded.loadDatabaseAsync();
      expect(await reloaded.findAsync({}).sort({ _id: 1 })).toEqual([
        { _id: 'a', n: 4 },
        { _id: 'b', n: 3 },
      ]);
    });

    it('When a crash left a temporary blob file, then open removes it and the blobs are intact', async () => {
      await store.blobs.put('kept', Buffer.from('kept'), {
        filename: 'k',
        contentType: 'text/plain',
      });
      await store.close();
      fs.writeFileSync(path.join(dir, 'blobs', '.tmp-deadbeef'), 'half a fi');

      store = await EmbeddedStore.open(dir);

      expect(fs.readdirSync(path.join(dir, 'blobs')).sort()).toEqual(['kept', 'kept.json']);
      expect((await store.blobs.get('kept'))?.data.toString()).toBe('kept');
    });

    it('When a datafile is damaged, then its operations reject with the load error instead of hanging', async () => {
      fs.writeFileSync(path.join(dir, 'broken.db'), 'not json\n'.repeat(20));

      await expect(store.collection('broken').find()).rejects.toThrow();
      await expect(store.collection('broken').insert({ id: 'x' })).rejects.toThrow();
    });

    it('When the directory is gone, then ping rejects', async () => {
      await store.ping();
      fs.rmSync(dir, { recursive: true, force: true });

      await expect(store.ping()).rejects.toThrow(/ENOENT/);
      fs.mkdirSync(dir);
    });
  });
});

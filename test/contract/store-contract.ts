import { randomBytes } from 'node:crypto';
import { DuplicateKeyError } from '../../src/shared/errors/duplicate-key-error';
import type {
  Collection,
  Filter,
  ScalarValue,
  Store,
  StoredDocument,
} from '../../src/shared/store/store-port';

/**
 * The behaviour every store adapter owes its callers, written once and run against each adapter.
 * Each test works in a collection of its own, so tests never see each other's documents.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  cleanup?: () => Promise<void>,
): void {
  describe(`${name} store contract`, () => {
    const runId = randomBytes(4).toString('hex');
    let store: Store;
    let collections = 0;

    const fresh = <T extends StoredDocument = StoredDocument>(): Collection<T> =>
      store.collection<T>(`contract_${runId}_${++collections}`);

    const ids = (docs: StoredDocument[]): string[] => docs.map((doc) => doc.id);
    const blobId = (label: string): string => `blob_${runId}_${label}`;
    const meta = { filename: 'report.pdf', contentType: 'application/pdf' };

    /** A collection holding `docs`, inserted one after another. */
    async function seeded(docs: StoredDocument[]): Promise<Collection> {
      const collection = fresh();
      for (const doc of docs) await collection.insert(doc);
      return collection;
    }

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store.close();
      await cleanup?.();
    });

    describe('documents', () => {
      const customer = (): StoredDocument => ({
        id: 'c-1',
        name: 'Ada Lovelace',
        age: 36,
        balance: -12.5,
        vip: true,
        archived: false,
        manager: null,
        createdAt: '2024-05-01T10:00:00.000Z',
        tags: ['vip', 'early', 3, false, null],
        address: { city: 'London', lines: ['12 St James Sq'], geo: { lat: 51.5, lng: -0.13 } },
        history: [{ at: '2024-05-02T08:30:00.000Z', event: 'call' }],
        empty: {},
        none: [],
      });

      it('When a document with nested objects, arrays, numbers, booleans, null and ISO dates is inserted, then findById returns it unchanged', async () => {
        const collection = fresh();

        const inserted = await collection.insert(customer());

        expect(inserted).toEqual(customer());
        expect(await collection.findById('c-1')).toEqual(customer());
      });

      it('When an id is absent, then findById returns null', async () => {
        const collection = await seeded([{ id: 'present' }]);

        expect(await collection.findById('absent')).toBeNull();
      });

      it('When a second document reuses an id, then insert throws DuplicateKeyError and the first is kept', async () => {
        const collection = await seeded([{ id: 'same', n: 1 }]);

        const attempt = collection.insert({ id: 'same', n: 2 });

        await expect(attempt).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(attempt).rejects.toMatchObject({ key: 'id' });
        expect(await collection.findById('same')).toEqual({ id: 'same', n: 1 });
      });

      it('When an insert takes a value held under a unique index, then it throws DuplicateKeyError naming the field and stores nothing', async () => {
        const collection = fresh();
        await collection.ensureIndex('email', { unique: true });
        await collection.insert({ id: 'a', email: 'ada@example.com' });

        const attempt = collection.insert({ id: 'b', email: 'ada@example.com' });

        await expect(attempt).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(attempt).rejects.toMatchObject({ key: 'email' });
        expect(await collection.findById('b')).toBeNull();
        expect(await collection.count()).toBe(1);
      });

      it('When an update sets a value held under a unique index, then it throws DuplicateKeyError and the document is unchanged', async () => {
        const collection = fresh();
        await collection.ensureIndex('email', { unique: true });
        await collection.insert({ id: 'a', email: 'ada@example.com' });
        await collection.insert({ id: 'b', email: 'bob@example.com' });

        const attempt = collection.update('b', { email: 'ada@example.com' });

        await expect(attempt).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(attempt).rejects.toMatchObject({ key: 'email' });
        expect(await collection.findById('b')).toEqual({ id: 'b', email: 'bob@example.com' });
      });

      it('When documents lack a uniquely indexed field, then any number of them are accepted', async () => {
        const collection = fresh();
        await collection.ensureIndex('externalId', { unique: true });

        await collection.insert({ id: 'a' });
        await collection.insert({ id: 'b' });

        expect(await collection.count()).toBe(2);
      });

      it('When a unique index is asked for over values that already repeat, then ensureIndex throws DuplicateKeyError', async () => {
        const collection = await seeded([
          { id: 'a', email: 'same@example.com' },
          { id: 'b', email: 'same@example.com' },
        ]);

        const attempt = collection.ensureIndex('email', { unique: true });

        await expect(attempt).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(attempt).rejects.toMatchObject({ key: 'email' });
      });

      it('When ensureIndex is repeated or names the id, then it succeeds and changes nothing', async () => {
        const collection = await seeded([{ id: 'a', accountId: 'x' }]);

        await collection.ensureIndex('accountId');
        await collection.ensureIndex('accountId');
        await collection.ensureIndex('id', { unique: true });

        expect(await collection.find({ field: 'accountId', op: 'eq', value: 'x' })).toEqual([
          { id: 'a', accountId: 'x' },
        ]);
      });

      it('When many inserts run at once and one collides, then only that one fails', async () => {
        const collection = fresh();
        await collection.ensureIndex('email', { unique: true });
        const emails = Array.from({ length: 50 }, (_, i) => `user${i}@example.com`);
        emails[30] = 'user1@example.com';

        const results = await Promise.allSettled(
          emails.map((email, i) => collection.insert({ id: `d${i}`, email })),
        );

        const failures = results.filter((result) => result.status === 'rejected');
        expect(failures).toHaveLength(1);
        expect(failures[0]?.reason).toBeInstanceOf(DuplicateKeyError);
        expect(await collection.count()).toBe(49);
      });

      it('When a key starts with "$" or contains a dot, at any depth, then insert and update refuse it and store nothing', async () => {
        const collection = await seeded([{ id: 'kept', n: 1 }]);

        await expect(collection.insert({ id: 'a', $where: 'x' })).rejects.toThrow(/\$where/);
        await expect(collection.insert({ id: 'b', 'a.b': 1 })).rejects.toThrow(/a\.b/);
        await expect(collection.insert({ id: 'c', nested: [{ $gt: 1 }] })).rejects.toThrow();
        await expect(collection.update('kept', { nested: { 'x.y': 1 } })).rejects.toThrow();

        expect(await collection.count()).toBe(1);
        expect(await collection.findById('kept')).toEqual({ id: 'kept', n: 1 });
      });

      it('When a collection name could leave the store, then it is refused', () => {
        expect(() => store.collection('../escape')).toThrow(/collection name/);
      });
    });

    describe('find', () => {
      const people: StoredDocument[] = [
        { id: 'p1', name: 'Alice', age: 30, vip: true, city: 'Paris', tags: ['a', 'b'] },
        { id: 'p2', name: 'ALICIA', age: 25, vip: false, city: 'Berlin', tags: ['b'] },
        { id: 'p3', name: 'bob', age: 30, vip: true, city: null },
        { id: 'p4', name: 'Carol', age: 41, vip: false },
        { id: 'p5', name: 'dave', age: '30', vip: 'true', address: { city: 'Paris' } },
      ];

      let collection: Collection;
      beforeAll(async () => {
        collection = await seeded(people);
      });

      const found = async (filter: Filter): Promise<string[]> =>
        ids(await collection.find(filter)).sort();

      it('When eq is given a string, number or boolean, then it matches that exact value and type', async () => {
        expect(await found({ field: 'city', op: 'eq', value: 'Paris' })).toEqual(['p1']);
        expect(await found({ field: 'age', op: 'eq', value: 30 })).toEqual(['p1', 'p3']);
        expect(await found({ field: 'age', op: 'eq', value: '30' })).toEqual(['p5']);
        expect(await found({ field: 'vip', op: 'eq', value: true })).toEqual(['p1', 'p3']);
        expect(await found({ field: 'name', op: 'eq', value: 'alice' })).toEqual([]);
      });

      it('When eq names the id, then it matches that document', async () => {
        expect(await found({ field: 'id', op: 'eq', value: 'p4' })).toEqual(['p4']);
      });

      it('When eq is given null, then it matches null and missing fields alike', async () => {
        expect(await found({ field: 'city', op: 'eq', value: null })).toEqual(['p3', 'p4', 'p5']);
      });

      it('When eq names a dotted path, then it matches inside nested objects', async () => {
        expect(await found({ field: 'address.city', op: 'eq', value: 'Paris' })).toEqual(['p5']);
      });

      it('When eq targets an array field, then it matches documents whose array holds the value', async () => {
        expect(await found({ field: 'tags', op: 'eq', value: 'b' })).toEqual(['p1', 'p2']);
      });

      it('When in lists values, then it matches any of them, null matching missing fields', async () => {
        expect(await found({ field: 'age', op: 'in', values: [25, 41, 'none'] })).toEqual([
          'p2',
          'p4',
        ]);
        expect(await found({ field: 'city', op: 'in', values: ['Berlin', null] })).toEqual([
          'p2',
          'p3',
          'p4',
          'p5',
        ]);
        expect(await found({ field: 'id', op: 'in', values: ['p1', 'p5', 'zz'] })).toEqual([
          'p1',
          'p5',
        ]);
        expect(await found({ field: 'age', op: 'in', values: [] })).toEqual([]);
      });

      it('When startsWith or contains is used, then the match ignores case', async () => {
        expect(await found({ field: 'name', op: 'startsWith', value: 'ali' })).toEqual([
          'p1',
          'p2',
        ]);
        expect(await found({ field: 'name', op: 'contains', value: 'LIC' })).toEqual(['p1', 'p2']);
        expect(await found({ field: 'name', op: 'contains', value: 'ob' })).toEqual(['p3']);
        expect(await found({ field: 'name', op: 'startsWith', value: 'ob' })).toEqual([]);
      });

      it('When startsWith or contains meets a non-string field, then it does not match', async () => {
        expect(await found({ field: 'age', op: 'startsWith', value: '3' })).toEqual(['p5']);
      });

      it('When filters nest and/or, then they combine as boolean logic', async () => {
        const filter: Filter = {
          and: [
            {
              or: [
                { field: 'city', op: 'eq', value: 'Paris' },
                { field: 'city', op: 'eq', value: 'Berlin' },
                { field: 'name', op: 'eq', value: 'bob' },
              ],
            },
            {
              or: [
                { field: 'vip', op: 'eq', value: true },
                { field: 'age', op: 'eq', value: 25 },
              ],
            },
            { and: [{ field: 'name', op: 'contains', value: 'i' }] },
          ],
        };

        expect(await found(filter)).toEqual(['p1', 'p2']);
      });

      it('When an and repeats a field, then every condition on it must hold', async () => {
        const both = (a: Filter, b: Filter): Filter => ({ and: [a, b] });

        expect(
          await found(
            both(
              { field: 'name', op: 'startsWith', value: 'a' },
              { field: 'name', op: 'contains', value: 'cia' },
            ),
          ),
        ).toEqual(['p2']);
        expect(
          await found(
            both({ field: 'age', op: 'eq', value: 30 }, { field: 'age', op: 'eq', value: 25 }),
          ),
        ).toEqual([]);
      });

      it('When and or or is empty, then and matches everything and or matches nothing', async () => {
        expect(await found({ and: [] })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
        expect(await found({ or: [] })).toEqual([]);
        expect(await found({ or: [{ and: [] }] })).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      });

      it('When no filter is given, then find returns every document', async () => {
        expect(ids(await collection.find())).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      });
    });

    describe('values are data, never query syntax', () => {
      const tricky = [
        'a.c',
        'abc',
        'a*',
        'aaa',
        '(x)',
        'x',
        '[ab]',
        'b',
        'a+b?',
        'ab',
        '^$',
        'x|y',
        'back\\slash',
        '{"$ne":null}',
        '$where',
      ];

      let collection: Collection;
      beforeAll(async () => {
        collection = await seeded(tricky.map((value, i) => ({ id: `t${i}`, value })));
      });

      const values = async (filter: Filter): Promise<string[]> =>
        (await collection.find(filter)).map((doc) => String(doc.value)).sort();

      it.each([
        ['a.c', ['a.c']],
        ['a*', ['a*']],
        ['(x)', ['(x)']],
        ['[ab]', ['[ab]']],
        ['a+b?', ['a+b?']],
        ['^$', ['^$']],
        ['x|y', ['x|y']],
        ['\\', ['back\\slash']],
        ['$', ['$where', '^$', '{"$ne":null}']],
      ])(
        'When contains is given %p, then the regex metacharacters match only themselves',
        async (text, expected) => {
          expect(await values({ field: 'value', op: 'contains', value: text })).toEqual(
            [...expected].sort(),
          );
        },
      );

      it('When startsWith is given metacharacters, then they match literally at the start', async () => {
        expect(await values({ field: 'value', op: 'startsWith', value: '(' })).toEqual(['(x)']);
        expect(await values({ field: 'value', op: 'startsWith', value: '.' })).toEqual([]);
        expect(await values({ field: 'value', op: 'startsWith', value: '^' })).toEqual(['^$']);
      });

      it('When an operator object is written as a string value, then it matches only that literal string', async () => {
        expect(await values({ field: 'value', op: 'eq', value: '{"$ne":null}' })).toEqual([
          '{"$ne":null}',
        ]);
        expect(await values({ field: 'other', op: 'eq', value: '{"$ne":null}' })).toEqual([]);
      });

      it('When an operator object is smuggled in as a value, then it is refused rather than run', async () => {
        // @ts-expect-error a filter value is a scalar, so an operator object is a type error
        const typed: Filter = { field: 'value', op: 'eq', value: { $ne: null } };
        const smuggled = { $ne: null } as unknown as ScalarValue;

        await expect(collection.find(typed)).rejects.toThrow(TypeError);
        await expect(
          collection.find({ field: 'value', op: 'in', values: [smuggled] }),
        ).rejects.toThrow(TypeError);
        await expect(
          collection.count({ field: 'value', op: 'eq', value: smuggled }),
        ).rejects.toThrow(TypeError);
      });

      it('When a field name is an operator, then the filter is refused', async () => {
        await expect(collection.find({ field: '$where', op: 'eq', value: 'x' })).rejects.toThrow();
      });
    });

    describe('sorting and paging', () => {
      const rows: StoredDocument[] = [
        { id: 'r5', rank: 2, name: 'e' },
        { id: 'r1', rank: 1, name: 'a' },
        { id: 'r4', rank: 2, name: 'd' },
        { id: 'r2', rank: 1, name: 'b' },
        { id: 'r3', rank: 3, name: 'c' },
        { id: 'r6', rank: 2, name: 'a' },
      ];

      let collection: Collection;
      beforeAll(async () => {
        collection = await seeded(rows);
      });

      it('When no sort is given, then documents come back by id ascending', async () => {
        expect(ids(await collection.find())).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      });

      it('When sorting ascending or descending, then equal keys keep id ascending order', async () => {
        const asc = await collection.find(undefined, {
          sort: [{ field: 'rank', direction: 'asc' }],
        });
        const desc = await collection.find(undefined, {
          sort: [{ field: 'rank', direction: 'desc' }],
        });

        expect(ids(asc)).toEqual(['r1', 'r2', 'r4', 'r5', 'r6', 'r3']);
        expect(ids(desc)).toEqual(['r3', 'r4', 'r5', 'r6', 'r1', 'r2']);
      });

      it('When sorting by several keys or by id, then they apply in order', async () => {
        const byRankThenName = await collection.find(undefined, {
          sort: [
            { field: 'rank', direction: 'desc' },
            { field: 'name', direction: 'asc' },
          ],
        });
        const newestFirst = await collection.find(undefined, {
          sort: [{ field: 'id', direction: 'desc' }],
        });

        expect(ids(byRankThenName)).toEqual(['r3', 'r6', 'r4', 'r5', 'r1', 'r2']);
        expect(ids(newestFirst)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
      });

      it('When paging with skip and limit, then the pages are stable and cover every document once', async () => {
        const sort = [{ field: 'rank', direction: 'asc' as const }];
        const pages: string[] = [];
        for (let skip = 0; skip < rows.length; skip += 4) {
          pages.push(...ids(await collection.find(undefined, { sort, skip, limit: 4 })));
        }

        expect(pages).toEqual(ids(await collection.find(undefined, { sort })));
        expect(ids(await collection.find(undefined, { sort, skip: 2, limit: 2 }))).toEqual([
          'r4',
          'r5',
        ]);
        expect(await collection.find(undefined, { skip: 10 })).toEqual([]);
      });

      it('When paging with a filter, then skip and limit apply to the matches', async () => {
        const page = await collection.find(
          { field: 'rank', op: 'eq', value: 2 },
          { sort: [{ field: 'name', direction: 'asc' }], skip: 1, limit: 1 },
        );

        expect(ids(page)).toEqual(['r4']);
      });

      it('When skip or limit is negative, then find refuses it', async () => {
        await expect(collection.find(undefined, { skip: -1 })).rejects.toThrow(RangeError);
        await expect(collection.find(undefined, { limit: 1.5 })).rejects.toThrow(RangeError);
      });

      it('When findOne is used, then it returns the first match in sort order, or null', async () => {
        const rankTwo: Filter = { field: 'rank', op: 'eq', value: 2 };

        expect((await collection.findOne(rankTwo))?.id).toBe('r4');
        expect(
          (await collection.findOne(rankTwo, { sort: [{ field: 'name', direction: 'asc' }] }))?.id,
        ).toBe('r6');
        expect(await collection.findOne({ field: 'rank', op: 'eq', value: 9 })).toBeNull();
      });

      it('When findIds is used, then it lists the ids find returns, in the same order', async () => {
        const filters: (Filter | undefined)[] = [
          undefined,
          { field: 'rank', op: 'eq', value: 2 },
          { field: 'rank', op: 'in', values: [1, 3] },
          {
            or: [
              { field: 'name', op: 'eq', value: 'a' },
              { field: 'id', op: 'eq', value: 'r3' },
            ],
          },
          { or: [] },
        ];

        for (const filter of filters) {
          expect(await collection.findIds(filter)).toEqual(ids(await collection.find(filter)));
        }
        expect(await collection.findIds({ field: 'rank', op: 'eq', value: 2 })).toEqual([
          'r4',
          'r5',
          'r6',
        ]);
      });

      it('When documents are inserted, updated and deleted, then findIds lists what is stored now', async () => {
        const scratch = await seeded([
          { id: 'w1', state: 'due' },
          { id: 'w3', state: 'due' },
        ]);
        await Promise.all([
          scratch.insert({ id: 'w2', state: 'due' }),
          scratch.update('w1', { state: 'done' }),
          scratch.delete('w3'),
        ]);

        expect(await scratch.findIds({ field: 'state', op: 'eq', value: 'due' })).toEqual(['w2']);
        expect(await scratch.findIds()).toEqual(['w1', 'w2']);
      });

      it('When counting, then count agrees with find with and without a filter', async () => {
        expect(await collection.count()).toBe(6);
        expect(await collection.count({ field: 'rank', op: 'eq', value: 2 })).toBe(3);
        expect(await collection.count({ field: 'rank', op: 'in', values: [1, 3] })).toBe(3);
        expect(await collection.count({ or: [] })).toBe(0);
      });
    });

    describe('update and delete', () => {
      it('When an update sets and unsets fields, then it returns the new document and keeps the rest', async () => {
        const collection = await seeded([{ id: 'u', name: 'Ada', phone: '123', age: 36 }]);

        const updated = await collection.update(
          'u',
          { name: 'Ada L.', address: { city: 'London' } },
          { unset: ['phone', 'notThere'] },
        );

        const expected = { id: 'u', name: 'Ada L.', age: 36, address: { city: 'London' } };
        expect(updated).toEqual(expected);
        expect(await collection.findById('u')).toEqual(expected);
      });

      it('When many updates of different documents run at once, then each returns its own document and all are kept', async () => {
        const collection = await seeded(
          Array.from({ length: 40 }, (_, i) => ({ id: `u${i}`, n: i, label: 'before' })),
        );

        const updated = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            collection.update(`u${i}`, { n: i * 10 }, { unset: ['label'] }),
          ),
        );

        const expected = Array.from({ length: 40 }, (_, i) => ({ id: `u${i}`, n: i * 10 }));
        expect(updated).toEqual(expected);
        expect(
          await collection.find(undefined, { sort: [{ field: 'n', direction: 'asc' }] }),
        ).toEqual(expected);
      });

      it('When updates of one document run at once, then they apply in call order, each on what the one before left', async () => {
        const collection = await seeded([{ id: 'u', n: 0 }]);

        const results = await Promise.all([
          collection.update('u', { n: 1, first: true }),
          collection.update('u', { n: 2 }, { unset: ['first'] }),
          collection.update('u', { n: 3, last: true }),
        ]);

        expect(results).toEqual([
          { id: 'u', n: 1, first: true },
          { id: 'u', n: 2 },
          { id: 'u', n: 3, last: true },
        ]);
        expect(await collection.findById('u')).toEqual({ id: 'u', n: 3, last: true });
      });

      it('When updates run at once and one collides with a unique index or names an absent id, then only that one fails or finds nothing', async () => {
        const collection = fresh();
        await collection.ensureIndex('email', { unique: true });
        await collection.insert({ id: 'kept', email: 'kept@x.org' });
        for (let i = 0; i < 20; i++) await collection.insert({ id: `d${i}`, email: `u${i}@x.org` });

        const results = await Promise.allSettled([
          ...Array.from({ length: 20 }, (_, i) =>
            collection.update(`d${i}`, { email: i === 7 ? 'kept@x.org' : `new${i}@x.org` }),
          ),
          collection.update('absent', { email: 'absent@x.org' }),
        ]);

        const failures = results.filter((result) => result.status === 'rejected');
        expect(failures).toHaveLength(1);
        expect(failures[0]?.reason).toBeInstanceOf(DuplicateKeyError);
        expect(results[20]).toEqual({ status: 'fulfilled', value: null });
        expect(await collection.findById('d7')).toEqual({ id: 'd7', email: 'u7@x.org' });
        expect(await collection.findById('d8')).toEqual({ id: 'd8', email: 'new8@x.org' });
        expect(await collection.count({ field: 'email', op: 'startsWith', value: 'new' })).toBe(19);
      });

      it('When an update names an absent id, then it returns null and creates nothing', async () => {
        const collection = await seeded([{ id: 'present' }]);

        expect(await collection.update('absent', { name: 'x' })).toBeNull();
        expect(await collection.update('absent', {}, { unset: ['name'] })).toBeNull();
        expect(await collection.count()).toBe(1);
      });

      it('When an update changes nothing, then it returns the document as it is', async () => {
        const collection = await seeded([{ id: 'u', n: 1 }]);

        expect(await collection.update('u', {})).toEqual({ id: 'u', n: 1 });
      });

      it('When an update tries to change the id, then it is refused', async () => {
        const collection = await seeded([{ id: 'u', n: 1 }]);

        await expect(collection.update('u', { id: 'other' })).rejects.toThrow(/id/);
        expect(await collection.update('u', { id: 'u', n: 2 })).toEqual({ id: 'u', n: 2 });
      });

      it('When a document is deleted, then delete reports true once and the document is gone', async () => {
        const collection = await seeded([{ id: 'a' }, { id: 'b' }]);

        expect(await collection.delete('a')).toBe(true);
        expect(await collection.delete('a')).toBe(false);
        expect(ids(await collection.find())).toEqual(['b']);
      });

      it('When deleteMany runs, then it removes exactly the matches and returns their number', async () => {
        const collection = await seeded([
          { id: 'a', kind: 'x' },
          { id: 'b', kind: 'y' },
          { id: 'c', kind: 'x' },
        ]);

        expect(await collection.deleteMany({ field: 'kind', op: 'eq', value: 'x' })).toBe(2);
        expect(await collection.deleteMany({ field: 'kind', op: 'eq', value: 'x' })).toBe(0);
        expect(ids(await collection.find())).toEqual(['b']);
      });
    });

    describe('isolation', () => {
      interface Profile extends StoredDocument {
        profile: { name: string; tags: string[] };
      }
      const original = (): Profile => ({ id: 'm', profile: { name: 'Ada', tags: ['a'] } });

      it('When returned documents are mutated, then the store is unchanged', async () => {
        const collection = fresh<Profile>();
        const inserted = await collection.insert(original());
        inserted.profile.tags.push('from-insert');

        const byId = await collection.findById('m');
        if (byId) byId.profile.name = 'from-findById';
        const [listed] = await collection.find();
        if (listed) listed.profile.tags.length = 0;
        const updated = await collection.update('m', { profile: original().profile });
        if (updated) updated.profile.name = 'from-update';

        expect(await collection.findById('m')).toEqual(original());
      });

      it('When the objects given to insert or update are mutated afterwards, then the store is unchanged', async () => {
        const collection = fresh<Profile>();
        const doc = original();
        const inserting = collection.insert(doc);
        doc.profile.name = 'changed before the insert finished';
        await inserting;
        doc.profile.tags.push('changed after');

        const profile = { name: 'Ada', tags: ['a'] };
        const updating = collection.update('m', { profile });
        profile.tags.push('changed before the update finished');
        await updating;

        expect(await collection.findById('m')).toEqual(original());
      });
    });

    describe('blobs', () => {
      it('When every byte value is stored, then get returns exactly those bytes and the meta', async () => {
        const id = blobId('bytes');
        const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

        await store.blobs.put(id, data, meta);
        const blob = await store.blobs.get(id);

        expect(blob?.meta).toEqual(meta);
        expect(blob && Buffer.compare(blob.data, data)).toBe(0);
      });

      it('When a 5 MB blob is stored, then it comes back byte for byte', async () => {
        const id = blobId('large');
        const data = randomBytes(5 * 1024 * 1024);

        await store.blobs.put(id, data, {
          filename: 'big.bin',
          contentType: 'application/octet-stream',
        });
        const blob = await store.blobs.get(id);

        expect(blob?.data.length).toBe(data.length);
        expect(blob?.data.equals(data)).toBe(true);
      });

      it('When a blob is put again under its id, then the new bytes and meta replace the old', async () => {
        const id = blobId('replaced');
        await store.blobs.put(id, Buffer.from('first version, longer than the second'), meta);

        await store.blobs.put(id, Buffer.from('second'), {
          filename: 'b.txt',
          contentType: 'text/plain',
        });

        const blob = await store.blobs.get(id);
        expect(blob?.data.toString()).toBe('second');
        expect(blob?.meta).toEqual({ filename: 'b.txt', contentType: 'text/plain' });
      });

      it('When an empty blob is stored, then it comes back empty rather than absent', async () => {
        const id = blobId('empty');

        await store.blobs.put(id, Buffer.alloc(0), meta);

        expect((await store.blobs.get(id))?.data.length).toBe(0);
      });

      it('When a blob is deleted, then delete reports true once and get returns null', async () => {
        const id = blobId('deleted');
        await store.blobs.put(id, Buffer.from('bye'), meta);

        expect(await store.blobs.delete(id)).toBe(true);
        expect(await store.blobs.delete(id)).toBe(false);
        expect(await store.blobs.get(id)).toBeNull();
        expect(await store.blobs.get(blobId('never-stored'))).toBeNull();
      });

      it('When a blob id could leave the store, then it is refused', async () => {
        await expect(store.blobs.put('../escape', Buffer.from('x'), meta)).rejects.toThrow(
          /blob id/,
        );
        await expect(store.blobs.get('a/b')).rejects.toThrow(/blob id/);
      });
    });

    describe('lifecycle', () => {
      it('When the store is pinged, then it resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      // Last on purpose: it closes the store and leaves a reopened one for afterAll to close.
      it('When the store is closed and opened again, then documents, unique indexes and blobs are still there', async () => {
        const name = `contract_${runId}_persisted`;
        const blob = blobId('persisted');
        const data = Buffer.from([0, 1, 2, 253, 254, 255]);
        const before = store.collection(name);
        await before.ensureIndex('email', { unique: true });
        await before.insert({ id: 'kept', email: 'ada@example.com', nested: { n: 1 } });
        await before.insert({ id: 'changed', email: 'bob@example.com', n: 1 });
        await before.insert({ id: 'removed', email: 'cy@example.com' });
        await before.update('changed', { n: 2 });
        await before.delete('removed');
        await store.blobs.put(blob, data, meta);

        await store.close();
        await expect(before.findById('kept')).rejects.toThrow(/closed/);
        store = await open();
        const after = store.collection(name);

        expect(await after.find()).toEqual([
          { id: 'changed', email: 'bob@example.com', n: 2 },
          { id: 'kept', email: 'ada@example.com', nested: { n: 1 } },
        ]);
        await expect(after.insert({ id: 'x', email: 'ada@example.com' })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect((await store.blobs.get(blob))?.data.equals(data)).toBe(true);
      });
    });
  });
}

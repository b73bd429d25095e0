import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoStore, toMongoFilter } from '../../src/shared/store/mongo-store';
import { describeStoreContract } from '../contract/store-contract';

const uri = process.env.MONGODB_URI;

if (uri) {
  const dbName = `crm_bridge_test_${randomBytes(4).toString('hex')}`;
  describeStoreContract(
    'mongodb',
    () => MongoStore.connect(uri, { dbName }),
    async () => {
      const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    },
  );
} else {
  console.warn(
    'MongoDB store contract SKIPPED: set MONGODB_URI to run it (no MongoDB server can be installed on these machines)',
  );
  describe.skip('mongodb store contract (SKIPPED: set MONGODB_URI to run it)', () => {
    it('needs a MongoDB server', () => undefined);
  });
}

// These need no server, so they run everywhere.
describe('mongodb store without a server', () => {
  it('When filters are translated, then every value sits under $eq, $in or an escaped $regex', () => {
    expect(
      toMongoFilter({
        and: [
          { field: 'id', op: 'eq', value: 'a1' },
          {
            or: [
              { field: 'status', op: 'in', values: ['open', null] },
              { field: 'name', op: 'startsWith', value: 'a.b(' },
              { field: 'name', op: 'contains', value: '$x*' },
            ],
          },
        ],
      }),
    ).toEqual({
      $and: [
        { _id: { $eq: 'a1' } },
        {
          $or: [
            { status: { $in: ['open', null] } },
            { name: { $regex: '^a\\.b\\(', $options: 'i' } },
            { name: { $regex: '\\$x\\*', $options: 'i' } },
          ],
        },
      ],
    });
    expect(toMongoFilter({ and: [] })).toEqual({});
    expect(toMongoFilter({ or: [] })).toEqual({ _id: { $in: [] } });
  });

  it('When the server cannot be reached, then connect fails within seconds and hides the password', async () => {
    const attempt = MongoStore.connect('mongodb://crm:s3cret@127.0.0.1:9/crm');

    await expect(attempt).rejects.toThrow(
      /^cannot connect to MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:9\/crm/,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  }, 15_000);
});

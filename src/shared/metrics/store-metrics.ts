import type { Histogram } from 'prom-client';
import type { BlobStore, Collection, Store, StoredDocument } from '../store/store-port';
import type { Metrics } from './metrics';

type Timer = <A extends unknown[], R>(
  operation: string,
  run: (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

/** Times each call into `store_operation_duration_seconds{operation,kind}`, failures included. */
function timer(histogram: Histogram<'operation' | 'kind'>, kind: string): Timer {
  return (operation, run) => {
    const observe = histogram.labels({ operation, kind }).observe;
    return async (...args) => {
      const started = process.hrtime.bigint();
      try {
        return await run(...args);
      } finally {
        observe(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  };
}

function timedCollection<T extends StoredDocument>(c: Collection<T>, time: Timer): Collection<T> {
  return {
    insert: time('insert', c.insert.bind(c)),
    findById: time('findById', c.findById.bind(c)),
    findOne: time('findOne', c.findOne.bind(c)),
    find: time('find', c.find.bind(c)),
    findIds: time('findIds', c.findIds.bind(c)),
    count: time('count', c.count.bind(c)),
    update: time('update', c.update.bind(c)),
    delete: time('delete', c.delete.bind(c)),
    deleteMany: time('deleteMany', c.deleteMany.bind(c)),
    ensureIndex: time('ensureIndex', c.ensureIndex.bind(c)),
  };
}

function timedBlobs(blobs: BlobStore, time: Timer): BlobStore {
  return {
    put: time('blobPut', blobs.put.bind(blobs)),
    get: time('blobGet', blobs.get.bind(blobs)),
    delete: time('blobDelete', blobs.delete.bind(blobs)),
  };
}

/**
 * The store with every operation timed: a decorator on the port, so both adapters are measured
 * the same way and neither knows. Behaviour, results and errors are the adapter's own.
 */
export function timedStore(store: Store, metrics: Metrics): Store {
  const time = timer(metrics.storeDuration, store.kind);
  const collections = new Map<string, Collection<StoredDocument>>();
  return {
    kind: store.kind,
    collection<T extends StoredDocument>(name: string): Collection<T> {
      let timed = collections.get(name);
      if (timed === undefined) {
        timed = timedCollection(store.collection<StoredDocument>(name), time);
        collections.set(name, timed);
      }
      return timed as unknown as Collection<T>;
    },
    blobs: timedBlobs(store.blobs, time),
    ping: time('ping', () => store.ping()),
    close: () => store.close(),
  };
}

import path from 'node:path';
import { EmbeddedStore } from './embedded-store';
import { MongoStore } from './mongo-store';
import type { Store } from './store-port';

export interface StoreEnv {
  /** Set in production: MongoDB via mongoose, attachments in GridFS. */
  mongodbUri?: string;
  /** Used when no MongoDB is configured: the embedded store lives in `<dataDir>/store`. */
  dataDir: string;
}

/** The store the environment asks for: MongoDB when a URI is given, else the embedded one. */
export function createStore(env: StoreEnv): Promise<Store> {
  if (env.mongodbUri) return MongoStore.connect(env.mongodbUri);
  return EmbeddedStore.open(path.join(env.dataDir, 'store'));
}

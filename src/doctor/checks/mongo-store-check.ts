import mongoose from 'mongoose';
import type { CrmConfig } from '../../shared/config/crm-schema';
import { errorMessage } from '../../shared/errors/system-error';
import type { DoctorCheck } from '../check';
import { fail, ok, warn, type Finding } from '../finding';
import { withoutCredentials } from '../redact';
import { requiredIndexes, type RequiredIndex } from './mongo-indexes';

const CHECK = 'store';

/** MONGODB_URI: the server answers within the timeout and the indexes the server makes exist. */
export function mongoStoreCheck(uri: string, crm: CrmConfig | undefined): DoctorCheck {
  const target = withoutCredentials(uri);
  return {
    check: CHECK,
    target,
    async run(timeoutMs) {
      const connection = mongoose.createConnection(uri, {
        serverSelectionTimeoutMS: timeoutMs,
        connectTimeoutMS: timeoutMs,
        autoCreate: false,
        autoIndex: false,
      });
      try {
        await connection.asPromise();
      } catch (error) {
        await connection.close(true).catch(() => undefined);
        return [
          fail(
            CHECK,
            `MongoDB ${target} cannot connect (${errorMessage(error)})`,
            'start MongoDB or correct MONGODB_URI',
          ),
        ];
      }
      try {
        // Which indexes are needed depends on crm.yaml; an invalid config is reported already.
        if (crm === undefined)
          return [ok(CHECK, `MongoDB ${target} answers (indexes not checked: config invalid)`)];
        return [indexFinding(target, await missingIndexes(connection, requiredIndexes(crm)))];
      } finally {
        await connection.close();
      }
    },
  };
}

async function missingIndexes(
  connection: mongoose.Connection,
  required: RequiredIndex[],
): Promise<RequiredIndex[]> {
  const byCollection = new Map<string, Set<string>>();
  for (const collection of new Set(required.map((r) => r.collection))) {
    // A collection that does not exist yet has no indexes (listIndexes fails with NamespaceNotFound).
    const indexes = await connection
      .collection(collection)
      .indexes()
      .catch(() => []);
    byCollection.set(collection, new Set(indexes.map((i) => Object.keys(i.key).join(','))));
  }
  return required.filter((r) => !byCollection.get(r.collection)?.has(r.field));
}

function indexFinding(target: string, missing: RequiredIndex[]): Finding {
  if (missing.length === 0) return ok(CHECK, `MongoDB ${target} answers and has its indexes`);
  return warn(
    CHECK,
    `MongoDB ${target} lacks indexes ${missing.map((m) => `${m.collection}.${m.field}`).join(', ')}`,
    'start the server once: it creates them',
  );
}

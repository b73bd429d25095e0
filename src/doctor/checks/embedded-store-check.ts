import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../shared/errors/system-error';
import type { DoctorCheck } from '../check';
import { fail, ok } from '../finding';

const CHECK = 'store';

/**
 * The embedded store (no MONGODB_URI): DATA_DIR is a writable directory, or can be created, and
 * every file in it the server reads (datafiles, secrets.json, outbox) is readable. Nothing is
 * written: doctor runs beside a server that owns these files.
 */
export function embeddedStoreCheck(dataDir: string): DoctorCheck {
  return {
    check: CHECK,
    target: dataDir,
    async run() {
      const existing = nearestExisting(path.resolve(dataDir));
      if (!fs.statSync(existing).isDirectory())
        return [
          fail(
            CHECK,
            `DATA_DIR ${dataDir}: ${existing} is not a directory`,
            'point DATA_DIR at a directory',
          ),
        ];
      const access = writable(existing);
      if (access !== undefined)
        return [
          fail(
            CHECK,
            `DATA_DIR ${dataDir} is not writable (${access})`,
            'give the server user write access',
          ),
        ];
      if (existing !== path.resolve(dataDir))
        return [
          ok(CHECK, `DATA_DIR ${dataDir} does not exist yet; the server creates it at first start`),
        ];
      const unreadable = unreadableFiles(dataDir);
      if (unreadable.length > 0)
        return [
          fail(
            CHECK,
            `DATA_DIR ${dataDir}: cannot read ${unreadable.join(', ')}`,
            'give the server user read access to them',
          ),
        ];
      return [ok(CHECK, `embedded store in ${dataDir} is writable and its files readable`)];
    },
  };
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!fs.existsSync(current) && path.dirname(current) !== current)
    current = path.dirname(current);
  return current;
}

function writable(dir: string): string | undefined {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** Files under `dir` (recursively) that cannot be opened for reading. */
function unreadableFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => {
      try {
        fs.accessSync(file, fs.constants.R_OK);
        return false;
      } catch {
        return true;
      }
    });
}

import fs from 'node:fs';
import path from 'node:path';
import { FILE_KINDS, type FileKind } from './config/generic-api-schema';
import type { FlowInput, SessionFile } from './flows/flow-runner';
import { isRecord } from '../shared/is-record';
import { sessionVariables } from './session-variables';

/** A session file a command was given that cannot be used; the message names the field. */
export class SessionFileError extends Error {
  constructor(file: string, field: string, problem: string) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'SessionFileError';
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
};

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SessionFileError(
      file,
      '(file)',
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SessionFileError(file, '(file)', `is not valid JSON: ${(err as Error).message}`);
  }
}

function readVariables(file: string, value: unknown): Record<string, string | number | null> {
  if (value === undefined) return {};
  if (!isRecord(value))
    throw new SessionFileError(file, 'variables', 'must be an object of NAME: value');
  const out: Record<string, string | number | null> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || v === null) out[name] = v;
    else if (typeof v === 'boolean') out[name] = String(v);
    else
      throw new SessionFileError(file, `variables.${name}`, 'must be a string, a number or null');
  }
  return out;
}

function readFiles(file: string, value: unknown): SessionFile[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new SessionFileError(file, 'files', 'must be a list of { kind, path }');
  return value.map((entry: unknown, i) => {
    const where = `files[${i}]`;
    if (!isRecord(entry)) throw new SessionFileError(file, where, 'must be { kind, path }');
    const { kind, path: relative } = entry;
    if (typeof kind !== 'string' || !(FILE_KINDS as readonly string[]).includes(kind)) {
      throw new SessionFileError(file, `${where}.kind`, `must be one of ${FILE_KINDS.join(', ')}`);
    }
    if (typeof relative !== 'string' || relative === '') {
      throw new SessionFileError(
        file,
        `${where}.path`,
        'must be a path relative to the session file',
      );
    }
    const absolute = path.resolve(path.dirname(file), relative);
    let data: Buffer;
    try {
      data = fs.readFileSync(absolute);
    } catch (err) {
      throw new SessionFileError(
        file,
        `${where}.path`,
        `${absolute} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    const contentType =
      typeof entry.contentType === 'string'
        ? entry.contentType
        : (CONTENT_TYPES[path.extname(absolute).toLowerCase()] ?? 'application/octet-stream');
    return { kind: kind as FileKind, filename: path.basename(absolute), contentType, data };
  });
}

/**
 * A session file for `simulate`, `render` and `lookup-url`: `{ variables, files, session }`.
 * Variables derived from the platform object under `session` come first; explicit `variables`
 * override them.
 */
export function readSessionFile(file: string): FlowInput {
  const json = readJson(file);
  if (!isRecord(json)) throw new SessionFileError(file, '(file)', 'must be a JSON object');
  const session = json.session;
  if (session !== undefined && !isRecord(session)) {
    throw new SessionFileError(file, 'session', 'must be a platform call or chat object');
  }
  const derived = session === undefined ? {} : sessionVariables(session);
  return {
    variables: { ...derived, ...readVariables(file, json.variables) },
    files: readFiles(file, json.files),
    ...(session === undefined ? {} : { session }),
  };
}

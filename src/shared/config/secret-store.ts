import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretSource } from './env-substitution';
import { errorMessage, hasErrorCode } from '../errors/system-error';

/**
 * Embedded mode's answer to an unset credential: generate it once, keep it in
 * `DATA_DIR/secrets.json` (owner-only) and reuse it, so `npm start` works on a fresh machine and
 * the credentials printed at the first start stay valid.
 */
export interface ReportedSecret {
  name: string;
  value: string;
  /** True when created by this load (not yet known to anyone), false when reused from the file. */
  generated: boolean;
}

/** Stands in for a secret that a dry run (`config check`) would generate but must not write. */
export const GENERATED_SECRET_PLACEHOLDER = '(generated at first start)';

export const SECRETS_FILE = 'secrets.json';

export class SecretStore implements SecretSource {
  private saved: Record<string, string> | undefined;
  private readonly used = new Map<string, ReportedSecret>();
  /** Why the file could not be read; the loader reports it and then writes nothing. */
  problem: string | undefined;

  constructor(
    readonly file: string,
    private readonly persist: boolean,
  ) {}

  obtain(name: string): string {
    const known = this.used.get(name) ?? this.fromFileOrNew(name);
    this.used.set(name, known);
    return known.value;
  }

  known(name: string): string | undefined {
    const found = this.used.get(name)?.value ?? this.load()[name];
    if (found !== undefined && !this.used.has(name))
      this.used.set(name, { name, value: found, generated: false });
    return found;
  }

  report(): ReportedSecret[] {
    return [...this.used.values()];
  }

  /** Writes the generated secrets next to the kept ones; a no-op when nothing is new. */
  save(): void {
    const generated = this.report().filter((s) => s.generated);
    if (!this.persist || generated.length === 0) return;
    const all = { ...this.load(), ...Object.fromEntries(generated.map((s) => [s.name, s.value])) };
    writeAtomically(this.file, `${JSON.stringify(all, null, 2)}\n`);
    this.saved = all;
  }

  private fromFileOrNew(name: string): ReportedSecret {
    const value = this.load()[name];
    if (value !== undefined) return { name, value, generated: false };
    return {
      name,
      value: this.persist ? randomBytes(24).toString('base64url') : GENERATED_SECRET_PLACEHOLDER,
      generated: true,
    };
  }

  private load(): Record<string, string> {
    this.saved ??= this.read();
    return this.saved;
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) return {};
      this.problem = `cannot read: ${errorMessage(error)}`;
      return {};
    }
    const parsed = parseStringMap(text);
    if (parsed === undefined) this.problem = 'must be a JSON object of strings';
    return parsed ?? {};
  }
}

function parseStringMap(text: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') return undefined;
    map[key] = entry;
  }
  return map;
}

/** Temp file + rename: a crash mid-write must never leave a truncated secrets file behind. */
function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

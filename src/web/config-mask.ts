import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { configFiles } from '../shared/config/app-config';
import { isSecretName } from '../shared/config/env-substitution';
import { valueScalars } from '../shared/config/yaml-nodes';

export const MASK = '********';

/** Keys holding credentials wherever they appear: `password`, `clientSecret`, a header's `value`… */
const SECRET_KEY =
  /(password|passwd|secret|token|authorization|cookie|credentials?)$|^value$|(^|api|private|access|company)[-_]?key$/i;
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

/** A config path as dotted text: `server.api.auth.basic.0.password`. */
export type ConfigPath = string;

/**
 * The paths of config values written with a secret variable (`${…PASSWORD}`, `${…SECRET}`,
 * `${…KEY}`, `${…TOKEN}`), found in the files as written: such a value is masked whatever its
 * key is called (a URL with `?token=${CRM_TOKEN}` in it, say).
 */
export function secretReferencePaths(configDir: string): Set<ConfigPath> {
  const paths = new Set<ConfigPath>();
  for (const [section, spec] of Object.entries(configFiles)) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(configDir, spec.file), 'utf8');
    } catch {
      continue; // an optional file that is absent, or one gone since the start
    }
    for (const { scalar, path: where } of valueScalars(parseDocument(text))) {
      if (typeof scalar.value !== 'string') continue;
      const names = [...scalar.value.matchAll(REFERENCE)].map((m) => m[1] ?? '');
      if (names.some(isSecretName)) paths.add([section, ...where.map(String)].join('.'));
    }
  }
  return paths;
}

/**
 * A copy of the effective config fit to show: values under secret-looking keys or written with a
 * secret variable are masked, and so is the password of any URL (`smtp://user:pass@host`).
 */
export function maskConfig(value: unknown, secretPaths: ReadonlySet<ConfigPath>): unknown {
  const walk = (node: unknown, where: string[], secretKey: boolean): unknown => {
    if (secretKey || secretPaths.has(where.join('.'))) return node === '' ? '' : MASK;
    if (typeof node === 'string') return maskUrlPassword(node);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...where, String(i)], false));
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => [
        key,
        walk(child, [...where, key], SECRET_KEY.test(key)),
      ]),
    );
  };
  return walk(value, [], false);
}

function maskUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(text)) return text;
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^/@\s]*@/i, `$1${MASK}@`);
}

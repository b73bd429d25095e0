/**
 * `${NAME}` and `${NAME:-default}` in config values. The loader applies this to each parsed YAML
 * scalar, never to the raw text, so a variable's value can't add YAML structure or shift lines.
 */

export interface VariableRef {
  name: string;
  /** The text after `:-`; `undefined` when the reference has no default. */
  fallback?: string;
}

export type Resolution = { ok: true; value: string } | { ok: false; message: string };

export type ResolveVariable = (ref: VariableRef) => Resolution;

export interface Substituted {
  value: string;
  problems: string[];
}

/** Supplies a secret the environment does not set (embedded mode only). */
export interface SecretSource {
  /** The kept value, or a new one generated and kept. */
  obtain(name: string): string;
  /** The kept (or already generated) value, without generating one. */
  known(name: string): string | undefined;
}

const ESCAPE = '$${';
const OPEN = '${';
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const SECRET_NAME = /(PASSWORD|SECRET|KEY|TOKEN)$/;

/** Replaces every reference in `text`; unresolvable ones stay as written and become problems. */
export function substituteVariables(text: string, resolve: ResolveVariable): Substituted {
  let value = '';
  const problems: string[] = [];
  let at = 0;
  while (at < text.length) {
    const next = nextMarker(text, at);
    if (next === undefined) break;
    value += text.slice(at, next.index);
    if (next.kind === 'escape') {
      value += OPEN;
      at = next.index + ESCAPE.length;
      continue;
    }
    const close = text.indexOf('}', next.index + OPEN.length);
    if (close < 0) {
      problems.push(`unterminated "${OPEN}" (write "${ESCAPE}" for a literal "${OPEN}")`);
      value += text.slice(next.index);
      at = text.length;
      continue;
    }
    const written = text.slice(next.index, close + 1);
    const resolved = resolveReference(written, resolve);
    if (resolved.ok) value += resolved.value;
    else {
      problems.push(resolved.message);
      value += written;
    }
    at = close + 1;
  }
  return { value: value + text.slice(at), problems };
}

/** Credentials are recognised by name so the shipped config needs no extra marker for them. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Resolves from `env`. Like the shell, `:-` also replaces an empty value. A secret with no
 * default that is unset or empty comes from `secrets` when given (embedded mode): a blank line
 * copied from `.env.example` must not become an empty password.
 */
export function envResolver(
  env: NodeJS.ProcessEnv,
  secrets?: SecretSource,
  options: { generate: boolean } = { generate: true },
): ResolveVariable {
  return ({ name, fallback }) => {
    const value = env[name];
    if (fallback !== undefined) return { ok: true, value: value || fallback };
    if (isSecretName(name) && !value) {
      // An empty secret counts as unset: a blank line copied from .env.example is no password.
      const secret = options.generate ? secrets?.obtain(name) : secrets?.known(name);
      return secret === undefined ? notSet(name) : { ok: true, value: secret };
    }
    return value === undefined ? notSet(name) : { ok: true, value };
  };
}

function notSet(name: string): Resolution {
  return { ok: false, message: `${OPEN}${name}} is not set` };
}

function nextMarker(
  text: string,
  from: number,
): { index: number; kind: 'escape' | 'reference' } | undefined {
  const escape = text.indexOf(ESCAPE, from);
  const reference = text.indexOf(OPEN, from);
  if (reference < 0) return undefined;
  // "$${" contains "${" one character later, so an escape found first wins.
  return escape >= 0 && escape < reference
    ? { index: escape, kind: 'escape' }
    : { index: reference, kind: 'reference' };
}

function resolveReference(written: string, resolve: ResolveVariable): Resolution {
  const match = REFERENCE.exec(written.slice(OPEN.length, -1));
  const name = match?.[1];
  if (match === null || name === undefined) {
    return {
      ok: false,
      message: `"${written}" is not a variable reference (expected ${OPEN}NAME} or ${OPEN}NAME:-default})`,
    };
  }
  return resolve({ name, fallback: match[2] });
}

import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configFiles, type AppConfig, type ConfigFileSpec } from './app-config';
import { envResolver, substituteVariables, type ResolveVariable } from './env-substitution';
import type { RuntimeMode } from './runtime-env';
import { SECRETS_FILE, SecretStore, type ReportedSecret } from './secret-store';
import { errorMessage, hasErrorCode } from '../errors/system-error';
import { problemOffset, valueScalars, type NodePath } from './yaml-nodes';

export interface LoadConfigOptions {
  configDir: string;
  dataDir: string;
  mode: RuntimeMode;
  env: NodeJS.ProcessEnv;
  /** False for a dry run (`config check`): secrets still missing are assumed, nothing is written. */
  writeSecrets: boolean;
}

export interface ConfigProblem {
  /** As the admin wrote the config directory, so the path can be pasted back into an editor. */
  file: string;
  line: number;
  /** Dotted, e.g. `api.auth.basic.0.password`; empty for the file as a whole. */
  path: string;
  message: string;
}

export type ConfigResult =
  | { ok: true; config: AppConfig; secrets: ReportedSecret[] }
  | { ok: false; problems: ConfigProblem[] };

interface FileResult {
  value: unknown;
  problems: ConfigProblem[];
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}: ${p.path}: ${p.message}`;
}

/** Reads, substitutes and validates every config file, reporting all problems of all files. */
export function loadConfig(options: LoadConfigOptions): ConfigResult {
  const secrets =
    options.mode === 'embedded'
      ? new SecretStore(path.join(options.dataDir, SECRETS_FILE), options.writeSecrets)
      : undefined;
  const sections: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, spec] of Object.entries<ConfigFileSpec>(configFiles)) {
    const resolve = envResolver(options.env, secrets, { generate: spec.generatesSecrets === true });
    const result = loadFile(path.join(options.configDir, spec.file), spec, resolve);
    sections[name] = result.value;
    problems.push(...result.problems);
  }
  if (secrets?.problem !== undefined) problems.push(wholeFile(secrets.file, secrets.problem));
  if (problems.length > 0) return { ok: false, problems };

  const saveProblem = trySave(secrets);
  if (saveProblem !== undefined) return { ok: false, problems: [saveProblem] };
  // Every section was validated by the schema registered under its name.
  const config = { dir: path.resolve(options.configDir), ...sections } as AppConfig;
  return { ok: true, config: deepFreeze(config), secrets: secrets?.report() ?? [] };
}

function loadFile(file: string, spec: ConfigFileSpec, resolve: ResolveVariable): FileResult {
  const text = readText(file);
  if (text === undefined && spec.optional === true) return { value: undefined, problems: [] };
  if (typeof text !== 'string') {
    return { value: undefined, problems: [wholeFile(file, text?.problem ?? 'file not found')] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined): number =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const problem = (at: number | undefined, where: NodePath, message: string): ConfigProblem => ({
    file,
    line: lineAt(at),
    path: where.map(String).join('.'),
    message,
  });

  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => problem(e.pos[0], [], e.message));
    return { value: undefined, problems };
  }
  const problems = substituteEnv(doc, resolve).map((p) => problem(p.offset, p.path, p.message));
  const parsed = validate(doc, spec.schema);
  problems.push(
    ...parsed.issues.map((i) => problem(problemOffset(doc, i.path), i.path, i.message)),
  );
  return { value: parsed.value, problems: problems.sort((a, b) => a.line - b.line) };
}

/** The file's text; undefined when it does not exist. */
function readText(file: string): string | { problem: string } | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    return { problem: `cannot read: ${errorMessage(error)}` };
  }
}

interface LocatedMessage {
  offset: number | undefined;
  path: NodePath;
  message: string;
}

/** Replaces references in place, so the scalars keep their source ranges for later problems. */
function substituteEnv(doc: Document, resolve: ResolveVariable): LocatedMessage[] {
  const problems: LocatedMessage[] = [];
  for (const { scalar, path: where } of valueScalars(doc)) {
    if (typeof scalar.value !== 'string') continue;
    const result = substituteVariables(scalar.value, resolve);
    scalar.value = result.value;
    const offset = scalar.range?.[0];
    problems.push(...result.problems.map((message) => ({ offset, path: where, message })));
  }
  return problems;
}

interface Validated {
  value: unknown;
  issues: { path: NodePath; message: string }[];
}

function validate(doc: Document, schema: z.ZodType): Validated {
  // A file of nothing but comments (actions.yaml as shipped) is an empty map: every default.
  const data: unknown = doc.toJS() ?? {};
  const parsed = schema.safeParse(data);
  if (parsed.success) return { value: parsed.data, issues: [] };
  return { value: undefined, issues: parsed.error.issues.flatMap((i) => describeIssue(i, data)) };
}

/** zod's wording, except where it hides what the admin must do: add or remove a key. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): Validated['issues'] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      message: `unknown key "${key}"`,
    }));
  }
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) {
    return [{ path: issue.path, message: `required (${issue.expected})` }];
  }
  return [{ path: issue.path, message: issue.message }];
}

function valueAt(data: unknown, where: NodePath): unknown {
  let value = data;
  for (const segment of where) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function trySave(secrets: SecretStore | undefined): ConfigProblem | undefined {
  try {
    secrets?.save();
    return undefined;
  } catch (error) {
    return wholeFile(secrets?.file ?? SECRETS_FILE, `cannot write: ${errorMessage(error)}`);
  }
}

function wholeFile(file: string, message: string): ConfigProblem {
  return { file, line: 1, path: '', message };
}

/** Validated once, never transformed at run time: a stray write throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

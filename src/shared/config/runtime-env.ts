import type { LogLevel } from '../log/logger';

/**
 * The process environment the server and every command read, validated once. Config files say
 * what crm-bridge does; these variables say where it runs and which adapters it uses.
 */
export type RuntimeMode = 'embedded' | 'production';

export interface RuntimeEnv {
  mode: RuntimeMode;
  port: number;
  host: string;
  configDir: string;
  dataDir: string;
  mongodbUri?: string;
  redisUrl?: string;
  smtpUrl?: string;
  logLevel: LogLevel;
  outcomeEmailDelayMs?: number;
  inboundSmtpPort?: number;
  sessionSecret?: string;
}

/** Every problem names its variable; the server prints them and refuses to start. */
export type RuntimeEnvResult = { ok: true; env: RuntimeEnv } | { ok: false; problems: string[] };

const logLevels = [
  'error',
  'warn',
  'info',
  'http',
  'verbose',
  'debug',
  'silly',
  'silent',
] as const satisfies readonly LogLevel[];

/** Production is chosen by the store: MongoDB (or an explicit NODE_ENV) means shared, durable state. */
export function runtimeMode(env: NodeJS.ProcessEnv): RuntimeMode {
  return text(env, 'MONGODB_URI') !== undefined || env.NODE_ENV === 'production'
    ? 'production'
    : 'embedded';
}

/** Where config and data live; apart from the rest so `config check` runs despite a bad PORT. */
export function runtimeLocations(env: NodeJS.ProcessEnv): { configDir: string; dataDir: string } {
  return {
    configDir: text(env, 'CONFIG_DIR') ?? './config',
    dataDir: text(env, 'DATA_DIR') ?? './data',
  };
}

/** Reads and validates every variable, reporting all bad ones at once. */
export function readRuntimeEnv(env: NodeJS.ProcessEnv): RuntimeEnvResult {
  const read = envReader(env);
  const value: RuntimeEnv = {
    mode: runtimeMode(env),
    port: read.integer('PORT', 0, 65535) ?? 3000,
    host: text(env, 'HOST') ?? '0.0.0.0',
    ...runtimeLocations(env),
    mongodbUri: read.url('MONGODB_URI', ['mongodb:', 'mongodb+srv:']),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    logLevel: read.oneOf('LOG_LEVEL', logLevels) ?? 'info',
    outcomeEmailDelayMs: read.integer('OUTCOME_EMAIL_DELAY_MS', 0, 2 ** 31 - 1),
    inboundSmtpPort: read.integer('INBOUND_SMTP_PORT', 0, 65535),
    sessionSecret: text(env, 'SESSION_SECRET'),
  };
  return read.problems.length > 0
    ? { ok: false, problems: read.problems }
    : { ok: true, env: value };
}

/** Blank counts as unset: an empty line copied from `.env.example` must not beat a default. */
function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Typed readers that collect every problem instead of stopping at the first. */
function envReader(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const reject = (message: string): undefined => {
    problems.push(message);
    return undefined;
  };
  return {
    problems,
    integer(name: string, min: number, max: number): number | undefined {
      const raw = text(env, name);
      if (raw === undefined) return undefined;
      const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(value) && value >= min && value <= max
        ? value
        : reject(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    },
    url(name: string, protocols: string[]): string | undefined {
      const raw = text(env, name);
      if (raw === undefined) return undefined;
      // The value may hold a password, so the message does not echo it.
      return URL.canParse(raw) && protocols.includes(new URL(raw).protocol)
        ? raw
        : reject(`${name} must be a URL starting with ${protocols.join('// or ')}//`);
    },
    oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
      const raw = text(env, name);
      if (raw === undefined) return undefined;
      return (
        values.find((v) => v === raw.toLowerCase()) ??
        reject(`${name} must be one of ${values.join(', ')}, got "${raw}"`)
      );
    },
  };
}

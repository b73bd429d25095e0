import type { z } from 'zod';
import { crmSchema } from './crm-schema';
import { serverSchema } from './server-schema';

export interface ConfigFileSpec {
  /** File name inside the config directory. */
  file: string;
  schema: z.ZodType;
}

/**
 * Every config file crm-bridge reads. Adding one is one line here: the loader, `config check`
 * and `config schema` all iterate this table, and the key names the section of AppConfig.
 */
export const configFiles = {
  server: { file: 'server.yaml', schema: serverSchema },
  crm: { file: 'crm.yaml', schema: crmSchema },
} as const satisfies Record<string, ConfigFileSpec>;

export type ConfigName = keyof typeof configFiles;

/** The validated, deep-frozen configuration: `{ dir, server: ServerConfig, crm: CrmConfig, ... }`. */
export type AppConfig = { dir: string } & {
  [K in ConfigName]: z.output<(typeof configFiles)[K]['schema']>;
};

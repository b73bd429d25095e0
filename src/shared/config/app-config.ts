import type { z } from 'zod';
import { actionsSchema } from '../../actions/actions-schema';
import { genericApiSchema } from '../../generic-api/config/generic-api-schema';
import { crmSchema } from './crm-schema';
import { serverSchema } from './server-schema';

export interface ConfigFileSpec {
  /** File name inside the config directory. */
  file: string;
  schema: z.ZodType;
  /** A file that may be absent; its section is then `undefined` (the feature is not configured). */
  optional?: boolean;
  /**
   * Embedded mode generates this file's unset secrets. Only server.yaml's: they are crm-bridge's
   * own credentials, while a secret another file names (a downstream CRM's key) cannot be made up.
   */
  generatesSecrets?: boolean;
}

/**
 * Every config file crm-bridge reads. Adding one is one line here: the loader, `config check`
 * and `config schema` all iterate this table, and the key names the section of AppConfig.
 */
export const configFiles = {
  server: { file: 'server.yaml', schema: serverSchema, generatesSecrets: true },
  crm: { file: 'crm.yaml', schema: crmSchema },
  genericApi: { file: 'generic-api.yaml', schema: genericApiSchema, optional: true },
  actions: { file: 'actions.yaml', schema: actionsSchema, optional: true },
} as const satisfies Record<string, ConfigFileSpec>;

export type ConfigName = keyof typeof configFiles;

type Section<S extends ConfigFileSpec> = S extends { optional: true }
  ? z.output<S['schema']> | undefined
  : z.output<S['schema']>;

/** The validated, deep-frozen configuration: `{ dir, server: ServerConfig, crm: CrmConfig, ... }`. */
export type AppConfig = { dir: string } & {
  [K in ConfigName]: Section<(typeof configFiles)[K]>;
};

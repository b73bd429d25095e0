import type { CliCommand } from './command';
import { configCheck, configSchema } from './config-commands';

/** Every `crm-bridge` command, in the order `--help` lists them; a new command is one entry. */
export const commands: readonly CliCommand[] = [configCheck, configSchema];

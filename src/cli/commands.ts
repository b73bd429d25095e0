import type { CliCommand } from './command';
import { configCheck, configSchema } from './config-commands';
import { configDocs } from './config-docs-command';
import { doctor } from './doctor-command';
import { lookupUrl } from './lookup-url-command';
import { oauthLink } from './oauth-link-command';
import { render } from './render-command';
import { simulate } from './simulate-command';

/** Every `crm-bridge` command, in the order `--help` lists them; a new command is one entry. */
export const commands: readonly CliCommand[] = [
  configCheck,
  configSchema,
  configDocs,
  simulate,
  render,
  lookupUrl,
  oauthLink,
  doctor,
];

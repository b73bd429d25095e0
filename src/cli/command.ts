/** What a command may touch: injected so a command runs the same in-process as from a shell. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
}

/**
 * One `crm-bridge` command. `name` may hold several words (`config check`, `oauth link`); the
 * router picks the longest name the arguments start with and passes the rest to `run`.
 */
export interface CliCommand {
  name: string;
  /** Synopsis after `crm-bridge`, e.g. `config check [--config-dir DIR]`. */
  usage: string;
  summary: string;
  /** Resolves to the exit code; throws UsageError for arguments it cannot accept. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

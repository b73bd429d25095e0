#!/usr/bin/env node
import { commands } from './cli/commands';
import { runCli } from './cli/run-cli';

runCli(
  process.argv.slice(2),
  {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  commands,
).then(
  // exitCode rather than exit(): let piped stdout drain first.
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `crm-bridge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

import type { CliCommand, CommandIo } from './command';
import { UsageError } from './usage-error';

const HELP_FLAGS = new Set(['--help', '-h']);

/** Routes `argv` (without node and script) to a command; resolves to the process exit code. */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  commands: readonly CliCommand[],
): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === 'help' || HELP_FLAGS.has(first)) {
    const print = first === undefined ? io.err : io.out;
    usage(commands).forEach((line) => print(line));
    return first === undefined ? 2 : 0;
  }
  const command = findCommand(argv, commands);
  if (command === undefined) return unknownCommand(first, io, commands);

  const args = argv.slice(wordsOf(command.name).length);
  if (wantsHelp(args)) {
    io.out(`usage: crm-bridge ${command.usage}`);
    io.out('');
    io.out(command.summary);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`crm-bridge ${command.name}: ${error.message}`);
    io.err(`usage: crm-bridge ${command.usage}`);
    return 2;
  }
}

function usage(commands: readonly CliCommand[]): string[] {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'usage: crm-bridge <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Run "crm-bridge <command> --help" for one command.',
  ];
}

/** The longest name wins, so `oauth link` and a later `oauth` can coexist. */
function findCommand(
  argv: readonly string[],
  commands: readonly CliCommand[],
): CliCommand | undefined {
  return commands
    .filter((c) => wordsOf(c.name).every((word, i) => argv[i] === word))
    .sort((a, b) => wordsOf(b.name).length - wordsOf(a.name).length)[0];
}

function unknownCommand(first: string, io: CommandIo, commands: readonly CliCommand[]): number {
  const family = commands.filter((c) => wordsOf(c.name)[0] === first);
  const subcommands = family.map((c) => wordsOf(c.name).slice(1).join(' '));
  io.err(
    family.length > 0
      ? `crm-bridge: "${first}" needs one of: ${subcommands.join(', ')}`
      : `crm-bridge: unknown command "${first}"`,
  );
  io.err('');
  usage(family.length > 0 ? family : commands).forEach((line) => io.err(line));
  return 2;
}

/** Options after `--` belong to the command, never to the router. */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => HELP_FLAGS.has(a));
}

function wordsOf(name: string): string[] {
  return name.split(' ');
}

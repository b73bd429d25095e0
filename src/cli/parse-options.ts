import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage, hasErrorCodePrefix } from '../shared/errors/system-error';
import { UsageError } from './usage-error';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** `--name VALUE` / `--name=VALUE` options only; anything else is a usage error. */
export function parseOptions<const O extends OptionSpecs>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs signals bad input with ERR_PARSE_ARGS_* codes; anything else is a bug.
    if (hasErrorCodePrefix(error, 'ERR_PARSE_ARGS')) throw new UsageError(errorMessage(error));
    throw error;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand } from './command';
import { readConfigDocsSources, renderConfigDocs } from './config-docs';
import { parseOptions } from './parse-options';
import { UsageError } from './usage-error';

/** The checkout the sources live in: `src/cli` under tsx, `dist/cli` when built. */
export const PROJECT_ROOT = path.resolve(__dirname, '../..');

export const configDocs: CliCommand = {
  name: 'config docs',
  usage: 'config docs --out FILE',
  summary: 'Write the configuration reference (every key, type, default, environment variable).',
  async run(args, io) {
    const { out } = parseOptions(args, { out: { type: 'string' } });
    if (out === undefined || out === '') throw new UsageError('--out FILE is required');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, renderConfigDocs(readConfigDocsSources(PROJECT_ROOT)));
    io.out(`wrote ${out}`);
    return 0;
  },
};

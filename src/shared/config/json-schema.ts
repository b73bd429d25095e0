import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configFiles } from './app-config';

export interface ConfigJsonSchema {
  /** `server.schema.json` for `server.yaml`; the shipped YAML files point at these names. */
  fileName: string;
  schema: Record<string, unknown>;
}

/**
 * JSON Schemas for editors (yaml-language-server), generated from the same zod schemas the
 * loader validates with. They describe what an admin writes (`io: 'input'`), so keys with a
 * default are optional and the default is shown; draft-07 is what most editors understand.
 */
export function configJsonSchemas(): ConfigJsonSchema[] {
  return Object.values(configFiles).map(({ file, schema }) => {
    const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-07' });
    return {
      fileName: `${path.basename(file, path.extname(file))}.schema.json`,
      schema: { $schema, title: `crm-bridge ${file}`, ...rest },
    };
  });
}

/** Writes every schema into `outDir` and returns the paths written. */
export function writeConfigJsonSchemas(outDir: string): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  return configJsonSchemas().map(({ fileName, schema }) => {
    const file = path.join(outDir, fileName);
    fs.writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    return file;
  });
}

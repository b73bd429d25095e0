/**
 * What `config check` adds for middleware mode, where crm.yaml and generic-api.yaml meet: remote
 * needs generic-api.yaml, and every /api/v1 operation its endpoints cannot serve is listed with
 * the reason, since the route will answer 501.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileGenericApi } from '../../generic-api/compiled-config';
import type { AppConfig } from '../../shared/config/app-config';
import type { ConfigProblem } from '../../shared/config/load-config';
import { missingOperations } from './remote-operations';

export interface RemoteCheck {
  problems: ConfigProblem[];
  notes: string[];
}

/** The line of crm.yaml's top-level `backend:` key, so an editor can jump to it. */
function backendLine(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => /^backend\s*:/.test(line));
  return index + 1 || 1;
}

export function checkRemoteBackend(config: AppConfig, configDir: string): RemoteCheck {
  if (config.crm.backend !== 'remote') return { problems: [], notes: [] };
  if (config.genericApi === undefined) {
    const file = path.join(configDir, 'crm.yaml');
    return {
      problems: [
        {
          file,
          line: backendLine(file),
          path: 'backend',
          message: "remote needs generic-api.yaml (the remote CRM's endpoints), which is missing",
        },
      ],
      notes: [],
    };
  }
  const notes = missingOperations(compileGenericApi(config.genericApi)).map(
    ({ route, reason }) => `crm.yaml backend remote: ${route} answers 501 (${reason})`,
  );
  return { problems: [], notes };
}

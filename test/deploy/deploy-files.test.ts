import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/run-cli';

/*
 * No Docker engine runs here, so the image is never built in CI: these checks hold the files to
 * what "Run in production" promises. CI also validates the compose file with docker-compose.
 */
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The Dockerfile's instructions, continuation lines joined, of the last stage only. */
function runtimeStage(): string[] {
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = instructions.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
  return instructions.slice(lastFrom);
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  stop_grace_period?: string;
}

describe('The deployment files', () => {
  test('When the image runs, then it is non-root, production-only, health-checked and stops on SIGTERM', () => {
    const stage = runtimeStage();
    const user = stage.filter((line) => line.startsWith('USER '));
    expect(user).toEqual(['USER node']);
    expect(stage.findIndex((l) => l.startsWith('USER '))).toBeLessThan(
      stage.findIndex((l) => l.startsWith('CMD ')),
    );
    const installs = stage.filter((line) => /\bnpm (ci|install)\b/.test(line));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('--omit=dev');
    expect(stage.find((line) => line.startsWith('HEALTHCHECK '))).toContain('/healthz');
    expect(stage).toContain('STOPSIGNAL SIGTERM');
    expect(stage).toContain('CMD ["node", "dist/main.js"]');
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.env', 'data', '.git']));
  });

  test('When compose runs, then two crm-bridge replicas share MongoDB and Redis, Redis never evicts, and a stop outlasts the shutdown bounds', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, ComposeService>;
    };
    const replicas = Object.entries(compose.services).filter(([name]) =>
      name.startsWith('crm-bridge'),
    );
    expect(replicas).toHaveLength(2);
    for (const [, service] of replicas) {
      expect(service.environment).toMatchObject({
        MONGODB_URI: 'mongodb://mongo:27017/crm_bridge',
        REDIS_URL: 'redis://redis:6379',
      });
      // 10 s HTTP drain + 10 s for the emails in flight, then closing.
      expect(parseInt(service.stop_grace_period ?? '0', 10)).toBeGreaterThanOrEqual(25);
    }
    const redis = compose.services.redis?.command?.join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(redis).toContain('--appendonly yes');
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['mongo', 'redis', 'mailpit']),
    );
  });
});

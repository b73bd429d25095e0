import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { CODES_COLLECTION, TOKENS_COLLECTION } from '../../src/oauth/grant-store';
import { secretHash } from '../../src/oauth/secrets';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  authorizationCode,
  PLATFORM,
  platformRequest,
  signIn,
  tokenRequest,
  withOAuth,
} from './oauth-helpers';

const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(dataDir?: string): Promise<TestApp> {
  const app = await startTestApp({
    configure: (config) => withOAuth(config),
    ...(dataDir !== undefined && { dataDir }),
  });
  apps.push(app);
  return app;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

describe('Codes and tokens in the store', () => {
  test('When the server restarts on the same data directory, then tokens and refresh tokens still work', async () => {
    const first = await start();
    const browser = supertest.agent(first.app.express);
    await signIn(browser);
    const code = await authorizationCode(browser, platformRequest());
    const issued = (
      await tokenRequest(supertest.agent(first.app.express), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PLATFORM.redirectUri,
      })
    ).body;
    await first.close({ keepData: true });
    apps.splice(apps.indexOf(first), 1);

    const second = await start(first.dataDir);
    const api = await second.anonymous
      .get('/api/v1/accounts')
      .set('Authorization', `Bearer ${issued.access_token}`);
    expect(api.status).toBe(200);
    const refreshed = await tokenRequest(second.anonymous, {
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
    });
    expect(refreshed.status).toBe(200);
  });

  test('When codes and tokens are issued, then the store holds only their hashes', async () => {
    const app = await start();
    const browser = supertest.agent(app.app.express);
    await signIn(browser);
    const unused = await authorizationCode(browser, platformRequest());
    const code = await authorizationCode(browser, platformRequest());
    const issued = (
      await tokenRequest(app.anonymous, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PLATFORM.redirectUri,
      })
    ).body;
    const secrets = [unused, code, issued.access_token, issued.refresh_token] as string[];

    const docs = [
      ...(await app.store.collection(CODES_COLLECTION).find()),
      ...(await app.store.collection(TOKENS_COLLECTION).find()),
    ];
    expect(docs.length).toBeGreaterThanOrEqual(4);
    const stored = JSON.stringify(docs);
    const onDisk =
      app.store.kind === 'embedded'
        ? filesUnder(app.dataDir).map((file) => fs.readFileSync(file, 'latin1'))
        : [];
    for (const secret of secrets) {
      expect(stored).not.toContain(secret);
      for (const content of onDisk) expect(content).not.toContain(secret);
    }
    // What is kept instead: the hash, which the server looks tokens up by.
    expect(stored).toContain(secretHash(issued.access_token));
    if (app.store.kind === 'embedded') {
      expect(onDisk.some((content) => content.includes(secretHash(issued.refresh_token)))).toBe(
        true,
      );
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MASK, maskConfig, secretReferencePaths } from '../../src/web/config-mask';

describe('maskConfig', () => {
  test('When values sit under secret-looking keys, then they are masked and the rest is kept', () => {
    const masked = maskConfig(
      {
        api: {
          auth: {
            basic: [{ username: 'ccaip', password: 'p1' }],
            headers: [{ name: 'X-Api-Key', value: 'k1' }],
            oauth2: { clients: [{ clientId: 'c', clientSecret: 's1' }], accessTokenTtlSeconds: 60 },
          },
        },
        web: { sessionSecret: 's2', sso: { tokenUrl: 'https://idp/token' } },
        genericApi: { auth: { headers: { 'X-Api-Key': 'k2' } } },
        crm: { responses: { listKey: 'data' } },
        smtp: 'smtp://user:hunter2@mail.example.com:587',
      },
      new Set(),
    );
    const text = JSON.stringify(masked);
    for (const secret of ['p1', 'k1', 's1', 's2', 'k2', 'hunter2'])
      expect(text).not.toContain(`"${secret}"`);
    expect(text).not.toContain('hunter2');
    expect(masked).toMatchObject({
      api: { auth: { basic: [{ username: 'ccaip', password: MASK }] } },
      web: { sso: { tokenUrl: 'https://idp/token' } },
      crm: { responses: { listKey: 'data' } },
      smtp: `smtp://user:${MASK}@mail.example.com:587`,
    });
  });

  test('When a value was written with a secret variable, then it is masked whatever its key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-mask-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'server.yaml'),
        'lookupUrls:\n  ivr: "https://crm/l?token=${CRM_TOKEN}&a={ANI}"\n  web: "${WEB_URL:-x}"\n',
      );
      const paths = secretReferencePaths(dir);
      expect([...paths]).toEqual(['server.lookupUrls.ivr']);
      const masked = maskConfig(
        { server: { lookupUrls: { ivr: 'https://crm/l?token=abc', web: 'x' } } },
        paths,
      );
      expect(masked).toEqual({ server: { lookupUrls: { ivr: MASK, web: 'x' } } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

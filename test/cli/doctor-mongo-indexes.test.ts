import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requiredIndexes } from '../../src/doctor/checks/mongo-indexes';
import { testConfig } from '../support/test-app';

describe('requiredIndexes', () => {
  it("When the shipped crm.yaml is used, then doctor expects the server's search-key and link indexes", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-indexes-'));
    try {
      const indexes = requiredIndexes(testConfig(dataDir).crm).map(
        (i) => `${i.collection}.${i.field}`,
      );
      expect(indexes).toEqual([
        'accounts._k_phone',
        'accounts._k_email',
        'records._k_phone',
        'records.accountId',
        'comments.recordId',
        'attachments.recordId',
        'oauth_codes.family',
        'oauth_codes.expiresAt',
        'oauth_tokens.family',
        'oauth_tokens.expiresAt',
      ]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

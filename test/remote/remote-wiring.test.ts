/**
 * examples/remote beyond the /api/v1 routes: the same generic-api.yaml drives the platform's
 * flows (what `simulate` runs), and the composed server lets an observer see each outbound call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { composeApp } from '../../src/compose';
import { compileGenericApi } from '../../src/generic-api/compiled-config';
import { runFlow } from '../../src/generic-api/flows/flow-runner';
import { createGenericApiSender } from '../../src/generic-api/generic-api-client';
import type { Exchange } from '../../src/generic-api/sender/mask-exchange';
import { createLogger } from '../../src/shared/log/logger';
import { TEST_CREDENTIALS, testConfig } from '../support/test-app';
import { ACME_KEY, type AcmeCrm, startAcmeCrm } from './acme-crm';
import { remoteSections } from './remote-app';

let acme: AcmeCrm;
beforeEach(async () => {
  acme = await startAcmeCrm();
});
afterEach(() => acme.close());

test('When the flows run on the example, then the account is found again and a case is created', async () => {
  const genericApi = remoteSections(acme.origin, ACME_KEY).genericApi;
  if (genericApi === undefined) throw new Error('examples/remote has a generic-api.yaml');
  const api = compileGenericApi(genericApi);
  const sender = await createGenericApiSender({
    api,
    openStore: () => Promise.reject(new Error('header auth needs no store')),
  });
  const variables = { NAME: 'James Bond', PHONE_NUMBER: '+12223334444', TICKET_SUBJECT: 'Call' };
  const first = await runFlow('record', { variables }, { api, sender });
  const again = await runFlow('account', { variables }, { api, sender });
  expect(first).toMatchObject({ accountId: 'C1', recordId: 'K2' });
  expect(again.accountId).toBe('C1');
  expect(acme.received.map((r) => `${r.method} ${r.target}`)).toEqual([
    'GET /api/contacts?mobile=%2B12223334444&full_name=James%20Bond',
    'POST /api/contacts',
    'GET /api/cases?contact=C1', // reuseOpenRecords: no case to reuse yet
    'POST /api/cases',
    'GET /api/contacts?mobile=%2B12223334444&full_name=James%20Bond',
  ]);
});

test('When the server runs in middleware mode, then the outbound hook and the metrics see each exchange, secrets masked', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-remote-'));
  const exchanges: Exchange[] = [];
  const composed = await composeApp(
    { ...testConfig(dataDir), ...remoteSections(acme.origin, ACME_KEY) },
    { dataDir },
    createLogger('silent'),
    { onOutboundExchange: (exchange) => exchanges.push(exchange) },
  );
  try {
    const res = await supertest(composed.app.express)
      .post('/api/v1/accounts')
      .auth(TEST_CREDENTIALS.username, TEST_CREDENTIALS.password)
      .send({ name: 'James Bond' });
    expect(res.status).toBe(201);
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange?.request).toMatchObject({ endpoint: 'createAccount', method: 'POST' });
    expect(exchange?.response?.status).toBe(201);
    expect(JSON.stringify(exchange)).not.toContain(ACME_KEY);
    const scrape = await supertest(composed.app.express)
      .get('/metrics')
      .auth(TEST_CREDENTIALS.username, TEST_CREDENTIALS.password);
    expect(scrape.text).toMatch(
      /^outbound_request_duration_seconds_count\{endpoint="createAccount",status="201"\} 1$/m,
    );
  } finally {
    for (const closer of composed.closers) await closer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

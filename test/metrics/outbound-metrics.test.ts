import { createHttpSender } from '../../src/generic-api/sender/http-sender';
import { createMetrics } from '../../src/shared/metrics/metrics';
import { outboundObserver } from '../../src/shared/metrics/outbound-metrics';
import { closedPort, json, type Loopback, startLoopback } from '../generic-api/loopback';
import { histogramProblems, parseExposition, valueOf } from './exposition';

describe('Outbound Generic API metrics', () => {
  let crm: Loopback;
  beforeAll(async () => {
    crm = await startLoopback((request, res) =>
      request.path === '/accounts'
        ? json(res, 201, { account: { id: 'a-1' } })
        : json(res, 404, { error: 'no such thing' }),
    );
  });
  afterAll(() => crm.close());

  test('When a sender with the observer calls a CRM, then each request is timed by endpoint and status, and "error" when no response came', async () => {
    const metrics = createMetrics();
    const sender = createHttpSender({
      auth: { method: 'none' },
      timeoutSeconds: 5,
      onExchange: outboundObserver(metrics),
    });
    const send = (endpoint: string, url: string) =>
      sender.send({ endpoint, method: 'POST', url, headers: {} });

    await send('createAccount', `${crm.origin}/accounts`);
    await send('createAccount', `${crm.origin}/accounts`);
    await send('findAccountById', `${crm.origin}/accounts/a-9`);
    await expect(
      send('comment', `http://127.0.0.1:${await closedPort()}/comments`),
    ).rejects.toThrow();

    const samples = parseExposition(await metrics.registry.metrics());
    const count = (endpoint: string, status: string) =>
      valueOf(samples, 'outbound_request_duration_seconds_count', { endpoint, status });
    expect(count('createAccount', '201')).toBe(2);
    expect(count('findAccountById', '404')).toBe(1);
    expect(count('comment', 'error')).toBe(1);
    expect(histogramProblems(samples, 'outbound_request_duration_seconds')).toEqual([]);
  });
});

import { measure, type PlannedRequest, roundRobin } from '../lib/autocannon-run';
import { AUTH_HEADERS } from '../lib/crm-fixtures';
import type { LoadScenario } from '../lib/types';
import { at, type Probe, verifyAll } from '../lib/verify';

/** GET /api/v1/accounts/:id, rotating through the sampled accounts. */
export const findAccountById: LoadScenario = {
  name: 'GET /api/v1/accounts/:id',
  servers: ['crm-bridge'],
  target: { minRateRatio: 0.5, maxP99Ratio: 2 },
  async run(ctx) {
    const server = await ctx.server('crm-bridge');
    const { url, info } = server;
    const cases = info.samples.map(({ id }) => ({
      id,
      path: `/api/v1/accounts/${encodeURIComponent(id)}`,
    }));

    const probes: Probe[] = cases.map(({ id, path }) => ({
      path,
      status: 200,
      check: (json) => (at(json, 'data', 'id') === id ? undefined : `not account ${id}`),
    }));
    await verifyAll(url, AUTH_HEADERS, probes);
    ctx.log(`verified ${probes.length} ids`);

    const requests: PlannedRequest[] = cases.map(({ id, path }) => {
      const expected = `"id":"${id}"`;
      return { path, check: (body) => body.includes(expected) };
    });
    return measure(ctx, { server, headers: AUTH_HEADERS, next: roundRobin(requests) });
  },
};

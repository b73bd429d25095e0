import { measure, type PlannedRequest, roundRobin } from '../lib/autocannon-run';
import { AUTH_HEADERS, SEARCH_FORMATS } from '../lib/crm-fixtures';
import type { LoadScenario } from '../lib/types';
import { at, type Probe, verifyAll } from '../lib/verify';

/**
 * GET /api/v1/accounts?phone=…, each sampled account asked for in every format the platform
 * searches with, formats interleaved so consecutive requests differ.
 */
export const findAccountByPhone: LoadScenario = {
  name: 'GET /api/v1/accounts?phone= (5 formats)',
  servers: ['crm-bridge'],
  target: { minRateRatio: 0.5, maxP99Ratio: 2 },
  async run(ctx) {
    const server = await ctx.server('crm-bridge');
    const { url, info } = server;
    const cases = info.samples.flatMap(({ id, digits }) =>
      SEARCH_FORMATS.map(({ name, format }) => ({
        id,
        format: name,
        path: `/api/v1/accounts?phone=${encodeURIComponent(format(digits))}`,
      })),
    );

    const probes: Probe[] = cases.map(({ id, format, path }) => ({
      path,
      status: 200,
      check: (json) => {
        const found = at(json, 'data');
        if (!Array.isArray(found) || found.length !== 1) return `${format}: not exactly one match`;
        return at(found, 0, 'id') === id ? undefined : `${format}: not account ${id}`;
      },
    }));
    await verifyAll(url, AUTH_HEADERS, probes);
    ctx.log(`verified ${info.samples.length} phones × ${SEARCH_FORMATS.length} formats`);

    const requests: PlannedRequest[] = cases.map(({ id, path }) => {
      const expected = `"id":"${id}"`;
      return { path, check: (body) => body.includes(expected) && body.includes('"total":1') };
    });
    return measure(ctx, { server, headers: AUTH_HEADERS, next: roundRobin(requests) });
  },
};

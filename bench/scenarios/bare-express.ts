import { measure } from '../lib/autocannon-run';
import { AUTH_HEADERS } from '../lib/crm-fixtures';
import type { LoadScenario } from '../lib/types';
import { at, verifyAll } from '../lib/verify';

/** The yardstick: every target is a ratio to this, measured in the same run. */
export const bareExpress: LoadScenario = {
  name: 'bare Express JSON handler',
  servers: ['bare-express'],
  baseline: true,
  async run(ctx) {
    const server = await ctx.server('bare-express');
    await verifyAll(server.url, AUTH_HEADERS, [
      {
        path: '/x',
        status: 200,
        check: (j) => (at(j, 'data', 'id') === 'abc' ? undefined : 'body'),
      },
    ]);
    return measure(ctx, { server, headers: AUTH_HEADERS, next: () => ({ path: '/x' }) });
  },
};

import { measure } from '../lib/autocannon-run';
import { AUTH_HEADERS, newAccount, SEARCH_FORMATS } from '../lib/crm-fixtures';
import type { LoadScenario } from '../lib/types';
import { at, type Probe, verifyAll } from '../lib/verify';

const HEADERS = { ...AUTH_HEADERS, 'content-type': 'application/json' };
const PATH = '/api/v1/accounts';

/** POST /api/v1/accounts with Property, Container map and Container array bodies in turn. */
export const createAccount: LoadScenario = {
  name: 'POST /api/v1/accounts',
  servers: ['crm-bridge'],
  target: { minRateRatio: 0.3, maxP99Ratio: 2 },
  async run(ctx) {
    const server = await ctx.server('crm-bridge');
    const { url } = server;
    let created = 0;

    // Each body format creates the account it describes, which is then found by id and phone.
    const made: { id: string; phone: string }[] = [];
    const creates: Probe[] = [0, 1, 2].map(() => {
      const n = created++;
      const { body, name } = newAccount(n);
      return {
        method: 'POST',
        path: PATH,
        body: JSON.stringify(body),
        status: 201,
        check: (json) => {
          const id = at(json, 'data', 'id');
          const phone = at(json, 'data', 'phone');
          if (at(json, 'data', 'name') !== name || typeof id !== 'string')
            return 'not the account sent';
          if (typeof phone !== 'string') return 'phone missing';
          made.push({ id, phone });
          return undefined;
        },
      };
    });
    await verifyAll(url, HEADERS, creates, 1);
    const lookups: Probe[] = made.flatMap(({ id, phone }) => [
      {
        path: `${PATH}/${encodeURIComponent(id)}`,
        status: 200,
        check: (json) => (at(json, 'data', 'id') === id ? undefined : `not account ${id}`),
      },
      ...SEARCH_FORMATS.map(({ format }) => ({
        path: `${PATH}?phone=${encodeURIComponent(format(phone.replace(/\D/g, '').slice(-10)))}`,
        status: 200,
        check: (json: unknown) => (at(json, 'data', 0, 'id') === id ? undefined : `no ${id}`),
      })),
    ]);
    await verifyAll(url, HEADERS, lookups);
    ctx.log('verified 3 body formats, each found again by id and by phone');

    return measure(ctx, {
      server,
      headers: HEADERS,
      next: () => {
        const { body, name } = newAccount(created++);
        const expected = `"name":${JSON.stringify(name)}`;
        return {
          method: 'POST',
          path: PATH,
          body: JSON.stringify(body),
          check: (text) => text.includes(expected),
        };
      },
    });
  },
};

import fc from 'fast-check';
import { mergeHeaders } from '../../../src/generic-api/sender/auth-headers';

/** What mergeHeaders promises, spelled out the slow way: one entry per name in any case. */
function expectedMerge(sets: readonly Record<string, string>[]): Record<string, string> {
  const byName = new Map<string, [string, string]>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set)) byName.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byName.values());
}

const headerName = fc.constantFrom(
  'Accept',
  'accept',
  'ACCEPT',
  'Authorization',
  'authorization',
  'User-Agent',
  'Content-Type',
  'X-Trace',
  '__proto__',
  '1',
);
const headerSet = fc.dictionary(headerName, fc.string({ maxLength: 8 }), { maxKeys: 5 });

describe('Merging header sets', () => {
  it('When sets are merged, then each name appears once, at its first place, as last set', () => {
    fc.assert(
      fc.property(fc.array(headerSet, { maxLength: 4 }), (sets) => {
        // Entries, not toEqual on the objects: the order of the headers is part of the promise.
        expect(Object.entries(mergeHeaders(...sets))).toEqual(Object.entries(expectedMerge(sets)));
      }),
      { numRuns: 500 },
    );
  });

  it('When a later set spells a name differently, then only its spelling and value are sent', () => {
    const merged = mergeHeaders(
      { Accept: 'application/json', authorization: 'Basic old' },
      { Authorization: 'Bearer new' },
    );
    expect(merged).toEqual({ Accept: 'application/json', Authorization: 'Bearer new' });
    expect(Object.keys(merged)).toEqual(['Accept', 'Authorization']);
  });
});

import { runChecks, type DoctorCheck } from '../../src/doctor/check';
import { exitCodeOf, fail, formatFindings, ok, warn } from '../../src/doctor/finding';

/** A check whose finding arrives after `afterMs`. */
const delayed = (name: string, afterMs: number): DoctorCheck => ({
  check: name,
  target: name,
  run: () =>
    new Promise((resolve) => setTimeout(() => resolve([ok(name, `${name} answered`)]), afterMs)),
});

describe('runChecks', () => {
  it('When checks finish in any order, then findings come in the order the checks were given', async () => {
    const findings = await runChecks([delayed('slow', 30), delayed('fast', 0)], 1000);
    expect(findings.map((f) => f.check)).toEqual(['slow', 'fast']);
  });

  it('When a check never finishes, then it is reported as failed and the others still are', async () => {
    const stuck: DoctorCheck = {
      check: 'stuck',
      target: 'host:1',
      run: () => new Promise(() => {}),
    };
    const findings = await runChecks([stuck, delayed('fine', 0)], 10);
    expect(findings).toEqual([
      fail(
        'stuck',
        'host:1 gave no answer within 0.01 s',
        'check that it is up and reachable from here, or raise --timeout',
      ),
      ok('fine', 'fine answered'),
    ]);
  });

  it('When a check throws, then that check fails with the message', async () => {
    const broken: DoctorCheck = {
      check: 'broken',
      target: 'thing',
      run: () => Promise.reject(new Error('exploded')),
    };
    expect(await runChecks([broken], 1000)).toEqual([fail('broken', 'thing: exploded')]);
  });
});

describe('findings', () => {
  it('When the worst finding is ok, warn or fail, then the exit code is 0, 1 or 2', () => {
    expect(exitCodeOf([ok('a', 'x')])).toBe(0);
    expect(exitCodeOf([ok('a', 'x'), warn('b', 'y')])).toBe(1);
    expect(exitCodeOf([warn('b', 'y'), fail('c', 'z'), ok('a', 'x')])).toBe(2);
  });

  it('When findings are printed, then status and check are columns and the hint follows', () => {
    expect(
      formatFindings([ok('config', 'valid'), fail('redis', 'policy is lru', 'set noeviction')]),
    ).toEqual(['ok    config  valid', 'fail  redis   policy is lru; set noeviction']);
  });
});

import { errorMessage } from '../shared/errors/system-error';
import { fail, type Finding } from './finding';

/** One independent check; it bounds its own network calls by `timeoutMs`. */
export interface DoctorCheck {
  check: string;
  /** What it looks at, for the line reported when it overruns, e.g. `redis://127.0.0.1:6379`. */
  target: string;
  run(timeoutMs: number): Promise<Finding[]>;
}

/** The runner's own bound, after the one each check applies, so their messages come first. */
const GRACE_MS = 1000;

/**
 * Runs every check at once and reports their findings in the order the checks were given, so
 * the output is the same however fast each service answers. A check that throws or overruns is a
 * failure of that check, never of the report.
 */
export async function runChecks(
  checks: readonly DoctorCheck[],
  timeoutMs: number,
): Promise<Finding[]> {
  const results = await Promise.all(checks.map((c) => bounded(c, timeoutMs)));
  return results.flat();
}

async function bounded(check: DoctorCheck, timeoutMs: number): Promise<Finding[]> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<Finding[]>((resolve) => {
    timer = setTimeout(
      () =>
        resolve([
          fail(
            check.check,
            `${check.target} gave no answer within ${timeoutMs / 1000} s`,
            'check that it is up and reachable from here, or raise --timeout',
          ),
        ]),
      timeoutMs + GRACE_MS,
    );
  });
  try {
    return await Promise.race([check.run(timeoutMs), overrun]);
  } catch (error) {
    return [fail(check.check, `${check.target}: ${errorMessage(error)}`)];
  } finally {
    clearTimeout(timer);
  }
}

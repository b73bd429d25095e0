/** What one check found: one line of `crm-bridge doctor`'s report. */
export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  status: FindingStatus;
  /** The check that found it: `config`, `store`, `redis`, `smtp`, `endpoint`, `oauth`. */
  check: string;
  /** What was checked and what came of it, e.g. `127.0.0.1:6390 maxmemory-policy is allkeys-lru`. */
  message: string;
  /** What to do about it; absent when there is nothing to do. */
  hint?: string;
}

/** 0 when every finding is ok, 1 with a warning, 2 with a failure. */
export function exitCodeOf(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.status === 'fail')) return 2;
  return findings.some((f) => f.status === 'warn') ? 1 : 0;
}

export const ok = (check: string, message: string): Finding => ({ status: 'ok', check, message });

export const warn = (check: string, message: string, hint?: string): Finding => ({
  status: 'warn',
  check,
  message,
  ...(hint !== undefined && { hint }),
});

export const fail = (check: string, message: string, hint?: string): Finding => ({
  status: 'fail',
  check,
  message,
  ...(hint !== undefined && { hint }),
});

/** `fail  redis     127.0.0.1:6390 maxmemory-policy is allkeys-lru; set noeviction …`. */
export function formatFindings(findings: readonly Finding[]): string[] {
  const width = Math.max(0, ...findings.map((f) => f.check.length));
  return findings.map(
    (f) =>
      `${f.status.padEnd(4)}  ${f.check.padEnd(width)}  ${f.message}${f.hint ? `; ${f.hint}` : ''}`,
  );
}

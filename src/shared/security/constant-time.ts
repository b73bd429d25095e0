import { createHash, timingSafeEqual } from 'node:crypto';

/** A secret's SHA-256: every digest has the same length, whatever the secret's. */
export const secretDigest = (value: string): Buffer =>
  createHash('sha256').update(value, 'utf8').digest();

/**
 * A check of a given secret's digest (secretDigest) against one expected secret, in time that
 * depends on neither: for a value digested once and checked against several secrets.
 */
export function digestMatcher(expected: string): (givenDigest: Buffer) => boolean {
  const want = secretDigest(expected);
  return (givenDigest) => timingSafeEqual(givenDigest, want);
}

/**
 * A check against one expected secret, in time that depends on neither value: hashing makes the
 * lengths equal, so timingSafeEqual never throws and the secret's length does not leak. The
 * expected digest is computed once, not per request.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const matches = digestMatcher(expected);
  return (given) => matches(secretDigest(given));
}

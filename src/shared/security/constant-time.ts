import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A check against one expected secret, in time that depends on neither value: hashing makes the
 * lengths equal, so timingSafeEqual never throws and the secret's length does not leak. The
 * expected digest is computed once, not per request.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const want = digest(expected);
  return (given) => timingSafeEqual(digest(given), want);
}

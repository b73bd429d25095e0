import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares two secrets in time that depends on neither: hashing first makes the lengths equal,
 * so timingSafeEqual never throws and the length of the expected secret does not leak.
 */
export const secretsEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

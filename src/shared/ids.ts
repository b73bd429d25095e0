import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * Opaque ids that sort by creation time: 9 base-36 characters of milliseconds, 4 of a
 * per-millisecond counter and 8 random. "Newest first" is then simply "id descending".
 */
export function newId(now = Date.now()): string {
  if (now === lastMs) counter += 1;
  else {
    lastMs = now;
    counter = 0;
  }
  const time = now.toString(36).padStart(9, '0');
  const seq = counter.toString(36).padStart(4, '0');
  const rand = randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0');
  return `${time}${seq}${rand}`;
}

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { StaffUser } from './staff-auth';

const derive = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;
const KEY_LENGTH = 32;

interface HashedUser {
  username: string;
  salt: Buffer;
  hash: Buffer;
}

/** The local staff accounts of `web.users`, each password kept only as a salted scrypt hash. */
export interface StaffDirectory {
  /** The user when the password is theirs; undefined for a wrong password or unknown name. */
  verify(username: string, password: string): Promise<StaffUser | undefined>;
}

async function hashUser(username: string, password: string): Promise<HashedUser> {
  const salt = randomBytes(16);
  return { username, salt, hash: await derive(password, salt, KEY_LENGTH) };
}

/** Hashes every configured password once, at start. */
export async function staffDirectory(
  users: readonly { username: string; password: string }[],
): Promise<StaffDirectory> {
  const hashed = await Promise.all(users.map((u) => hashUser(u.username, u.password)));
  const byName = new Map(hashed.map((u) => [u.username.toLowerCase(), u]));
  // An unknown name costs one scrypt too, so timing does not tell which names exist.
  const decoy = await hashUser('', randomBytes(16).toString('hex'));
  return {
    async verify(username, password) {
      const user = byName.get(username.trim().toLowerCase());
      const against = user ?? decoy;
      const given = await derive(password, against.salt, KEY_LENGTH);
      const matches = timingSafeEqual(given, against.hash);
      return user && matches ? { username: user.username, via: 'local' } : undefined;
    },
  };
}

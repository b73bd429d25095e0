import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: codes, access and refresh tokens all look alike. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * What the store keeps instead of a code or token: a leaked database (or backup) then holds
 * nothing that can be presented. Plain SHA-256 suffices because the inputs are 256 random bits.
 */
export const secretHash = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('base64url');

// Keys and tokens: random 32 bytes shown once, stored as SHA-256, compared in constant time.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  // One-shot hash: the same digest as createHash().update().digest(), without a Hash object per call (every request hashes its key).
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The first characters of a secret, enough to recognise it in a list, useless to an attacker. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 10);
}

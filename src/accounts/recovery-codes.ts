// Recovery codes: ten single-use codes shown once, for signing in without the phone. Each has 80
// random bits, so its SHA-256 is enough to store (no slow hash needed against guessing); a code
// typed is compared with the stored hashes in constant time.
import crypto from 'node:crypto';
import { sha256Hex } from '../hash';

export const RECOVERY_CODE_COUNT = 10;
// Crockford's base32 alphabet in lower case: no i, l, o or u to misread.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A new code, as shown: four groups of four characters (16 × 5 = 80 bits). */
export function newRecoveryCode(): string {
  const bytes = crypto.randomBytes(16);
  const chars = Array.from(bytes, (b) => ALPHABET[b & 31]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** What was typed, in the form codes are hashed in: lower case, without spaces or dashes. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '');
}

/** Whether the text could be a recovery code at all (so it is never hashed when it is a TOTP code). */
export function looksLikeRecoveryCode(typed: string): boolean {
  return /^[0-9a-z]{16}$/.test(normalizeRecoveryCode(typed));
}

export function hashRecoveryCode(code: string): string {
  return sha256Hex(normalizeRecoveryCode(code));
}

/** The stored hash the typed code matches, compared with every one in constant time; null if none. */
export function findRecoveryCode<T extends { codeHash: string }>(typed: string, stored: readonly T[]): T | null {
  const wanted = Buffer.from(hashRecoveryCode(typed), 'hex');
  let found: T | null = null;
  for (const row of stored) {
    const have = Buffer.from(row.codeHash, 'hex');
    if (have.length === wanted.length && crypto.timingSafeEqual(have, wanted) && !found) found = row;
  }
  return found;
}

// Invitation tokens: 192 random bits in the link, only their SHA-256 in the database, so a copy of
// the database holds no usable link.
import crypto from 'node:crypto';
import { sha256Hex } from '../hash';

export const hashToken = sha256Hex;

export function newToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(24).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** What a token in a link may look like; anything else is not looked up at all. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(value);
}

// The SHA-256 of a text, as hex: how secrets sent in links and codes (reset, registration,
// invitation and setup links, API tokens, recovery codes, kept-form cookies) are stored, so a copy
// of the database holds nothing usable. And comparing a secret that was sent with the one expected
// in constant time. One definition of each for all of them.
import crypto from 'node:crypto';

export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Whether two secrets (tokens, signatures) are equal, in time that does not depend on where they differ. */
export function equalSecrets(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

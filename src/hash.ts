// The SHA-256 of a text, as hex: how secrets sent in links and codes (reset, registration,
// invitation and setup links, API tokens, recovery codes, kept-form cookies) are stored, so a copy
// of the database holds nothing usable. One definition for all of them.
import crypto from 'node:crypto';

export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

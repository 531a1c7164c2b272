// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), through the
// otpauth library (its Node build is CommonJS over node:crypto). Pure: the time is always given
// (from the injected clock), so tests move it by hand.
import { Secret, TOTP } from 'otpauth';

export const PERIOD_SECONDS = 30;
export const DIGITS = 6;
/** A code one step either side of now is accepted: clocks of phones drift, and typing takes time. */
const WINDOW = 1;

const totpFor = (secretBase32: string, o: { issuer?: string; label?: string } = {}) =>
  new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS, ...o });

/** A new secret: 160 random bits (RFC 4226's recommended length), in base32 as apps take it. */
export function newSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function otpauthUri(secretBase32: string, issuer: string, label: string): string {
  return totpFor(secretBase32, { issuer, label }).toString();
}

/** The RFC 6238 time step (counter) at this moment. */
export function timeStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / PERIOD_SECONDS);
}

/** What a person typed, as a code: spaces and dashes (apps show "123 456") are dropped. */
export function normalizeCode(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}

/**
 * The time step of the code when it is right within one step of `at`, else null. The caller
 * refuses a step it has accepted before (a code is used once).
 */
export function matchingStep(secretBase32: string, typed: string, at: Date): number | null {
  const code = normalizeCode(typed);
  if (!new RegExp(`^\\d{${DIGITS}}$`).test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: at.getTime(), window: WINDOW });
  return delta === null ? null : timeStep(at) + delta;
}

/** The code an authenticator app shows at `at` (for tests, and for nothing else in the app). */
export function codeAt(secretBase32: string, at: Date): string {
  return totpFor(secretBase32).generate({ timestamp: at.getTime() });
}

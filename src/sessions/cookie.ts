// The session cookie: `s:` + the session id + `.` + its HMAC-SHA256 in base64 without padding,
// percent-encoded. This is the format express-session (through cookie-signature) wrote, so
// sessions signed in before Bridgework kept its own sessions stay valid.
import crypto from 'node:crypto';
import { equalSecrets } from '../hash';

export function signSessionId(sid: string, secret: string): string {
  return `s:${sid}.${crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/** The session id a signed value carries, or null when it is unsigned or its signature is wrong. */
export function unsignSessionId(value: string, secret: string): string | null {
  return verified(secret).get(value) ?? verify(value, secret);
}

/**
 * Values whose signature was checked, per secret: a browser sends the same cookie with every
 * request, and building an HMAC for it was about 2% of a signed-in page's CPU. Only values that
 * passed the check are kept, so a forged value always meets the constant-time comparison. Bounded:
 * when full it starts again, which costs one HMAC per active session.
 */
const MAX_VERIFIED = 20_000;
const verifiedBySecret = new Map<string, Map<string, string>>();
function verified(secret: string): Map<string, string> {
  let values = verifiedBySecret.get(secret);
  if (!values) verifiedBySecret.set(secret, (values = new Map()));
  return values;
}

function verify(value: string, secret: string): string | null {
  if (!value.startsWith('s:')) return null;
  const dot = value.lastIndexOf('.');
  if (dot < 2) return null;
  const sid = value.slice(2, dot);
  if (!equalSecrets(signSessionId(sid, secret), value)) return null;
  const values = verified(secret);
  if (values.size >= MAX_VERIFIED) values.clear();
  values.set(value, sid);
  return sid;
}

export interface SessionCookieOptions {
  maxAgeMs: number;
  secure: boolean;
}

/** The Set-Cookie value for a session id, expiring maxAge from now. */
export function sessionCookie(name: string, signed: string, { maxAgeMs, secure }: SessionCookieOptions, now: number): string {
  const expires = new Date(now + maxAgeMs).toUTCString();
  return `${name}=${encodeURIComponent(signed)}; Path=/; Expires=${expires}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax`;
}

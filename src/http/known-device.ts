// Browsers that have signed in to an account before. The per-account sign-in limit (src/app.ts)
// slows a password guessed from many addresses, but counted alone it is a lockout: a stranger's
// twenty wrong passwords would keep the real owner out for an hour. So, as OWASP's "device
// cookies" do, a successful sign-in leaves a signed, httpOnly cookie naming the account, and a
// browser that shows it for the account it signs in to is not held by the per-account limit (the
// per-address limit still holds it). A guesser has no such cookie: for them the limit stands.
//
// The cookie holds, for each of the last few accounts signed in to in this browser, an HMAC of
// the account's email under the session secret: it names no account in clear and cannot be made
// without the secret. It is a tag, not a credential: it never signs anyone in.
import crypto from 'node:crypto';
import { readCookie } from './cookies';
import type { Request, Response } from 'express';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** Accounts remembered per browser: a shared family or office computer signs in to a few. */
const MAX_ACCOUNTS = 5;
const TAG = /^[A-Za-z0-9_-]{22}$/;

export interface KnownDevices {
  /** Has this browser signed in to the account of this email before? */
  recognises(req: Request, email: string): boolean;
  /** Remembers, in the browser, that it signed in to the account of this email. */
  remember(req: Request, res: Response, email: string): void;
}

export function knownDevices({ secret, previousSecrets = [], secure }: { secret: string; previousSecrets?: readonly string[]; secure: boolean }): KnownDevices {
  // __Host-: only this origin, over https, may set it; a sibling subdomain cannot plant one.
  const name = secure ? '__Host-bw.known' : 'bw.known';
  const tagUnder = (key: string, email: string) => crypto.createHmac('sha256', key)
    .update(`known-device\n${email.trim().toLowerCase()}`).digest('base64url').slice(0, 22);
  const tagOf = (email: string) => tagUnder(secret, email);
  const tagsIn = (req: Request): string[] => (readCookie(req.headers.cookie, name) ?? '').split('.').filter((t) => TAG.test(t));
  return {
    // A tag made under the previous SESSION_SECRET still counts; the next sign-in remembers it anew.
    recognises(req, email) {
      const tags = tagsIn(req);
      return [secret, ...previousSecrets].some((key) => {
        const wanted = Buffer.from(tagUnder(key, email));
        return tags.some((t) => crypto.timingSafeEqual(Buffer.from(t), wanted));
      });
    },
    remember(req, res, email) {
      const tag = tagOf(email);
      const tags = [tag, ...tagsIn(req).filter((t) => t !== tag)].slice(0, MAX_ACCOUNTS);
      res.cookie(name, tags.join('.'), { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: YEAR_MS });
    },
  };
}

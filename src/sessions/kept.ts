// Kept submissions: a form a signed-in person sent after their session timed out is not lost. It
// is stored server-side under a random token whose only copy is in a cookie of that browser, and
// bound to the user of the expired session. After they sign in again, /session/kept offers it back
// to that same user (never another one signing in on the browser) for one click to save: the click
// sends a fresh form with the new session's CSRF token, so nothing is ever replayed without it.
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { safeLocalPath } from '../http/guards';
import * as store from './store';
import { equalSecrets, sha256Hex as sha256 } from '../hash';
import { readCookie } from '../http/cookies';

/** How long a kept submission waits for its owner to sign in again. */
export const KEPT_TTL_MS = 60 * 60 * 1000;
/** The kept form, as JSON, at most this long (the largest form body the app takes is 1 MB). */
const MAX_KEPT_CHARS = 1024 * 1024;
/** The hidden field that marks a form sent from /session/kept: the row is spent when it arrives. */
export const KEPT_FIELD = '_kept';

/** Forms never kept: signing in and out, passwords and one-time codes, the session's own endpoints, the API. */
const NOT_KEPT = /^\/(login|logout|register|setup\/|password\/|account\/password|account\/second-factor|session\/|api\/)/;


export function keptCookieName(secure: boolean): string {
  return secure ? '__Host-bw.kept' : 'bw.kept';
}

function keptToken(req: Request, secure: boolean): string | null {
  const value = readCookie(req.headers.cookie, keptCookieName(secure));
  return value !== null && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/**
 * The fields of a form worth keeping, or null: an ordinary form (urlencoded) sent by POST to a page
 * that is not about signing in or passwords, with no password field, carrying the CSRF token of the
 * session that just ended (so it came from this browser's own page, not from another site).
 */
export function keepableFields(req: Request, expiredCsrfToken: string | undefined): Record<string, string | string[]> | null {
  if (req.method !== 'POST' || !req.is('application/x-www-form-urlencoded') || NOT_KEPT.test(req.path)) return null;
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return null;
  const sent = typeof body._csrf === 'string' ? body._csrf : '';
  if (!expiredCsrfToken || !sent || !equalSecrets(sent, expiredCsrfToken)) return null;
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === KEPT_FIELD) continue;
    if (/password/i.test(k)) return null;
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) fields[k] = v as string | string[];
  }
  return fields;
}

export function keptSubmissions({ db, clock, secure }: { db: Db; clock: Clock; secure: boolean }) {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };

  /** Deletes this browser's kept form, if any, and its cookie. */
  async function forget(req: Request, res: Response): Promise<void> {
    const token = keptToken(req, secure);
    if (token) await store.deleteKept(db, sha256(token));
    res.clearCookie(keptCookieName(secure), cookieOptions);
  }

  /**
   * The kept form of this browser for `userId`. Another user's, or an expired one, is deleted
   * (with the cookie): it is never shown to anyone but its owner.
   */
  async function find(req: Request, res: Response, userId: number): Promise<store.KeptRow | null> {
    const token = keptToken(req, secure);
    if (!token) return null;
    const row = await store.findKept(db, sha256(token), clock.now().getTime());
    if (row && row.userId === userId) return row;
    await forget(req, res);
    return null;
  }

  /** Stores the form for `userId` and gives this browser its token; false when it is too large. */
  async function keep(res: Response, userId: number, action: string, fields: Record<string, string | string[]>): Promise<boolean> {
    const json = JSON.stringify(fields);
    if (json.length > MAX_KEPT_CHARS) return false;
    const token = crypto.randomBytes(32).toString('base64url');
    const now = clock.now().getTime();
    await store.insertKept(db, { tokenHash: sha256(token), userId, action: safeLocalPath(action, '/'), fields: json, createdAt: now, expiresAt: now + KEPT_TTL_MS });
    res.cookie(keptCookieName(secure), token, { ...cookieOptions, maxAge: KEPT_TTL_MS });
    return true;
  }

  /**
   * After the CSRF check: a form sent from /session/kept (it carries `_kept`) spends its kept row
   * as it arrives, and the field is taken out before the route reads the form.
   */
  // Not an async function: every request passes here, and only a kept form's POST waits for anything.
  const spendOnUse: RequestHandler = (req, res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (req.method !== 'POST' || !body || typeof body !== 'object' || !(KEPT_FIELD in body)) return next();
    delete body[KEPT_FIELD];
    const user = req.user;
    if (!user) return next();
    find(req, res, user.id)
      .then((found) => (found ? forget(req, res) : undefined))
      .then(() => next(), next);
  };

  return { keep, find, forget, spendOnUse };
}

export type KeptSubmissions = ReturnType<typeof keptSubmissions>;

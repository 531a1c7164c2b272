// Idle and absolute session limits, enforced on the server from two times kept in the session
// (from the app's clock, so tests can drive them): when it was signed in (`createdAt`) and when it
// was last used (`lastSeenAt`). The session middleware dates the cookie and the row with the real clock,
// 14 days ahead; these limits end a session well before that.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock';
import { keepableFields, type KeptSubmissions } from './kept';

declare module './session' {
  interface SessionData {
    /** Epoch ms (app clock) of the first request signed in under this session. */
    createdAt?: number;
    /** Epoch ms (app clock) of the last request, written at most once per `granularity`. */
    lastSeenAt?: number;
  }
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** What pages tell their script: seconds left before the session ends, and how long before to warn. */
export interface SessionTimeLeft {
  seconds: number;
  warnSeconds: number;
  /** The end is the absolute limit: staying signed in cannot push it back. */
  final: boolean;
}

/** Requests that read the time left without counting as activity (the warning script asks it). */
export const STATUS_PATH = '/session/status';

/** The warning comes three minutes before the end, or halfway through a short idle limit. */
export function warnBeforeMs(limits: SessionLimits): number {
  return Math.min(3 * 60 * 1000, limits.idleMs / 2);
}

/**
 * lastSeenAt is written only when a minute (a tenth of a short limit) has passed since it was:
 * each change makes the session middleware write the row, and a signed-in page should not cost a write.
 */
function granularity(limits: SessionLimits): number {
  return Math.min(60 * 1000, limits.idleMs / 10);
}

export function timeLeft(session: { createdAt?: number; lastSeenAt?: number }, limits: SessionLimits, now: number): SessionTimeLeft {
  const idle = (session.lastSeenAt ?? now) + limits.idleMs - now;
  const absolute = (session.createdAt ?? now) + limits.absoluteMs - now;
  const ms = Math.max(0, Math.min(idle, absolute));
  return { seconds: Math.floor(ms / 1000), warnSeconds: Math.floor(warnBeforeMs(limits) / 1000), final: absolute <= idle };
}

/** Marks the session as used now (the keep-alive endpoint): the idle limit starts again. */
export function markActive(req: Request, clock: Clock): void {
  req.session.lastSeenAt = clock.now().getTime();
}

function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => {
    if (err) return reject(err);
    req.user = undefined;
    req.sessionUser = undefined;
    resolve();
  }));
}

/**
 * After passport restored the user and before the CSRF check. A session past either limit is
 * ended (its row deleted, a fresh empty one in its place): a page asks to sign in again and comes
 * back; a form sent from the ended session's own page is kept for its owner (./kept.ts).
 */
export function sessionTimeouts({ clock, limits, kept }: { clock: Clock; limits: SessionLimits; kept: KeptSubmissions }): RequestHandler {
  // Synchronous for a session still within its limits (every signed-in page): no promise per request.
  return (req: Request, res: Response, next) => {
    const session = req.session;
    // The sign-in page says why it is shown when a timed-out session sent the visitor there.
    if (req.path === '/login' && req.query.expired === '1') res.locals.sessionEnded = true;
    if (!req.user || !session) return next();
    const now = clock.now().getTime();
    // A session signed in just now (or before these limits existed) starts its clocks here.
    if (session.createdAt === undefined) session.createdAt = now;
    if (session.lastSeenAt === undefined) session.lastSeenAt = now;
    const expired = now - session.lastSeenAt >= limits.idleMs || now - session.createdAt >= limits.absoluteMs;
    if (!expired) {
      if (req.path !== STATUS_PATH && now - session.lastSeenAt >= granularity(limits)) session.lastSeenAt = now;
      res.locals.sessionTimeLeft = timeLeft(session, limits, now);
      return next();
    }

    endExpired(req, res, next).catch(next);
  };

  async function endExpired(req: Request, res: Response, next: NextFunction): Promise<void> {
    const userId = req.user!.id;
    const fields = keepableFields(req, req.session.csrfToken);
    await endSession(req);
    req.log?.info({ userId }, 'session timed out');
    if (fields && (await kept.keep(res, userId, req.originalUrl, fields))) {
      return res.redirect(303, `/login?expired=1&next=${encodeURIComponent('/session/kept')}`);
    }
    if (req.method === 'GET' && req.path !== STATUS_PATH && req.accepts(['html', 'json']) === 'html') {
      return res.redirect(303, `/login?expired=1&next=${encodeURIComponent(req.originalUrl)}`);
    }
    // Anything else goes on signed out: the guard answers 401, the CSRF check 403.
    next();
  }
}

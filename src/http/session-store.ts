// express-session store on knex. The session row carries the user id, so one statement loads the
// session and its user together (the hot path of every signed-in page), and expiry is written
// back at most once per touch interval rather than on every request.
import session from 'express-session';
import type { Request } from 'express';
import { isSqlite, sqliteRun, sqlTemplate, type Db, type SqlTemplate } from '../db/knex';
import type { Clock } from '../clock';
import { findSessionWithUser } from '../accounts/store';
import type { SessionUser } from '../accounts/types';

export const SESSION_COOKIE = 'bw.sid';
/**
 * Behind https the cookie carries the `__Host-` prefix: browsers then accept it only when Secure,
 * with Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it. Plain http
 * (development, tests) cannot use the prefix, so it keeps the plain name.
 */
export const SECURE_SESSION_COOKIE = '__Host-bw.sid';

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

// Stand-ins for the values while knex builds the touch statement once.
const SID = '\u0000sid';
const EXPIRES_AT = '\u0000expires_at';

const LOADED_USER = Symbol('loadedUser');
type StoredSession = session.SessionData & { [LOADED_USER]?: SessionUser | null };

declare module 'express-serve-static-core' {
  interface Request {
    /** The user row loaded with the session in the same statement, for passport to reuse. */
    sessionUser?: SessionUser | null;
  }
}

export class KnexSessionStore extends session.Store {
  /** Expiry last written per session id: lets touch() skip writes that would change little. */
  private readonly writtenExpiry = new Map<string, number>();
  private touchSql?: SqlTemplate;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly touchIntervalMs = 10 * 60 * 1000,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    findSessionWithUser(this.db, sid)
      .then((row) => {
        if (!row) return callback(null, null);
        if (row.expiresAt <= this.clock.now().getTime()) return callback(null, null);
        this.remember(sid, row.expiresAt);
        const data = JSON.parse(row.data) as StoredSession;
        data[LOADED_USER] = row.user;
        callback(null, data);
      }, callback);
  }

  /** Keeps the user loaded by get() on the request, where passport's deserializer finds it. */
  override createSession(req: Request, data: session.SessionData): session.Session & session.SessionData {
    const created = super.createSession(req, data);
    req.sessionUser = (data as StoredSession)[LOADED_USER];
    return created;
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = this.expiryOf(sess);
    const userId = (sess as { passport?: { user?: number } }).passport?.user ?? null;
    const row = { sid, user_id: userId, data: JSON.stringify(sess), expires_at: expiresAt };
    this.db('sessions').insert(row).onConflict('sid').merge(['user_id', 'data', 'expires_at'])
      .then(() => { this.remember(sid, expiresAt); callback?.(); }, (err) => callback?.(err));
  }

  override touch(sid: string, sess: session.SessionData, callback?: () => void): void {
    const expiresAt = this.expiryOf(sess);
    const written = this.writtenExpiry.get(sid);
    if (written !== undefined && expiresAt - written < this.touchIntervalMs) {
      callback?.();
      return;
    }
    this.writeExpiry(sid, expiresAt)
      .then(() => { this.remember(sid, expiresAt); callback?.(); }, () => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.writtenExpiry.delete(sid);
    this.db('sessions').where({ sid }).delete().then(() => callback?.(), (err) => callback?.(err));
  }

  /** Deletes expired sessions; called periodically by the server. */
  async prune(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', this.clock.now().getTime()).delete();
  }

  /** On SQLite, knex's own statement prepared once (the one write a signed-in page may make). */
  private writeExpiry(sid: string, expiresAt: number): Promise<unknown> {
    if (!isSqlite(this.db)) return this.db('sessions').where({ sid }).update({ expires_at: expiresAt });
    this.touchSql ??= sqlTemplate(this.db('sessions').where({ sid: SID }).update({ expires_at: EXPIRES_AT }), [EXPIRES_AT, SID]);
    return sqliteRun(this.db, this.touchSql.sql, this.touchSql.bind(expiresAt, sid));
  }

  private expiryOf(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.clock.now().getTime() + 24 * 60 * 60 * 1000;
  }

  private remember(sid: string, expiresAt: number): void {
    // Bounded: this is only an optimisation, losing an entry costs one extra write.
    if (this.writtenExpiry.size > 50_000) this.writtenExpiry.clear();
    this.writtenExpiry.set(sid, expiresAt);
  }
}

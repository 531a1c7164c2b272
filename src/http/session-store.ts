// The sessions table (src/sessions/middleware.ts keeps sessions in it). The session row carries
// the user id, so one statement loads the session and its user together (the hot path of every
// signed-in page), and expiry is written back at most once per touch interval rather than on
// every request.
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

declare module 'express-serve-static-core' {
  interface Request {
    /** The user row loaded with the session in the same statement, for passport to reuse. */
    sessionUser?: SessionUser | null;
  }
}

/** A stored session: its data fields, and its user as read in the same statement. */
export interface LoadedSession {
  data: Record<string, unknown>;
  /** The data as stored: JSON of the same fields, unless written by express-session. */
  json: string;
  /** Null when the session has no user, or its user no longer exists or is deactivated. */
  user: SessionUser | null;
}

export class KnexSessionStore {
  /** Expiry last written per session id: lets touch() skip writes that would change little. */
  private readonly writtenExpiry = new Map<string, number>();
  private touchSql?: SqlTemplate;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly touchIntervalMs = 10 * 60 * 1000,
  ) {}

  /** The session, or null when there is none or it has expired (by the store's clock). */
  async load(sid: string): Promise<LoadedSession | null> {
    const row = await findSessionWithUser(this.db, sid);
    if (!row || row.expiresAt <= this.clock.now().getTime()) return null;
    this.remember(sid, row.expiresAt);
    const data = JSON.parse(row.data) as Record<string, unknown>;
    // Sessions written by express-session kept their cookie's settings here; nothing reads them
    // (and the next write leaves them out).
    delete data.cookie;
    return { data, json: row.data, user: row.user };
  }

  /** Writes the session's data (JSON) and expiry; the user id is kept in a column of its own. */
  async save(sid: string, data: string, expiresAt: number, userId: number | null): Promise<void> {
    const row = { sid, user_id: userId, data, expires_at: expiresAt };
    await this.db('sessions').insert(row).onConflict('sid').merge(['user_id', 'data', 'expires_at']);
    this.remember(sid, expiresAt);
  }

  /**
   * Moves an unchanged session's expiry to expiresAt, but only once it has moved by the touch
   * interval since this process last wrote or read it: null when there is nothing to write, so
   * a signed-in page is not a write per request (nor a promise to wait for).
   */
  touch(sid: string, expiresAt: number): Promise<void> | null {
    const written = this.writtenExpiry.get(sid);
    if (written !== undefined && expiresAt - written < this.touchIntervalMs) return null;
    return this.writeExpiry(sid, expiresAt).then(() => { this.remember(sid, expiresAt); });
  }

  async destroy(sid: string): Promise<void> {
    this.writtenExpiry.delete(sid);
    await this.db('sessions').where({ sid }).delete();
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

  private remember(sid: string, expiresAt: number): void {
    // Bounded: this is only an optimisation, losing an entry costs one extra write.
    if (this.writtenExpiry.size > 50_000) this.writtenExpiry.clear();
    this.writtenExpiry.set(sid, expiresAt);
  }
}

// Sessions: the signed cookie, the session's row (through KnexSessionStore) and `req.session`.
//
// Bridgework kept its sessions with express-session until it measured what that cost on every
// signed-in page (about a tenth of its CPU): an HMAC to check the cookie, then the session hashed
// with SHA-1 once when loaded and up to three more times at the end to learn whether it changed,
// through a JSON replacer called for every field. This keeps the same cookie format and the same
// rules, and learns whether the session changed by comparing its JSON with the JSON it was loaded
// as. The rules, as express-session's with `resave: false, saveUninitialized: false`:
// - a session is written when its data or its id changed (and not already written, by save());
//   a new session that stays empty is never written and gets no cookie;
// - an unchanged session's expiry is moved forward (KnexSessionStore.touch: at most every ten
//   minutes), and its cookie is not sent again;
// - the cookie (Secure behind https, where it is only sent over https) is sent with the headers
//   whenever the session is new or changed; the response ends once the session is written.
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { KnexSessionStore, LoadedSession } from '../http/session-store';
import { readCookie } from '../http/cookies';
import { sessionCookie, signSessionId, unsignSessionId } from './cookie';
import { Session, type SessionControl } from './session';

export interface SessionOptions {
  store: KnexSessionStore;
  /** The cookie's name (src/http/session-store.ts sessionCookieName). */
  name: string;
  secret: string;
  /** Secrets cookies were signed with before `secret` (SESSION_SECRET_PREVIOUS): still accepted, and signed again. */
  previousSecrets?: readonly string[];
  secure: boolean;
  /** How long a session lives without being used (the cookie's and the row's expiry). */
  maxAgeMs: number;
  /** Epoch ms for expiry dates: the wall clock, as browsers date cookies by theirs. */
  now?: () => number;
}

const newSessionId = () => crypto.randomBytes(24).toString('base64url');

function userIdOf(session: Session): number | null {
  const user = (session as { passport?: { user?: unknown } }).passport?.user;
  return typeof user === 'number' ? user : null;
}

/** The settings of one sessions() middleware, shared by the bindings it makes. */
interface Settings extends Required<Omit<SessionOptions, 'now' | 'previousSecrets'>> {
  now: () => number;
}

/** The session id of a cookie signed with one of the previous secrets, or null. */
function idUnderPrevious(raw: string, previous: readonly string[]): string | null {
  for (const old of previous) {
    const id = unsignSessionId(raw, old);
    if (id !== null) return id;
  }
  return null;
}

/** The binding of a request's session to its response, found there by the hooks below. */
export const SESSION_BINDING = Symbol('sessionBinding');
type BoundResponse = Response & { [SESSION_BINDING]?: SessionBinding };

export function sessions({ store, name, secret, previousSecrets = [], secure, maxAgeMs, now = Date.now }: SessionOptions): RequestHandler {
  const settings: Settings = { store, name, secret, secure, maxAgeMs, now };
  return (req, res, next) => {
    if (req.session) return next();
    const raw = readCookie(req.headers.cookie, name);
    let cookieId = raw === null ? null : unsignSessionId(raw, secret);
    let stale = false;
    if (cookieId === null && raw !== null && previousSecrets.length > 0) {
      // Signed before SESSION_SECRET changed: accepted, and signed again with the current secret.
      cookieId = idUnderPrevious(raw, previousSecrets);
      stale = cookieId !== null;
    }
    if (cookieId === null) {
      new SessionBinding(settings, req, res, null, null, false);
      return next();
    }
    const id = cookieId;
    store.load(id).then((loaded) => {
      if (loaded) req.sessionUser = loaded.user;
      new SessionBinding(settings, req, res, loaded ? id : null, loaded, stale);
      next();
    }, next);
  };
}

/**
 * One request's session and what the end of its response must do with it. An object with methods
 * rather than a dozen closures per request; the response's writeHead and end are the shared hooks
 * below, which find it on the response.
 */
class SessionBinding implements SessionControl {
  /** The session as the request found it (its id, its JSON as stored), and as save() last wrote it. */
  private readonly originalId: string;
  private readonly originalJson: string;
  private saved: { id: string; json: string } | null = null;
  /** The JSON commit() found at the end, which the headers written right after can reuse. */
  private endJson: string | null = null;
  private ending = false;
  private readonly writeHead: Response['writeHead'];
  private readonly end: Response['end'];

  constructor(
    private readonly settings: Settings, private readonly req: Request, res: Response,
    private readonly cookieId: string | null, loaded: LoadedSession | null,
    /** The cookie was signed with a previous secret: it is sent again, signed with the current one. */
    private readonly staleCookie: boolean,
  ) {
    this.install(cookieId ?? newSessionId(), loaded?.data);
    this.originalId = req.session.id;
    // The JSON it is parsed from gives the same JSON again (its fields are strings, integers and
    // objects of them), so it is not serialized again to be compared; a new session's is '{}'.
    this.originalJson = loaded?.json ?? '{}';
    this.writeHead = res.writeHead;
    this.end = res.end;
    (res as BoundResponse)[SESSION_BINDING] = this;
    res.writeHead = writeHeadWithCookie as Response['writeHead'];
    res.end = endAfterCommit as Response['end'];
  }

  private install(id: string, fields: Record<string, unknown> | undefined): void {
    this.req.session = new Session(id, this, fields) as Request['session'];
    this.req.sessionID = id;
  }

  private current(): Session | undefined {
    return (this.req as { session?: Session }).session;
  }

  private changed(session: Session, json: string): boolean {
    return session.id !== this.originalId || json !== this.originalJson;
  }

  async regenerate(session: Session): Promise<void> {
    await this.settings.store.destroy(session.id);
    this.install(newSessionId(), undefined);
  }

  async save(session: Session): Promise<void> {
    const json = session.serialize();
    const { store, now, maxAgeMs } = this.settings;
    await store.save(session.id, json, now() + maxAgeMs, userIdOf(session));
    this.saved = { id: session.id, json };
  }

  async destroy(session: Session): Promise<void> {
    if (this.current() === session) (this.req as { session?: Session }).session = undefined;
    await this.settings.store.destroy(session.id);
  }

  /** The cookie goes out with the headers, whenever they are written (at the end, or at a first
   *  write of a streamed response): for a session that is new or changed. */
  cookieFor(res: Response): string | null {
    const session = this.current();
    const { secure, name, secret, maxAgeMs, now } = this.settings;
    if (!session || res.headersSent || (secure && !this.req.secure)) return null;
    if (!this.changed(session, this.endJson ?? session.serialize()) && !(this.staleCookie && session.id === this.cookieId)) return null;
    return sessionCookie(name, signSessionId(session.id, secret), { maxAgeMs, secure }, now());
  }

  /** Writes the session (when changed) or moves its expiry (when due); null when there is nothing to wait for. */
  commit(): Promise<void> | null {
    const session = this.current();
    if (!session) return null;
    const json = session.serialize();
    this.endJson = json;
    const { store, now, maxAgeMs } = this.settings;
    if (this.changed(session, json)) {
      if (this.saved !== null && this.saved.id === session.id && this.saved.json === json) return null;
      return this.save(session);
    }
    return this.cookieId !== null ? store.touch(session.id, now() + maxAgeMs) : null;
  }

  /** The session is written before the response ends, so that the next request finds it. */
  endResponse(res: Response, args: unknown[]): Response {
    if (this.ending) return res;
    this.ending = true;
    const end = this.end as (...a: unknown[]) => Response;
    const work = this.commit();
    if (!work) return end.apply(res, args);
    work.then(() => end.apply(res, args), (err: unknown) => {
      this.req.log?.error({ err }, 'session not saved');
      end.apply(res, args);
    });
    return res;
  }

  writeHeadOf(res: Response, args: unknown[]): Response {
    const cookie = this.cookieFor(res);
    if (cookie !== null) res.append('Set-Cookie', cookie);
    return (this.writeHead as (...a: unknown[]) => Response).apply(res, args);
  }
}

function writeHeadWithCookie(this: BoundResponse, ...args: unknown[]): Response {
  return this[SESSION_BINDING]!.writeHeadOf(this, args);
}

function endAfterCommit(this: BoundResponse, ...args: unknown[]): Response {
  return this[SESSION_BINDING]!.endResponse(this, args);
}

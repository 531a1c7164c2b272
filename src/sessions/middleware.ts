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

export function sessions({ store, name, secret, secure, maxAgeMs, now = Date.now }: SessionOptions): RequestHandler {
  return (req, res, next) => {
    if (req.session) return next();
    const raw = readCookie(req.headers.cookie, name);
    const cookieId = raw === null ? null : unsignSessionId(raw, secret);
    if (cookieId === null) {
      attach(req, res, null, null);
      return next();
    }
    store.load(cookieId).then((loaded) => {
      if (loaded) req.sessionUser = loaded.user;
      attach(req, res, loaded ? cookieId : null, loaded);
      next();
    }, next);
  };

  function attach(req: Request, res: Response, cookieId: string | null, loaded: LoadedSession | null): void {
    const control: SessionControl = {
      async regenerate(session) {
        await store.destroy(session.id);
        install(newSessionId(), undefined);
      },
      async save(session) {
        const json = session.serialize();
        await store.save(session.id, json, now() + maxAgeMs, userIdOf(session));
        saved = { id: session.id, json };
      },
      async destroy(session) {
        if (current() === session) (req as { session?: Session }).session = undefined;
        await store.destroy(session.id);
      },
    };
    const install = (id: string, fields: Record<string, unknown> | undefined) => {
      req.session = new Session(id, control, fields) as Request['session'];
      req.sessionID = id;
    };
    install(cookieId ?? newSessionId(), loaded?.data);
    // The session as the request found it, as stored: the JSON it is parsed from gives the same
    // JSON again (its fields are strings, integers and objects of them), so it is not serialized
    // again to be compared; a new session's is '{}'. And the session as save() last wrote it.
    const originalId = req.session.id;
    const originalJson = loaded?.json ?? '{}';
    let saved: { id: string; json: string } | null = null;
    // The JSON commit() found at the end, which the headers written right after can reuse.
    let endJson: string | null = null;

    const current = (): Session | undefined => (req as { session?: Session }).session;
    const changed = (session: Session, json: string) => session.id !== originalId || json !== originalJson;

    // The cookie goes out with the headers, whenever they are written (at the end, or at a first
    // write of a streamed response): for a session that is new or changed.
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      const session = current();
      if (session && !this.headersSent && (!secure || req.secure) && changed(session, endJson ?? session.serialize())) {
        this.append('Set-Cookie', sessionCookie(name, signSessionId(session.id, secret), { maxAgeMs, secure }, now()));
      }
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];

    // The session is written before the response ends, so that the next request finds it.
    const end = res.end;
    let ending = false;
    res.end = function (this: Response, ...args: unknown[]) {
      if (ending) return this;
      ending = true;
      const finish = () => (end as (...a: unknown[]) => Response).apply(res, args);
      const work = commit();
      if (!work) return finish();
      work.then(finish, (err: unknown) => {
        req.log?.error({ err }, 'session not saved');
        finish();
      });
      return this;
    } as Response['end'];

    function commit(): Promise<void> | null {
      const session = current();
      if (!session) return null;
      const json = session.serialize();
      endJson = json;
      if (changed(session, json)) {
        if (saved !== null && saved.id === session.id && saved.json === json) return null;
        return control.save(session);
      }
      return cookieId !== null ? store.touch(session.id, now() + maxAgeMs) : null;
    }
  }
}

// passport with the local strategy. The session keeps only the user id; the user row itself was
// loaded by the session store in the same statement as the session, so no second query is made.
import { Passport } from 'passport';

export type PassportInstance = InstanceType<typeof Passport>;
import { Strategy as LocalStrategy } from 'passport-local';
import type { Express, Request, RequestHandler } from 'express';
import type { AccountService } from './service';
import type { SessionUser } from './types';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

export function createPassport(accounts: AccountService): PassportInstance {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      accounts.checkCredentials(email, password).then((user) => done(null, user ?? false), done);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as SessionUser).id));
  passport.deserializeUser((req: Request, id: number, done: (err: unknown, user?: SessionUser | false) => void) => {
    if (req.sessionUser && req.sessionUser.id === id) return done(null, req.sessionUser);
    // The session's user was deleted (the store found no row): treat as signed out.
    if (req.sessionUser === null) return done(null, false);
    accounts.findUser(id).then((u) => done(null, u ?? false), done);
  });
  return passport;
}

// passport's request methods (req.login, req.logout, req.isAuthenticated...); it ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const passportRequest = require('passport/lib/http/request') as Record<'logIn' | 'logOut' | 'isAuthenticated' | 'isUnauthenticated', unknown>;

/**
 * What passport.initialize() does, once: it gives every request the same four methods and the
 * passport's session manager, as own properties, which cost about 2% of a signed-in page's CPU
 * (eight new properties on each request object). Express makes each request inherit from
 * `app.request`, so they are set there, and every request has them without being touched.
 */
export function initializePassport(app: Express, passport: PassportInstance): void {
  const sessionManager = (passport as unknown as { _sm: unknown })._sm;
  Object.assign(app.request, {
    login: passportRequest.logIn, logIn: passportRequest.logIn,
    logout: passportRequest.logOut, logOut: passportRequest.logOut,
    isAuthenticated: passportRequest.isAuthenticated, isUnauthenticated: passportRequest.isUnauthenticated,
    _sessionManager: sessionManager,
  });
}

/**
 * passport.session(), without its per-request strategy machinery when the session store already
 * loaded the session's user in the session's own statement (req.sessionUser, the same row the
 * deserializer above would return): then req.user is that user. A session with no user in it
 * leaves req.user unset, as passport.session() would. Every other case (a deleted user, a session
 * not loaded by the store) is passport.session() itself.
 */
export function restoreSessionUser(passport: PassportInstance): RequestHandler {
  const viaPassport = passport.session();
  return (req, res, next) => {
    const loaded = req.sessionUser;
    const id = (req.session as { passport?: { user?: unknown } } | undefined)?.passport?.user;
    if (loaded && id === loaded.id) {
      req.user = loaded;
      return next();
    }
    // No one signed in: passport.session() would only pass, after giving the request its four
    // methods again as own properties (they are on app.request already: see initializePassport).
    if (id === undefined || id === null) return next();
    return viaPassport(req, res, next);
  };
}

// createApp(deps): the Express app, built from its dependencies. No I/O at import or build time.
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { sessionLimits, trustedProxies, type Config } from './config';
import type { Db } from './db/knex';
import { systemClock, type Clock } from './clock';
import type { Services } from './services';
import { createI18n } from './i18n';
import { translations } from './http/translations';
import { requestLog } from './http/request-log';
import { PUBLIC_DIR } from './paths';
import { KnexSessionStore, sessionCookieName } from './http/session-store';
import { sessions } from './sessions/middleware';
import { csrfProtection } from './http/csrf';
import { refuseNul } from './http/refuse-nul';
import { series } from './http/series';
import { createLimiter } from './http/rate-limit';
import { knownDevices } from './http/known-device';
import { configureViews, viewLocals } from './http/views';
import { curriculumProblemsBanner } from './http/dev-banner';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { logPolicyDenials } from './http/guards';
import { homeRoutes } from './http/home';
import { createPassport, initializePassport, restoreSessionUser } from './accounts/passport';
import { accountRoutes } from './accounts/routes';
import { passwordRoutes } from './accounts/password-routes';
import { createSecondStep, secondFactorRoutes } from './accounts/second-factor-routes';
import { secondFactorGate } from './accounts/second-factor-gate';
import { passwordResetRoutes } from './accounts/password-reset-routes';
import { registrationRoutes } from './accounts/registration-routes';
import { passwordLinkRoutes } from './accounts/password-link-routes';
import { learningRoutes } from './learning/routes';
import { certificateRoutes } from './certificates/routes';
import { adminRoutes } from './admin/routes';
import { adminUserRoutes } from './admin/users-routes';
import { auditRoutes } from './audit/routes';
import { privacyRoutes } from './privacy/routes';
import { recordActivity } from './privacy/activity';
import { createUserAdminService } from './admin/users-service';
import { authoringRoutes } from './authoring/routes';
import { organizationRoutes } from './organizations/routes';
import { reportRoutes } from './reports/routes';
import { apiRoutes } from './api/routes';
import { analyticsRoutes } from './analytics/routes';
import { keptSubmissions } from './sessions/kept';
import { sessionTimeouts } from './sessions/timeouts';
import { sessionRoutes } from './sessions/routes';
import { createAnalyticsService } from './analytics/service';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  services: Services;
  /** Development mode (`npm run dev`): curriculum problems are shown on every page to administrators and trainers. */
  dev?: boolean;
}

const SESSION_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * The middleware every request passes before sessions, passport or the database: request ids and
 * logging, security headers, static files, translation and body parsing. createApp builds on it;
 * the bench uses it alone to measure the framework's floor with the same pieces.
 */
export function baseMiddleware(app: Express, { config, logger }: { config: Config; logger: Logger }): void {
  app.disable('x-powered-by');
  // No ETag on rendered pages: each is rendered before it could be compared, signed-in pages are
  // never stored (Cache-Control: no-store), and hashing every page cost about 5% of the framework's
  // CPU per request. Static files keep theirs (express.static sets its own).
  app.set('etag', false);
  // X-Forwarded-For is believed from this many proxies (TRUST_PROXY): per-address rate limits and
  // the request log use the address it gives.
  const trustProxy = trustedProxies(config);
  if (trustProxy !== false) app.set('trust proxy', trustProxy);
  configureViews(app, true);

  app.use(requestLog(app, logger));

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        // No page uses <base>: none may be injected to redirect relative links and forms.
        baseUri: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
    // No Referer at all: a page's address may carry a multipart form's `?_csrf=` (src/http/csrf.ts)
    // or name an organization's records.
    referrerPolicy: { policy: 'no-referrer' },
  }));

  // Static files need no session, translation or database. Every static file has an extension and
  // page paths have none (the few that do, like /certificates/X.pdf, fall through as before), so
  // pages skip the file-system stat (through the thread pool) serve-static would otherwise make for
  // every request: about a tenth of a simple page's CPU.
  const staticOptions = { maxAge: '1h', index: false as const };
  const filesOnly = (serve: RequestHandler): RequestHandler => (req, res, next) => (path.extname(req.path) ? serve(req, res, next) : next());
  app.use(filesOnly(express.static(PUBLIC_DIR, staticOptions)));
  app.use('/fonts', filesOnly(express.static(path.join(path.dirname(require.resolve('@bcgov/bc-sans/package.json')), 'fonts'), { ...staticOptions, maxAge: '30d' })));

  app.use(translations(createI18n()));
  // Course files are edited in a form: the authoring area takes up to 1 MB (a 256 KB Markdown file,
  // percent-encoded); once parsed there, the general 64 KB parser below passes the request by.
  app.use('/author', express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 100 }));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(express.json({ limit: '64kb' }));
}

export function createApp({ config, db, clock, logger, services, dev = false }: AppDeps): { app: Express; sessionStore: KnexSessionStore } {
  const app = express();
  baseMiddleware(app, { config, logger });

  // Cookies are dated by the real clock (browsers expire them by theirs), so the store expires
  // sessions by it too: a test clock moved two years ahead must not sign everyone out.
  const sessionStore = new KnexSessionStore(db, systemClock);
  const passport = createPassport(services.accounts);
  initializePassport(app, passport);
  // Idle and absolute limits, by the app's clock (src/sessions/timeouts.ts); a form sent after the
  // end is kept for its owner (src/sessions/kept.ts).
  const limits = sessionLimits(config);
  const kept = keptSubmissions({ db, clock, secure: config.secureCookies });
  // What every page runs between the request's parsing and its route, in this order, as one
  // layer of the router (src/http/series.ts).
  app.use(series(
    sessions({
      store: sessionStore, name: sessionCookieName(config.secureCookies), secret: config.sessionSecret,
      previousSecrets: config.previousSessionSecrets, secure: config.secureCookies, maxAgeMs: SESSION_MAX_AGE_MS,
    }),
    restoreSessionUser(passport),
    sessionTimeouts({ clock, limits, kept }),
    refuseNul,
    // Pages for a signed-in person hold their data: no shared or browser cache may keep them.
    (req, res, next) => {
      if (req.user) res.set('Cache-Control', 'no-store');
      next();
    },
    csrfProtection,
    kept.spendOnUse,
    viewLocals,
    // The day a person was last here, for the retention period (src/privacy/retention.ts).
    recordActivity({ db, clock }),
    ...(dev ? [curriculumProblemsBanner(services.curriculum)] : []),
    // An administrator without a second factor reaches only its enrolment page and sign-out.
    secondFactorGate(services.secondFactor),
  ));

  const minute = 60 * 1000;
  const loginByAddress = createLimiter(db, clock, { name: 'login', windowMs: 15 * minute, limit: 10, skipSuccessfulRequests: true });
  // Failed sign-ins are also counted per account, so guessing one person's password from many
  // addresses is slowed too. Counted alone that would let a stranger lock the owner out, so a
  // browser that has signed in to the account before is not held by it (src/http/known-device.ts).
  const loginByAccount = createLimiter(db, clock, {
    name: 'login-account', windowMs: 60 * minute, limit: 20, skipSuccessfulRequests: true,
    key: (req) => `email:${String(req.body?.email ?? '').trim().toLowerCase().slice(0, 320)}`,
  });
  const devices = knownDevices({ secret: config.sessionSecret, previousSecrets: config.previousSessionSecrets, secure: config.secureCookies });
  const loginLimiter: RequestHandler = (req, res, next) => loginByAddress(req, res, (err) => {
    if (err) return next(err);
    if (devices.recognises(req, String(req.body?.email ?? ''))) return next();
    loginByAccount(req, res, next);
  });
  const verifyLimiter = createLimiter(db, clock, { name: 'verify', windowMs: minute, limit: 30 });
  // Without SMTP, registration says when an email is taken (with no email to confirm an address,
  // it cannot pretend otherwise; with SMTP it never says: src/accounts/registration.ts), so
  // refused registrations are counted tightly per address, like failed
  // sign-ins; all of them more loosely, so a class registering behind one address gets through.
  const registerRefused = createLimiter(db, clock, { name: 'register-refused', windowMs: 15 * minute, limit: 10, skipSuccessfulRequests: true });
  const registerAny = createLimiter(db, clock, { name: 'register', windowMs: 60 * minute, limit: 60 });
  const registerLimiter: RequestHandler = (req, res, next) => registerAny(req, res, (err) => (err ? next(err) : registerRefused(req, res, next)));

  // A learner's pages come first: they are most of the requests, and every router before the one
  // that answers costs each request a match against its routes. No two routes answer the same
  // method and path (test/http/route-overlap.test.ts), so the order decides nothing else.
  app.use(learningRoutes({ learning: services.learning, curriculum: services.curriculum, requiredCourses: (user) => services.organizations.requirements.forUser(user.id) }));
  app.use(homeRoutes({ db }));
  app.use(sessionRoutes({ clock, limits, kept }));
  app.use(accountRoutes({
    accounts: services.accounts, passport, loginLimiter, registerLimiter, rememberSignIn: devices.remember,
    registrations: services.registrations, selfRegistration: config.selfRegistration !== false, mailEnabled: services.mail.enabled,
    unprintableCharacters: (name) => services.renderer.describeUnprintable(name),
    renameUser: services.commands.renameUser,
    secondStep: createSecondStep({ secondFactor: services.secondFactor, clock }),
  }));
  app.use(secondFactorRoutes({ secondFactor: services.secondFactor, accounts: services.accounts, db, clock, rememberSignIn: devices.remember }));
  // Forms that ask a signed-in person for their password again (change it, delete the account):
  // wrong answers are counted per account, so a borrowed session cannot guess it without end.
  const passwordAgainLimiter = createLimiter(db, clock, {
    name: 'password-again', windowMs: 60 * minute, limit: 10, skipSuccessfulRequests: true, key: (req) => `user:${req.user?.id ?? 0}`,
  });
  app.use(passwordRoutes({ accounts: services.accounts, passwordAgainLimiter }));
  app.use(passwordResetRoutes({ resets: services.passwordResets, db, clock }));
  // Pages offer "Create account" only where anyone may make one (SELF_REGISTRATION).
  app.locals.selfRegistration = config.selfRegistration !== false;
  app.use(registrationRoutes({ registrations: services.registrations, db, clock, selfRegistration: config.selfRegistration !== false }));
  app.use(passwordLinkRoutes({ resets: services.passwordResets }));
  app.use(certificateRoutes({
    certificates: services.certificates, renderer: services.renderer, clock, verifyLimiter, db,
  }));
  app.use(adminRoutes({ curriculum: services.curriculum }));
  app.use(adminUserRoutes({ users: createUserAdminService({ db, clock }), secondFactor: services.secondFactor }));
  app.use(auditRoutes({ db, clock }));
  app.use(privacyRoutes({ privacy: services.privacy, accounts: services.accounts, passwordAgainLimiter }));
  app.use(authoringRoutes({ authoring: services.authoring }));
  app.use(organizationRoutes({ organizations: services.organizations, unprintableCharacters: (name) => services.renderer.describeUnprintable(name), db, clock }));
  app.use(reportRoutes({ reports: services.reports, organizations: services.organizations, certificates: services.certificates, renderer: services.renderer, fonts: services.fonts, clock, appName: config.organizationName, db }));
  app.use(analyticsRoutes({
    analytics: createAnalyticsService({ learning: services.learning, curriculum: services.curriculum, organizations: services.organizations }),
    organizations: services.organizations,
  }));
  app.use(apiRoutes({ db, clock, organizations: services.organizations, curriculum: services.curriculum, reports: services.reports, tokens: services.apiTokens, baseUrl: config.baseUrl }));

  app.use(notFoundHandler);
  app.use(logPolicyDenials);
  app.use(errorHandler);
  return { app, sessionStore };
}

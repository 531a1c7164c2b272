// The second factor's pages: the second step of a sign-in (/login/second-factor), and, for the
// signed-in user, its status, enrolment (QR code and text, confirmed by a code), recovery codes
// (shown once) and turning it off (/account/second-factor...). HTTP only: the rules are in
// second-factor.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import * as QRCode from 'qrcode';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { AccountService } from './service';
import type { SecondFactorService } from './second-factor';
import type { SessionUser } from './types';
import { auditOrigin } from '../audit/record';
import { createLimiter } from '../http/rate-limit';
import { publicAccess, requires, safeLocalPath } from '../http/guards';
import type { FieldErrors } from '../http/validate';

declare module '../sessions/session' {
  interface SessionData {
    /**
     * A sign-in whose password was right, waiting for its second step: not a signed-in session
     * (no passport user) until a code is given. `until` is epoch ms by the app's clock.
     */
    secondFactorPending?: { userId: number; next: string; until: number };
  }
}

/** How long the second step waits for its code after the password. */
const PENDING_MS = 10 * 60 * 1000;
const MINUTE = 60 * 1000;

const codeSchema = z.object({ code: z.string().max(64).default('') });
const disableSchema = z.object({ code: z.string().max(64).default(''), password: z.string().max(1024).default('') });

function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id here: the id that carried the pending step is worthless after.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

/**
 * Called by the sign-in route after a right password: when the user has a second factor, the
 * sign-in waits for it (true: send them to /login/second-factor); otherwise false.
 */
export function createSecondStep({ secondFactor, clock }: { secondFactor: SecondFactorService; clock: Clock }) {
  return async (req: Request, user: SessionUser, next: string): Promise<boolean> => {
    if (!(await secondFactor.isEnabled(user.id))) return false;
    req.session.secondFactorPending = { userId: user.id, next, until: clock.now().getTime() + PENDING_MS };
    return true;
  };
}

export interface SecondFactorRouteDeps {
  secondFactor: SecondFactorService;
  accounts: AccountService;
  db: Db;
  clock: Clock;
  /** Marks the browser as one that signed in to this account (src/http/known-device.ts). */
  rememberSignIn?: (req: Request, res: Response, email: string) => void;
}

export function secondFactorRoutes({ secondFactor, accounts, db, clock, rememberSignIn }: SecondFactorRouteDeps): Router {
  const router = Router();

  // Wrong codes are counted like wrong passwords: per address, and per account (from whichever
  // address), so a stolen password does not buy unlimited guesses at the code. Right ones are not
  // counted (skipSuccessfulRequests: a wrong code is answered 401 or 422).
  const byAddress = createLimiter(db, clock, { name: 'second-factor', windowMs: 15 * MINUTE, limit: 10, skipSuccessfulRequests: true });
  const byAccount = createLimiter(db, clock, {
    name: 'second-factor-account', windowMs: 60 * MINUTE, limit: 10, skipSuccessfulRequests: true,
    key: (req) => `user:${req.session?.secondFactorPending?.userId ?? req.user?.id ?? 0}`,
  });
  const codeLimiter: RequestHandler = (req, res, next) => byAddress(req, res, (err) => (err ? next(err) : byAccount(req, res, next)));

  /** A wrong code, logged for whoever watches for guessing: the account's id, never the code. */
  const logFailure = (req: Request, userId: number, where: string) =>
    req.log?.warn({ secondFactorRefused: { userId, where } }, 'second factor refused');

  // ---- The second step of a sign-in ----

  const pendingOf = (req: Request) => {
    const pending = req.session?.secondFactorPending;
    return pending && pending.until > clock.now().getTime() ? pending : null;
  };
  const showStep = (res: Response, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/second-factor-login', { title: res.locals.t('secondFactor.login.title'), errors, expired: false }, status);
  // No sign-in waiting (it took longer than ten minutes, or the page was opened directly): say so,
  // with the way back to the password.
  const showExpired = (res: Response, status: number) =>
    res.page('accounts/second-factor-login', { title: res.locals.t('secondFactor.login.title'), errors: {}, expired: true }, status);

  router.get('/login/second-factor', publicAccess, (req, res) => {
    if (req.user) return res.redirect(303, '/dashboard');
    return pendingOf(req) ? showStep(res) : showExpired(res, 200);
  });

  router.post('/login/second-factor', publicAccess, codeLimiter, async (req, res) => {
    const pending = pendingOf(req);
    if (!pending) return showExpired(res, 401);
    const { code } = codeSchema.catch({ code: '' }).parse(req.body ?? {});
    const passed = code.trim() ? await secondFactor.verify(pending.userId, code, auditOrigin(req)) : null;
    if (!passed) {
      logFailure(req, pending.userId, 'sign-in');
      return showStep(res, { code: code.trim() ? 'secondFactor.codeWrong' : 'secondFactor.codeRequired' }, 401);
    }
    const user = await accounts.findUser(pending.userId);
    delete req.session.secondFactorPending;
    if (!user) return showExpired(res, 401);
    await logIn(req, user);
    rememberSignIn?.(req, res, user.email);
    // After a recovery code, the status page says how many are left (and offers new ones).
    res.redirect(303, passed.via === 'recovery' ? `/account/second-factor?recoveryLeft=${passed.left}` : safeLocalPath(pending.next));
  });

  // ---- The signed-in user's own second factor ----

  const own = requires('account:edit');

  async function showStatus(req: Request, res: Response, errors: FieldErrors = {}, status = 200) {
    const state = await secondFactor.status(req.user!.id);
    const left = typeof req.query.recoveryLeft === 'string' && /^\d{1,2}$/.test(req.query.recoveryLeft) ? Number(req.query.recoveryLeft) : null;
    const done = ['enrolled', 'disabled'].find((d) => d === req.query.done) ?? null;
    res.page('accounts/second-factor', {
      title: res.locals.t('secondFactor.title'), state, errors, done, recoveryLeft: left,
      // Administrators must keep it on (src/accounts/second-factor-gate.ts): they are not offered to turn it off.
      mayDisable: req.user!.role !== 'admin',
    }, status);
  }

  async function showEnrol(req: Request, res: Response, errors: FieldErrors = {}, status = 200) {
    const pending = await secondFactor.pendingEnrolment(req.user!);
    if (!pending) return res.redirect(303, '/account/second-factor');
    // An SVG image in a data: address (the CSP allows data: images, and no script is needed).
    const svg = await QRCode.toString(pending.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    const required = req.user!.role === 'admin';
    // Every other page would send an administrator straight back here: the navigation offers none.
    if (required) res.locals.nav = [];
    res.page('accounts/second-factor-enrol', {
      title: res.locals.t('secondFactor.enrol.title'), errors,
      qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
      // Shown in groups of four, as authenticator apps accept it with or without spaces.
      secret: pending.secret.replace(/(.{4})(?=.)/g, '$1 '),
      required,
    }, status);
  }

  const showCodes = (res: Response, codes: string[]) =>
    res.page('accounts/recovery-codes', { title: res.locals.t('secondFactor.codes.title'), codes });

  router.get('/account/second-factor', own, (req, res) => showStatus(req, res));

  router.get('/account/second-factor/enrol', own, (req, res) => showEnrol(req, res));

  router.post('/account/second-factor/enrol', own, async (req, res) => {
    const { code } = codeSchema.catch({ code: '' }).parse(req.body ?? {});
    const codes = code.trim() ? await secondFactor.confirmEnrolment(req.user!, code, auditOrigin(req)) : null;
    if (!codes) return showEnrol(req, res, { code: code.trim() ? 'secondFactor.codeWrong' : 'secondFactor.codeRequired' }, 422);
    showCodes(res, codes);
  });

  router.post('/account/second-factor/recovery-codes', own, codeLimiter, async (req, res) => {
    const { code } = codeSchema.catch({ code: '' }).parse(req.body ?? {});
    const codes = code.trim() ? await secondFactor.regenerateRecoveryCodes(req.user!, code, auditOrigin(req)) : null;
    if (!codes) {
      logFailure(req, req.user!.id, 'recovery-codes');
      return showStatus(req, res, { renewCode: code.trim() ? 'secondFactor.codeWrong' : 'secondFactor.codeRequired' }, 422);
    }
    showCodes(res, codes);
  });

  router.post('/account/second-factor/disable', own, codeLimiter, async (req, res) => {
    const user = req.user!;
    if (user.role === 'admin') return showStatus(req, res, { disableCode: 'secondFactor.requiredForAdmins' }, 409);
    const { code, password } = disableSchema.catch({ code: '', password: '' }).parse(req.body ?? {});
    if (!code.trim() && !password) return showStatus(req, res, { disableCode: 'secondFactor.proofRequired' }, 422);
    // A password is checked through the account service (scrypt, deactivated accounts refused).
    const proof = code.trim() ? { code } : { passwordOk: (await accounts.checkCredentials(user.email, password)) !== null };
    if (!(await secondFactor.disable(user, proof, auditOrigin(req)))) {
      logFailure(req, user.id, 'disable');
      return showStatus(req, res, { disableCode: 'secondFactor.proofWrong' }, 422);
    }
    res.redirect(303, '/account/second-factor?done=disabled');
  });

  return router;
}

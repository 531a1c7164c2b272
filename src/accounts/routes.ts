// Registration, sign-in, sign-out and the first administrator's setup page. HTTP only.
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { PassportInstance } from './passport';
import type { AccountService } from './service';
import type { Registrations } from './registration';
import type { SessionUser } from './types';
import { registerSchema, loginSchema, nameSchema } from './schemas';
import { sessionCookieName } from '../http/session-store';
import { parseForm, type FieldErrors, type FormResult } from '../http/validate';
import { publicAccess, requires, safeLocalPath } from '../http/guards';
import { notFound } from '../http/errors';
import { showErrorsOnForm } from '../http/error-handler';

interface Deps {
  accounts: AccountService;
  /**
   * What in a name no certificate font can print (emoji, scripts with no font, control
   * characters...), each as a person can read it: invisible ones as code points (U+202E).
   */
  unprintableCharacters: (name: string) => string[];
  /** Corrects the user's name and reissues their certificates under it, together. */
  renameUser: (userId: number, name: string) => Promise<{ reissued: number }>;
  passport: PassportInstance;
  loginLimiter: (req: Request, res: Response, next: NextFunction) => void;
  registerLimiter?: (req: Request, res: Response, next: NextFunction) => void;
  /** With SMTP, registration proves the address first and never says whether it is taken (./registration.ts). */
  registrations?: Registrations;
  /** false (SELF_REGISTRATION=off): accounts come only from invitations and administrators. */
  selfRegistration?: boolean;
  /** Whether email is sent at all: without it there are no reminders to turn off, so the account page does not offer it. */
  mailEnabled?: boolean;
  /** Marks the browser as one that signed in to this account (it then passes the per-account limit). */
  rememberSignIn?: (req: Request, res: Response, email: string) => void;
  /**
   * After a right password: true when the user has a second factor, and the sign-in now waits for
   * its code at /login/second-factor (src/accounts/second-factor-routes.ts) instead of completing.
   */
  secondStep?: (req: Request, user: SessionUser, next: string) => Promise<boolean>;
}

/** What a form shows again after an error: everything the user typed except passwords. */
function keptValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (typeof v === 'string' && k !== 'password' && k !== '_csrf') values[k] = v;
  }
  return values;
}

function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id here, so a session fixed before login is worthless.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

export function accountRoutes({ accounts, passport, loginLimiter, registerLimiter, rememberSignIn, renameUser, unprintableCharacters, registrations, selfRegistration = true, mailEnabled = false, secondStep }: Deps): Router {
  const router = Router();

  /**
   * The schema's verdict, and whether a certificate could print the name: better to say so now,
   * beside the field, than when the learner finishes a course. The name as typed is checked
   * (composed, trimmed), so what cannot be printed is named, control characters too, rather
   * than refused in general terms by the schema.
   */
  function checkName<T extends { displayName: string }>(form: FormResult<T>, body: unknown): FormResult<T> {
    const given = (body as { displayName?: unknown } | undefined)?.displayName;
    // Longer than any name: the schema refuses it without this check's cost.
    const bad = typeof given === 'string' && given.length <= 1000 ? unprintableCharacters(given.normalize('NFC').trim()) : [];
    if (!bad.length) return form;
    const nameError = { key: 'validation.nameUnprintable', params: { characters: bad.join(' ') } };
    return { ok: false, errors: { ...(form.ok ? {} : form.errors), displayName: nameError } };
  }

  const showAccount = (res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200, reissued: number | null = null) =>
    res.page('accounts/account', { title: res.locals.t('account.title'), values, errors, reissued, mailEnabled }, status);

  router.get('/account', requires('account:edit'), async (req, res) => {
    const reissued = typeof req.query.reissued === 'string' ? Number(req.query.reissued) : null;
    const reminders = (await accounts.remindersEnabled(req.user!.id)) ? 'on' : '';
    showAccount(res, { displayName: req.user!.displayName, reminders }, {}, 200, Number.isInteger(reissued) ? reissued : null);
  });

  router.post('/account', requires('account:edit'), async (req, res) => {
    const form = checkName(parseForm(nameSchema, req.body), req.body);
    if (!form.ok) return showAccount(res, keptValues(req.body), form.errors, 422);
    const user = req.user!;
    if (form.data.remindersShown !== undefined) await accounts.setRemindersEnabled(user.id, form.data.reminders !== undefined);
    const { reissued } = form.data.displayName === user.displayName ? { reissued: 0 } : await renameUser(user.id, form.data.displayName);
    res.redirect(303, `/account?reissued=${reissued}`);
  });

  // `next` (e.g. an invitation's /join/<token>) is kept through registration as through sign-in.
  const showRegister = (req: Request, res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/register', { title: res.locals.t('register.title'), values, errors, next: safeLocalPath(req.query.next ?? req.body?.next, '') }, status);
  const showLogin = (req: Request, res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/login', { title: res.locals.t('login.title'), values, errors, next: safeLocalPath(req.query.next ?? req.body?.next, '') }, status);

  const showClosed = (res: Response, status: number) => res.page('accounts/register-closed', { title: res.locals.t('register.title') }, status);

  router.get('/register', publicAccess, (req, res) => (req.user ? res.redirect(303, safeLocalPath(req.query.next)) : selfRegistration ? showRegister(req, res) : showClosed(res, 200)));

  router.post('/register', publicAccess, registerLimiter ?? ((_req, _res, next) => next()), async (req, res) => {
    if (!selfRegistration) return showClosed(res, 403);
    const form = checkName(parseForm(registerSchema, req.body), req.body);
    if (!form.ok) return showRegister(req, res, keptValues(req.body), form.errors, 422);
    if (registrations?.byEmail) {
      // The same answer, after the same work, whether or not the address has an account.
      const next = safeLocalPath(req.body.next, '');
      await registrations.request({ ...form.data, next: next || null });
      return res.page('accounts/register-sent', { title: res.locals.t('register.sent.title'), email: form.data.email });
    }
    showErrorsOnForm(res, (err) => err.id === 'email_taken' && (showRegister(req, res, keptValues(req.body), { email: 'validation.emailTaken' }, 422), true));
    const user = await accounts.createUser({ ...form.data, role: 'learner' });
    await logIn(req, user);
    res.redirect(303, safeLocalPath(req.body.next));
  });

  router.get('/login', publicAccess, (req, res) => (req.user ? res.redirect(303, safeLocalPath(req.query.next)) : showLogin(req, res)));

  router.post('/login', publicAccess, loginLimiter, (req, res, next) => {
    const form = parseForm(loginSchema, req.body);
    if (!form.ok) return showLogin(req, res, keptValues(req.body), form.errors, 422);
    req.body.email = form.data.email;
    passport.authenticate('local', (err: unknown, user: SessionUser | false) => {
      if (err) return next(err);
      if (!user) return showLogin(req, res, keptValues(req.body), { _form: 'validation.badCredentials' }, 401);
      (secondStep ? secondStep(req, user, safeLocalPath(req.body.next)) : Promise.resolve(false)).then((waiting) => {
        // Not signed in yet: the device is remembered, and the session made, once the code is given.
        if (waiting) return res.redirect(303, '/login/second-factor');
        return logIn(req, user).then(() => {
          rememberSignIn?.(req, res, form.data.email);
          res.redirect(303, safeLocalPath(req.body.next));
        });
      }).catch(next);
    })(req, res, next);
  });

  router.post('/logout', requires('session:end'), (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        // The name the session cookie has on this scheme (__Host- behind https), cleared with the
        // attributes it was set with, or the browser would keep it.
        res.clearCookie(sessionCookieName(req.secure), { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
        res.redirect(303, '/');
      });
    });
  });

  const showSetup = (res: Response, token: string, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/setup', { title: res.locals.t('setup.title'), token, values, errors }, status);

  router.get('/setup/:token', publicAccess, async (req, res) => {
    if (!(await accounts.isSetupTokenUsable(String(req.params.token)))) throw notFound();
    showSetup(res, String(req.params.token));
  });

  router.post('/setup/:token', publicAccess, loginLimiter, async (req, res) => {
    const token = String(req.params.token);
    if (!(await accounts.isSetupTokenUsable(token))) throw notFound();
    const form = checkName(parseForm(registerSchema, req.body), req.body);
    if (!form.ok) return showSetup(res, token, keptValues(req.body), form.errors, 422);
    showErrorsOnForm(res, (err) => err.id === 'email_taken' && (showSetup(res, token, keptValues(req.body), { email: 'validation.emailTaken' }, 422), true));
    const admin = await accounts.completeSetup(token, form.data);
    if (!admin) throw notFound();
    await logIn(req, admin);
    res.redirect(303, '/admin');
  });

  return router;
}

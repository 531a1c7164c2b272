// Registration, sign-in, sign-out and the first administrator's setup page. HTTP only.
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { PassportInstance } from './passport';
import type { AccountService } from './service';
import type { SessionUser } from './types';
import { registerSchema, loginSchema, nameSchema } from './schemas';
import type { Db } from '../db/knex';
import { SESSION_COOKIE } from '../http/session-store';
import { parseForm, type FieldErrors, type FormResult } from '../http/validate';
import { publicAccess, signedIn, safeLocalPath } from '../http/guards';
import { HttpError, notFound } from '../http/errors';

interface Deps {
  accounts: AccountService;
  /** Characters of a name no certificate font can print (emoji, right-to-left scripts...). */
  unprintableCharacters: (name: string) => string[];
  /** Reissues the user's certificates under a corrected name, inside the given transaction. */
  reissueCertificates: (trx: Db, userId: number, name: string) => Promise<number>;
  passport: PassportInstance;
  loginLimiter: (req: Request, res: Response, next: NextFunction) => void;
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

export function accountRoutes({ accounts, passport, loginLimiter, reissueCertificates, unprintableCharacters }: Deps): Router {
  const router = Router();

  /**
   * The schema's verdict, then whether a certificate could print the name: better to say so
   * now, beside the field, than when the learner finishes a course.
   */
  function checkName<T extends { displayName: string }>(form: FormResult<T>): FormResult<T> {
    if (!form.ok) return form;
    const bad = unprintableCharacters(form.data.displayName);
    return bad.length ? { ok: false, errors: { displayName: { key: 'validation.nameUnprintable', params: { characters: bad.join(' ') } } } } : form;
  }

  const showAccount = (res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200, reissued: number | null = null) =>
    res.page('accounts/account', { title: res.locals.t('account.title'), values, errors, reissued }, status);

  router.get('/account', signedIn, (req, res) => {
    const reissued = typeof req.query.reissued === 'string' ? Number(req.query.reissued) : null;
    showAccount(res, { displayName: req.user!.displayName }, {}, 200, Number.isInteger(reissued) ? reissued : null);
  });

  router.post('/account', signedIn, async (req, res) => {
    const form = checkName(parseForm(nameSchema, req.body));
    if (!form.ok) return showAccount(res, keptValues(req.body), form.errors, 422);
    const user = req.user!;
    let reissued = 0;
    if (form.data.displayName !== user.displayName) {
      await accounts.changeDisplayName(user.id, form.data.displayName, async (trx) => {
        reissued = await reissueCertificates(trx, user.id, form.data.displayName);
      });
    }
    res.redirect(303, `/account?reissued=${reissued}`);
  });

  const showRegister = (res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/register', { title: res.locals.t('register.title'), values, errors }, status);
  const showLogin = (req: Request, res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/login', { title: res.locals.t('login.title'), values, errors, next: safeLocalPath(req.query.next ?? req.body?.next, '') }, status);

  router.get('/register', publicAccess, (req, res) => (req.user ? res.redirect(303, '/dashboard') : showRegister(res)));

  router.post('/register', publicAccess, async (req, res) => {
    const form = checkName(parseForm(registerSchema, req.body));
    if (!form.ok) return showRegister(res, keptValues(req.body), form.errors, 422);
    try {
      const user = await accounts.createUser({ ...form.data, role: 'learner' });
      await logIn(req, user);
      res.redirect(303, '/dashboard');
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) {
        return showRegister(res, keptValues(req.body), { email: 'validation.emailTaken' }, 422);
      }
      throw err;
    }
  });

  router.get('/login', publicAccess, (req, res) => (req.user ? res.redirect(303, safeLocalPath(req.query.next)) : showLogin(req, res)));

  router.post('/login', publicAccess, loginLimiter, (req, res, next) => {
    const form = parseForm(loginSchema, req.body);
    if (!form.ok) return showLogin(req, res, keptValues(req.body), form.errors, 422);
    req.body.email = form.data.email;
    passport.authenticate('local', (err: unknown, user: SessionUser | false) => {
      if (err) return next(err);
      if (!user) return showLogin(req, res, keptValues(req.body), { _form: 'validation.badCredentials' }, 401);
      logIn(req, user).then(() => res.redirect(303, safeLocalPath(req.body.next)), next);
    })(req, res, next);
  });

  router.post('/logout', signedIn, (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie(SESSION_COOKIE);
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
    const form = checkName(parseForm(registerSchema, req.body));
    if (!form.ok) return showSetup(res, token, keptValues(req.body), form.errors, 422);
    try {
      const admin = await accounts.completeSetup(token, form.data);
      if (!admin) throw notFound();
      await logIn(req, admin);
      res.redirect(303, '/admin');
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) {
        return showSetup(res, token, keptValues(req.body), { email: 'validation.emailTaken' }, 422);
      }
      throw err;
    }
  });

  return router;
}

// Changing one's own password at /account/password. HTTP only: the rules are in the account service.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AccountService } from './service';
import type { SessionUser } from './types';
import { newPassword } from './schemas';
import { parseForm, type FieldErrors } from '../http/validate';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'validation.passwordRequired').max(1024, 'validation.passwordTooLong'),
  newPassword,
});

function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id here: the session that typed the old password lives on
  // under a new id, so an id seen before the change is worth nothing after it.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

export function passwordRoutes({ accounts, passwordAgainLimiter = (_req, _res, next) => next() }: {
  accounts: AccountService;
  /** Counts wrong current passwords per account (src/app.ts). */
  passwordAgainLimiter?: RequestHandler;
}): Router {
  const router = Router();

  // No values are kept: both fields are passwords, never shown again.
  const showChange = (res: Response, errors: FieldErrors = {}, status = 200, changed = false) =>
    res.page('accounts/change-password', { title: res.locals.t('passwordChange.title'), errors, changed }, status);

  router.get('/account/password', requires('account:edit'), (req, res) => showChange(res, {}, 200, req.query.changed === '1'));

  router.post('/account/password', requires('account:edit'), passwordAgainLimiter, async (req, res) => {
    const form = parseForm(changePasswordSchema, req.body);
    if (!form.ok) return showChange(res, form.errors, 422);
    const user = req.user!;
    const changed = await accounts.changePassword(user.id, form.data.currentPassword, form.data.newPassword, req.sessionID, auditOrigin(req));
    if (!changed) return showChange(res, { currentPassword: 'validation.currentPasswordWrong' }, 422);
    await logIn(req, user);
    res.redirect(303, '/account/password?changed=1');
  });

  return router;
}

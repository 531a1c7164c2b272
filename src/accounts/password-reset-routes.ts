// Forgotten passwords: asking for a link (/password/forgot) and using it (/password/reset/:token).
// HTTP only: the rules are in ./password-reset.ts.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { PasswordResets } from './password-reset';
import { email, newPassword } from './schemas';
import { parseForm, type FieldErrors } from '../http/validate';
import { publicAccess } from '../http/guards';
import { createLimiter } from '../http/rate-limit';
import { auditOrigin } from '../audit/record';

const forgotSchema = z.object({ email });
const resetSchema = z.object({ password: newPassword });

export function passwordResetRoutes({ resets, db, clock }: { resets: PasswordResets; db: Db; clock: Clock }): Router {
  const router = Router();
  const minute = 60 * 1000;
  // Like sign-in: per address, and per email so one person's inbox cannot be flooded from many.
  const byAddress = createLimiter(db, clock, { name: 'password-forgot', windowMs: 15 * minute, limit: 10 });
  // Links carry 256 random bits, so this only keeps a script from hammering the hashing.
  const resetByAddress = createLimiter(db, clock, { name: 'password-reset', windowMs: 15 * minute, limit: 20 });
  const byEmail = createLimiter(db, clock, {
    name: 'password-forgot-email', windowMs: 60 * minute, limit: 5,
    key: (req) => `email:${String(req.body?.email ?? '').trim().toLowerCase().slice(0, 320)}`,
  });

  const showForgot = (res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200, sent = false) =>
    res.page('accounts/password-forgot', { title: res.locals.t('passwordReset.forgotTitle'), byEmail: resets.byEmail, values, errors, sent }, status);

  router.get('/password/forgot', publicAccess, (_req, res) => showForgot(res));

  router.post('/password/forgot', publicAccess, byAddress, byEmail, (req, res) => {
    if (!resets.byEmail) return showForgot(res);
    const form = parseForm(forgotSchema, req.body);
    if (!form.ok) return showForgot(res, { email: typeof req.body?.email === 'string' ? req.body.email : '' }, form.errors, 422);
    // Answered before the address is even looked up: the answer and its timing are the same
    // whether or not it has an account.
    resets.requestByEmail(form.data.email);
    showForgot(res, {}, {}, 200, true);
  });

  const showReset = (res: Response, token: string, errors: FieldErrors = {}, status = 200) =>
    res.page('accounts/password-reset', { title: res.locals.t('passwordReset.resetTitle'), token, errors, state: 'form' }, status);
  const showState = (res: Response, state: 'expired' | 'done', status: number) =>
    res.page('accounts/password-reset', { title: res.locals.t('passwordReset.resetTitle'), token: '', errors: {}, state }, status);

  router.get('/password/reset/:token', publicAccess, async (req, res) => {
    const token = String(req.params.token);
    if (!(await resets.isUsable(token))) return showState(res, 'expired', 410);
    showReset(res, token);
  });

  router.post('/password/reset/:token', publicAccess, resetByAddress, async (req, res) => {
    const token = String(req.params.token);
    if (!(await resets.isUsable(token))) return showState(res, 'expired', 410);
    const form = parseForm(resetSchema, req.body);
    if (!form.ok) return showReset(res, token, form.errors, 422);
    if (!(await resets.reset(token, form.data.password, auditOrigin(req)))) return showState(res, 'expired', 410);
    showState(res, 'done', 200);
  });

  return router;
}

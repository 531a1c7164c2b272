// Following a registration link (/register/verify/:token): the page asks for the password chosen
// at registration, then makes the account and signs its owner in. HTTP only: the rules are in
// ./registration.ts. A GET changes nothing (mail scanners open links), and the POST acts.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { Registrations } from './registration';
import type { SessionUser } from './types';
import { parseForm, type FieldErrors } from '../http/validate';
import { publicAccess, safeLocalPath } from '../http/guards';
import { createLimiter } from '../http/rate-limit';

const verifySchema = z.object({ password: z.string().min(1, 'validation.passwordRequired').max(1024, 'validation.passwordTooLong') });

type State = 'form' | 'expired' | 'taken' | 'closed';

function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id here, so a session fixed before is worthless.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

export function registrationRoutes({ registrations, db, clock, selfRegistration = true }: { registrations: Registrations; db: Db; clock: Clock; selfRegistration?: boolean }): Router {
  const router = Router();
  // Links carry 256 random bits; this keeps a script from hammering the password check.
  const byAddress = createLimiter(db, clock, { name: 'register-verify', windowMs: 15 * 60 * 1000, limit: 20 });

  const show = (res: Response, state: State, status: number, o: { token?: string; email?: string; errors?: FieldErrors } = {}) =>
    res.page('accounts/register-verify', { title: res.locals.t('register.verify.title'), state, token: o.token ?? '', email: o.email ?? '', errors: o.errors ?? {} }, status);

  router.get('/register/verify/:token', publicAccess, async (req, res) => {
    // Links sent before self-registration was closed stop working with it.
    if (!selfRegistration) return show(res, 'closed', 403);
    const token = String(req.params.token);
    const email = await registrations.usableFor(token);
    if (!email) return show(res, 'expired', 410);
    show(res, 'form', 200, { token, email });
  });

  router.post('/register/verify/:token', publicAccess, byAddress, async (req, res) => {
    if (!selfRegistration) return show(res, 'closed', 403);
    const token = String(req.params.token);
    const email = await registrations.usableFor(token);
    if (!email) return show(res, 'expired', 410);
    const form = parseForm(verifySchema, req.body);
    if (!form.ok) return show(res, 'form', 422, { token, email, errors: form.errors });
    const done = await registrations.complete(token, form.data.password);
    if (done.kind === 'wrongPassword') return show(res, 'form', 422, { token, email, errors: { password: 'validation.registrationPassword' } });
    if (done.kind === 'taken') return show(res, 'taken', 409, { email });
    if (done.kind === 'unusable') return show(res, 'expired', 410);
    await logIn(req, done.user);
    res.redirect(303, safeLocalPath(done.next));
  });

  return router;
}

// Administrators must have a second factor: one signed in without it (a new administrator, or one
// whose factor was reset) reaches only the enrolment page and sign-out until it is on. Checked on
// every request of an administrator against the database (one indexed read, administrators only),
// so a role granted or a factor reset mid-session takes effect at the next request.
import type { RequestHandler } from 'express';
import { forbidden } from '../http/errors';
import type { SecondFactorService } from './second-factor';

export const ENROL_PATH = '/account/second-factor/enrol';
/**
 * What an administrator without a second factor may still reach: enrolment, sign-out, and keeping
 * the session alive while they set up their app (src/sessions/routes.ts).
 */
const OPEN_PATHS = new Set([ENROL_PATH, '/logout', '/session/keep-alive']);

export function secondFactorGate(secondFactor: SecondFactorService): RequestHandler {
  // Not an async function: every request passes here, and only an administrator's waits for the read.
  return (req, res, next) => {
    if (req.user?.role !== 'admin' || OPEN_PATHS.has(req.path)) return next();
    secondFactor.isEnabled(req.user.id).then((enabled) => {
      if (enabled) return next();
      if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts(['html', 'json']) === 'html') return res.redirect(303, ENROL_PATH);
      next(forbidden('second_factor_required'));
    }, next);
  };
}

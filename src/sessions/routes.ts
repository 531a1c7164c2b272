// The session's own pages: the time left (for the warning script), staying signed in, and the
// form kept when a session timed out, offered back to its owner after they sign in again.
import { Router } from 'express';
import type { Clock } from '../clock';
import { publicAccess, requires, safeLocalPath } from '../http/guards';
import { KEPT_FIELD, type KeptSubmissions } from './kept';
import { STATUS_PATH, markActive, timeLeft, type SessionLimits } from './timeouts';

/** Fields shown to the reader on the kept page: free text, not option ids or other tokens. */
function isWords(value: string): boolean {
  return /\s/.test(value.trim()) || value.length > 40;
}

export function sessionRoutes({ clock, limits, kept }: { clock: Clock; limits: SessionLimits; kept: KeptSubmissions }): Router {
  const router = Router();

  // Read by public/js/session-timeout.js before it warns (another tab may have kept the session
  // in use); does not count as activity (see STATUS_PATH in ./timeouts.ts).
  router.get(STATUS_PATH, publicAccess, (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!req.user) return res.json({ signedIn: false });
    res.json({ signedIn: true, ...timeLeft(req.session, limits, clock.now().getTime()) });
  });

  router.post('/session/keep-alive', requires('session:end'), (req, res) => {
    markActive(req, clock);
    if (req.accepts(['html', 'json']) === 'json') return res.json({ signedIn: true, ...timeLeft(req.session, limits, clock.now().getTime()) });
    res.redirect(303, safeLocalPath(req.body?.next));
  });

  router.get('/session/kept', requires('account:edit'), async (req, res) => {
    const row = await kept.find(req, res, req.user!.id);
    if (!row) return res.redirect(303, '/dashboard');
    const fields = Object.entries(row.fields).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
    res.page('sessions/kept', {
      title: res.locals.t('sessionKept.title'), action: safeLocalPath(row.action, '/dashboard'), fields, keptField: KEPT_FIELD,
      shown: fields.filter((f) => isWords(f.value)),
    });
  });

  router.post('/session/kept/discard', requires('account:edit'), async (req, res) => {
    await kept.forget(req, res);
    res.redirect(303, '/dashboard');
  });

  return router;
}

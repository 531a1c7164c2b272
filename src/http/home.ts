// The front page and the health check.
import { Router } from 'express';
import type { Db } from '../db/knex';
import { ping } from '../db/knex';
import { publicAccess } from './guards';

export function homeRoutes({ db }: { db: Db }): Router {
  const router = Router();
  router.get('/', publicAccess, (req, res) => {
    if (req.user) return res.redirect(303, '/dashboard');
    res.page('home', { title: res.locals.t('home.title') });
  });
  router.get('/healthz', publicAccess, async (_req, res) => {
    const ok = await ping(db);
    res.set('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  });
  return router;
}

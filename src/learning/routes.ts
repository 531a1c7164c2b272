// Catalog, course overview, module pages, progress and the learner's dashboard. HTTP only.
import { Router } from 'express';
import type { LearningService } from './service';
import { publicAccess, signedIn } from '../http/guards';
import { formatCode } from '../certificates/codes';

const path = {
  course: (slug: string) => `/courses/${encodeURIComponent(slug)}`,
  module: (slug: string, key: string) => `/courses/${encodeURIComponent(slug)}/modules/${encodeURIComponent(key)}`,
};

export function learningRoutes({ learning }: { learning: LearningService }): Router {
  const router = Router();

  router.get('/courses', publicAccess, async (_req, res) => {
    const courses = await learning.catalog();
    res.page('learning/catalog', { title: res.locals.t('catalog.title'), courses });
  });

  router.get('/courses/:slug', publicAccess, async (req, res) => {
    const view = await learning.coursePage(String(req.params.slug), req.user ?? null);
    res.page('learning/course', { title: view.course.title, ...view, path });
  });

  router.post('/courses/:slug/enrol', signedIn, async (req, res) => {
    const slug = String(req.params.slug);
    const start = await learning.enrol(slug, req.user!);
    res.redirect(303, path.module(slug, start));
  });

  router.get('/courses/:slug/modules/:key', signedIn, async (req, res) => {
    const slug = String(req.params.slug);
    const view = await learning.modulePage(slug, String(req.params.key), req.user!);
    if (!view.enrolled) return res.redirect(303, path.course(slug));
    res.page('learning/module', { title: `${view.module.title} · ${view.course.title}`, ...view, path });
  });

  router.post('/courses/:slug/modules/:key/complete', signedIn, async (req, res) => {
    const slug = String(req.params.slug);
    const result = await learning.completeModule(slug, String(req.params.key), req.user!);
    if (result.courseCompleted) return res.redirect(303, `${path.course(slug)}?completed=1`);
    res.redirect(303, result.nextKey ? path.module(slug, result.nextKey) : path.course(slug));
  });

  router.get('/dashboard', signedIn, async (req, res) => {
    const view = await learning.dashboard(req.user!);
    res.page('learning/dashboard', { title: res.locals.t('dashboard.title'), ...view, path, formatCode });
  });

  return router;
}

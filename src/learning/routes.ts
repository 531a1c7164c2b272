// Catalog, course overview, module pages, progress and the learner's dashboard. HTTP only.
import { Router, type Response } from 'express';
import type { LearningService } from './service';
import type { CurriculumService } from '../curriculum/service';
import { notFound } from '../http/errors';
import { publicAccess, requires } from '../http/guards';
import { formatCode } from '../certificates/codes';
import type { SessionUser } from '../accounts/types';
import { MAX_REFLECTION_LENGTH, presentModulePage, type ModulePageState } from './module-presenter';
import { showErrorsOnForm } from '../http/error-handler';
import { HttpError } from '../http/errors';
import { surveyPaths, surveyRoutes } from './survey-routes';
import { presentMissing } from './missing-presenter';

const path = {
  course: (slug: string) => `/courses/${encodeURIComponent(slug)}`,
  module: (slug: string, key: string) => `/courses/${encodeURIComponent(slug)}/modules/${encodeURIComponent(key)}`,
};

type ModuleView = Awaited<ReturnType<LearningService['modulePage']>>;

function showModule(res: Response, view: ModuleView, state: ModulePageState, status = 200) {
  res.page('learning/module', presentModulePage(view, state, { path, title: `${view.module.title} · ${view.course.title}` }), status);
}

/** A learner's required courses (their organization's assignments), most urgent first; shown first on the dashboard. */
export type RequiredCoursesFor = (user: SessionUser) => Promise<{ slug: string; title: string; status: string; dueAt: Date | null; percent: number; expiresAt: Date | null }[]>;

export function learningRoutes({ learning, curriculum, requiredCourses }: { learning: LearningService; curriculum: CurriculumService; requiredCourses?: RequiredCoursesFor }): Router {
  const router = Router();

  router.get('/courses', publicAccess, async (_req, res) => {
    const courses = await learning.catalog();
    res.page('learning/catalog', { title: res.locals.t('catalog.title'), courses });
  });

  router.get('/courses/:slug', publicAccess, async (req, res) => {
    const view = await learning.coursePage(String(req.params.slug), req.user ?? null);
    const slug = view.course.slug;
    const missing = presentMissing(view.missing, { module: (key) => path.module(slug, key), postSurvey: surveyPaths.survey(slug, 'post') }, Boolean(view.survey?.postOpen));
    res.page('learning/course', {
      title: view.course.title, ...view, path, missingLines: missing, surveyPaths, evaluated: req.query.evaluated === '1',
    });
  });

  router.post('/courses/:slug/enrol', requires('course:take'), async (req, res) => {
    const slug = String(req.params.slug);
    const start = await learning.enrol(slug, req.user!);
    // A course with a survey asks it before the first module.
    res.redirect(303, start.survey ? surveyPaths.survey(slug, 'pre') : path.module(slug, start.key));
  });

  router.post('/courses/:slug/retake', requires('course:take'), async (req, res) => {
    const slug = String(req.params.slug);
    const first = await learning.retake(slug, req.user!);
    res.redirect(303, path.module(slug, first));
  });

  router.get('/courses/:slug/modules/:key', requires('course:take'), async (req, res) => {
    const slug = String(req.params.slug);
    const view = await learning.modulePage(slug, String(req.params.key), req.user!);
    if (!view.enrolled) return res.redirect(303, path.course(slug));
    if (view.preSurveyDue) return res.redirect(303, surveyPaths.survey(slug, 'pre'));
    showModule(res, view, { warningAccepted: req.query.continue === '1', savedReflection: typeof req.query.saved === 'string' ? req.query.saved : undefined });
  });

  router.post('/courses/:slug/modules/:key/checks/:check', requires('course:take'), async (req, res) => {
    const [slug, key, checkId] = [String(req.params.slug), String(req.params.key), String(req.params.check)];
    // A refused answer (empty, unknown option, too soon, no attempts left, a changed form) is shown
    // on the module page beside its question, with the error's status; nothing was stored.
    showErrorsOnForm(res, async (err: HttpError) => {
      if (err.status === 404 || err.status === 401 || err.status === 403) return false;
      const view = await learning.modulePage(slug, key, req.user!);
      if (!view.module.checks.some((c) => c.id === checkId)) return false;
      if (err.id === 'attempt_too_soon' && err.detail?.params?.count) res.set('Retry-After', String(Number(err.detail.params.count) * 60));
      showModule(res, view, { answer: { checkId, error: { id: err.id, key: err.detail?.key, params: err.detail?.params } }, warningAccepted: true }, err.status);
      return true;
    });
    const { page, answer } = await learning.answerCheck(slug, key, checkId, { options: req.body?.option, attempt: req.body?.attempt }, req.user!);
    showModule(res, page, { answer, warningAccepted: true });
  });

  router.post('/courses/:slug/modules/:key/reflections/:reflection', requires('course:take'), async (req, res) => {
    const slug = String(req.params.slug);
    const key = String(req.params.key);
    const id = String(req.params.reflection);
    const text = typeof req.body?.text === 'string' ? req.body.text.replace(/\r\n/g, '\n') : '';
    if (text.length > MAX_REFLECTION_LENGTH) {
      const view = await learning.modulePage(slug, key, req.user!);
      return showModule(res, view, { reflectionError: { id, text }, warningAccepted: true }, 422);
    }
    await learning.saveReflection(slug, key, id, text, req.user!);
    res.redirect(303, `${path.module(slug, key)}?continue=1&saved=${encodeURIComponent(id)}#${encodeURIComponent(id)}`);
  });

  router.get('/courses/:slug/glossary', publicAccess, async (req, res) => {
    const course = await learning.glossary(String(req.params.slug));
    if (!course.glossary.length) throw notFound();
    res.page('learning/glossary', { title: `${res.locals.t('glossary.title')} · ${course.title}`, course, path });
  });

  router.get('/courses/:slug/media/:sha/:name', publicAccess, async (req, res) => {
    const file = await curriculum.media(String(req.params.sha));
    if (!file) throw notFound();
    res.set('Content-Type', file.contentType);
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    res.set('Content-Security-Policy', "default-src 'none'; sandbox");
    res.send(file.content);
  });

  router.post('/courses/:slug/modules/:key/complete', requires('course:take'), async (req, res) => {
    const slug = String(req.params.slug);
    const key = String(req.params.key);
    // Too soon to mark complete (a minimum time per module): said on the module page.
    showErrorsOnForm(res, async (err: HttpError) => {
      if (err.id !== 'module_too_soon') return false;
      const view = await learning.modulePage(slug, key, req.user!);
      showModule(res, view, { completeError: { key: err.detail?.key ?? 'errors.module_too_soon.message', params: err.detail?.params }, warningAccepted: true }, err.status);
      return true;
    });
    const result = await learning.completeModule(slug, key, req.user!);
    if (result.courseCompleted) return res.redirect(303, `${path.course(slug)}?completed=1`);
    if (result.postSurvey) return res.redirect(303, surveyPaths.survey(slug, 'post'));
    res.redirect(303, result.nextKey ? path.module(slug, result.nextKey) : path.course(slug));
  });

  router.use(surveyRoutes({ learning }));

  router.get('/dashboard', requires('course:take'), async (req, res) => {
    // Only members of an organization can have required courses: nobody else pays for the lookup.
    const [view, required] = await Promise.all([learning.dashboard(req.user!), req.user!.membership && requiredCourses ? requiredCourses(req.user!) : []]);
    res.page('learning/dashboard', { title: res.locals.t('dashboard.title'), ...view, required, path, formatCode });
  });

  return router;
}

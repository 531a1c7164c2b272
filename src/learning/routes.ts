// Catalog, course overview, module pages, progress and the learner's dashboard. HTTP only.
import { Router, type Response } from 'express';
import type { LearningService } from './service';
import type { CurriculumService } from '../curriculum/service';
import { notFound } from '../http/errors';
import { publicAccess, signedIn } from '../http/guards';
import { formatCode } from '../certificates/codes';

const path = {
  course: (slug: string) => `/courses/${encodeURIComponent(slug)}`,
  module: (slug: string, key: string) => `/courses/${encodeURIComponent(slug)}/modules/${encodeURIComponent(key)}`,
};

export const MAX_REFLECTION_LENGTH = 5000;

type ModuleView = Awaited<ReturnType<LearningService['modulePage']>>;

interface PageState {
  answer?: Awaited<ReturnType<LearningService['answerCheck']>>['answer'];
  reflectionError?: { id: string; text: string };
  savedReflection?: string;
  /** Content warnings are shown first unless the learner chose to continue. */
  warningAccepted: boolean;
}

function showModule(res: Response, view: ModuleView, state: PageState, status = 200) {
  const showWarning = Boolean(view.module.contentWarning) && !state.warningAccepted && !view.isComplete;
  res.page('learning/module', {
    title: `${view.module.title} · ${view.course.title}`, ...view, showWarning,
    // Every state key is passed, even when empty: EJS throws on an undefined name.
    answer: state.answer ?? null, reflectionError: state.reflectionError ?? null, savedReflection: state.savedReflection ?? null,
    checks: Object.fromEntries(view.module.checks.map((c) => [c.id, c])),
    reflectionPrompts: Object.fromEntries(view.module.reflections.map((r) => [r.id, r])),
    maxReflectionLength: MAX_REFLECTION_LENGTH, path,
  }, status);
}

export function learningRoutes({ learning, curriculum }: { learning: LearningService; curriculum: CurriculumService }): Router {
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

  router.post('/courses/:slug/retake', signedIn, async (req, res) => {
    const slug = String(req.params.slug);
    const first = await learning.retake(slug, req.user!);
    res.redirect(303, path.module(slug, first));
  });

  router.get('/courses/:slug/modules/:key', signedIn, async (req, res) => {
    const slug = String(req.params.slug);
    const view = await learning.modulePage(slug, String(req.params.key), req.user!);
    if (!view.enrolled) return res.redirect(303, path.course(slug));
    showModule(res, view, { warningAccepted: req.query.continue === '1', savedReflection: typeof req.query.saved === 'string' ? req.query.saved : undefined });
  });

  router.post('/courses/:slug/modules/:key/checks/:check', signedIn, async (req, res) => {
    const raw = req.body?.option;
    const chosen = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => Number(v));
    const { page, answer } = await learning.answerCheck(String(req.params.slug), String(req.params.key), String(req.params.check), chosen, req.user!);
    showModule(res, page, { answer, warningAccepted: true }, answer.empty ? 422 : 200);
  });

  router.post('/courses/:slug/modules/:key/reflections/:reflection', signedIn, async (req, res) => {
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

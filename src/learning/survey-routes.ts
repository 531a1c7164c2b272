// The pre/post survey and the end-of-course evaluation pages. HTTP only: read the form, ask the
// learning service, show the form again (with what was given, 422) or move on.
import { Router, type Request, type Response } from 'express';
import type { LearningService } from './service';
import { requires } from '../http/guards';
import { badRequest, conflict, notFound } from '../http/errors';
import {
  AGREEMENT, EVALUATION_QUESTIONS, fieldOf, KNOWLEDGE_ANSWERS, MAX_COMMENT_LENGTH, readEvaluation, readSurvey, SURVEY_PHASES,
  type SurveyPhase,
} from './surveys';

const enc = encodeURIComponent;
export const surveyPaths = {
  course: (slug: string) => `/courses/${enc(slug)}`,
  module: (slug: string, key: string) => `/courses/${enc(slug)}/modules/${enc(key)}`,
  survey: (slug: string, phase: SurveyPhase) => `/courses/${enc(slug)}/survey/${phase}`,
  evaluation: (slug: string) => `/courses/${enc(slug)}/evaluation`,
};

function phaseOf(req: Request): SurveyPhase {
  const phase = String(req.params.phase);
  if (!(SURVEY_PHASES as readonly string[]).includes(phase)) throw notFound();
  return phase as SurveyPhase;
}

type SurveyView = Awaited<ReturnType<LearningService['surveyPage']>>;

function showSurvey(res: Response, view: SurveyView, given: Record<string, string> = {}, missing: string[] = [], problem: 'empty' | 'incomplete' | null = null) {
  const t = res.locals.t as (k: string, p?: Record<string, unknown>) => string;
  res.page('learning/survey', {
    title: `${t(`survey.${view.phase}.title`)} · ${view.course.title}`,
    course: view.course, phase: view.phase, introHtml: view.survey.introHtml,
    attitudes: view.survey.items.filter((i) => i.kind === 'attitude'),
    knowledge: view.survey.items.filter((i) => i.kind === 'knowledge'),
    agreement: AGREEMENT, knowledgeAnswers: KNOWLEDGE_ANSWERS, fieldOf, given, missing, problem,
    action: surveyPaths.survey(view.course.slug, view.phase), paths: surveyPaths,
  }, problem ? 422 : 200);
}

type EvaluationView = Awaited<ReturnType<LearningService['evaluationPage']>>;

function showEvaluation(res: Response, view: EvaluationView, given: Record<string, string> = {}, problem: 'empty' | 'too-long' | null = null) {
  res.page('learning/evaluation', {
    title: `${res.locals.t('evaluation.title')} · ${view.course.title}`,
    ...view, questions: EVALUATION_QUESTIONS, agreement: AGREEMENT, values: given, problem, maxComment: MAX_COMMENT_LENGTH,
    action: surveyPaths.evaluation(view.course.slug), paths: surveyPaths,
  }, problem ? 422 : 200);
}

export function surveyRoutes({ learning }: { learning: LearningService }): Router {
  const router = Router();
  const take = requires('course:take');

  router.get('/courses/:slug/survey/:phase', take, async (req, res) => {
    const slug = String(req.params.slug);
    const phase = phaseOf(req);
    const view = await learning.surveyPage(slug, phase, req.user!);
    if (view.answered) {
      if (phase === 'pre') return res.redirect(303, surveyPaths.module(slug, view.progress.resumeKey));
      return res.redirect(303, surveyPaths.course(slug));
    }
    // Too late for the pre-course survey, or too early for the post-course one: the course page says what is left.
    if (!view.open) return res.redirect(303, surveyPaths.course(slug));
    showSurvey(res, view);
  });

  router.post('/courses/:slug/survey/:phase', take, async (req, res) => {
    const slug = String(req.params.slug);
    const phase = phaseOf(req);
    const view = await learning.surveyPage(slug, phase, req.user!);
    // Answered already (a second click, another tab): nothing more is stored; on as the first time.
    const after = (completed: boolean, firstKey: string) => (phase === 'pre' ? surveyPaths.module(slug, firstKey)
      : completed ? `${surveyPaths.evaluation(slug)}?completed=1` : surveyPaths.course(slug));
    if (view.answered) return res.redirect(303, after(view.completed, view.progress.resumeKey));
    if (!view.open) throw conflict('survey_not_open');
    const reading = readSurvey(view.survey, (req.body ?? {}) as Record<string, unknown>);
    if (!reading.ok && reading.problem === 'tampered') throw badRequest('form_tampered');
    // Nothing is stored: the form comes back with what was given and each missing item named.
    if (!reading.ok) return showSurvey(res, view, reading.answers, reading.missing, reading.problem);
    const result = await learning.submitSurvey(slug, phase, reading.answers, req.user!);
    res.redirect(303, after(result.completed, result.firstKey));
  });

  router.get('/courses/:slug/evaluation', take, async (req, res) => {
    const view = await learning.evaluationPage(String(req.params.slug), req.user!);
    if (!view.open) return res.redirect(303, surveyPaths.course(view.course.slug));
    showEvaluation(res, view);
  });

  router.post('/courses/:slug/evaluation', take, async (req, res) => {
    const slug = String(req.params.slug);
    const reading = readEvaluation((req.body ?? {}) as Record<string, unknown>);
    if (!reading.ok && reading.problem === 'tampered') throw badRequest('form_tampered');
    if (!reading.ok) {
      const view = await learning.evaluationPage(slug, req.user!);
      if (!view.open) throw conflict('evaluation_not_open');
      if (!view.given) return showEvaluation(res, view, reading.given, reading.problem);
    } else {
      await learning.submitEvaluation(slug, reading.answers, req.user!);
    }
    res.redirect(303, `${surveyPaths.course(slug)}?evaluated=1`);
  });

  return router;
}

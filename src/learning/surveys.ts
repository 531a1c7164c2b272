// The pre/post survey and the end-of-course evaluation, as a learner meets them: when each may be
// answered, reading a submitted form, and storing it under the learner's pseudonym (never their
// id) once, in a transaction with the completion the post-course survey may bring.
import type { Db } from '../db/knex';
import type { CompiledSurvey } from '../curriculum/types';
import { conflict } from '../http/errors';
import type { Assessment, Place } from './assessment';
import type { Pseudonyms } from './pseudonyms';
import { postSurveyOpen } from './completion';
import * as assessmentStore from './assessment-store';

export const SURVEY_PHASES = ['pre', 'post'] as const;
export type SurveyPhase = (typeof SURVEY_PHASES)[number];

/** The agreement scale, 1 (strongly disagree) to 5 (strongly agree), and the knowledge answers. */
export const AGREEMENT = [1, 2, 3, 4, 5] as const;
export const KNOWLEDGE_ANSWERS = ['true', 'false', 'not-sure'] as const;
export const EVALUATION_QUESTIONS = ['useful', 'relevant', 'recommend'] as const;
export type EvaluationQuestion = (typeof EVALUATION_QUESTIONS)[number];
export const MAX_COMMENT_LENGTH = 2000;

/** The form field of an item: `i-<item id>`. */
export const fieldOf = (itemId: string) => `i-${itemId}`;

export type SurveyAnswers = Record<string, string | number>;

/** A form that does not read as answers: which items are missing, or that it was tampered with. */
export type SurveyReading =
  | { ok: true; answers: SurveyAnswers }
  | { ok: false; problem: 'empty' | 'incomplete'; answers: Record<string, string>; missing: string[] }
  | { ok: false; problem: 'tampered' };

export function readSurvey(survey: CompiledSurvey, body: Record<string, unknown>): SurveyReading {
  const known = new Set(survey.items.map((i) => fieldOf(i.id)));
  // A field for an item the survey does not have is a form that was changed.
  if (Object.keys(body).some((k) => k.startsWith('i-') && !known.has(k))) return { ok: false, problem: 'tampered' };
  const given: Record<string, string> = {};
  const answers: SurveyAnswers = {};
  for (const item of survey.items) {
    const raw = body[fieldOf(item.id)];
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string') return { ok: false, problem: 'tampered' };
    if (item.kind === 'attitude') {
      if (!/^[1-5]$/.test(raw)) return { ok: false, problem: 'tampered' };
      answers[item.id] = Number(raw);
    } else {
      if (!(KNOWLEDGE_ANSWERS as readonly string[]).includes(raw)) return { ok: false, problem: 'tampered' };
      answers[item.id] = raw;
    }
    given[item.id] = raw;
  }
  const missing = survey.items.filter((i) => answers[i.id] === undefined).map((i) => i.id);
  if (missing.length === survey.items.length) return { ok: false, problem: 'empty', answers: given, missing };
  if (missing.length) return { ok: false, problem: 'incomplete', answers: given, missing };
  return { ok: true, answers };
}

export interface EvaluationAnswers {
  useful: number | null;
  relevant: number | null;
  recommend: number | null;
  comment: string | null;
}

export type EvaluationReading =
  | { ok: true; answers: EvaluationAnswers }
  | { ok: false; problem: 'empty' | 'too-long'; given: Record<string, string> }
  | { ok: false; problem: 'tampered' };

export function readEvaluation(body: Record<string, unknown>): EvaluationReading {
  const given: Record<string, string> = {};
  const answers: EvaluationAnswers = { useful: null, relevant: null, recommend: null, comment: null };
  for (const q of EVALUATION_QUESTIONS) {
    const raw = body[q];
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string' || !/^[1-5]$/.test(raw)) return { ok: false, problem: 'tampered' };
    answers[q] = Number(raw);
    given[q] = raw;
  }
  const comment = body.comment;
  if (comment !== undefined && typeof comment !== 'string') return { ok: false, problem: 'tampered' };
  const text = (comment ?? '').replace(/\r\n/g, '\n').trim();
  given.comment = text;
  if (text.length > MAX_COMMENT_LENGTH) return { ok: false, problem: 'too-long', given };
  answers.comment = text || null;
  if (EVALUATION_QUESTIONS.every((q) => answers[q] === null) && !answers.comment) return { ok: false, problem: 'empty', given };
  return { ok: true, answers };
}

/** The day of an answer, in UTC: all the date the rows keep. */
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export function createSurveys({ pseudonyms, assessment }: { pseudonyms: Pseudonyms; assessment: Assessment }) {
  const respondentOf = (p: Place) => pseudonyms.of(p.user.id, p.courseId, p.enrolment.round);

  return {
    /** Which parts the learner has answered this round. */
    async status(db: Db, p: Place): Promise<{ pre: boolean; post: boolean; evaluated: boolean }> {
      const respondent = await respondentOf(p);
      const [phases, evaluated] = await Promise.all([
        p.course.survey ? assessmentStore.surveyPhases(db, p.courseId, respondent) : Promise.resolve(new Set<string>()),
        assessmentStore.hasEvaluation(db, p.courseId, respondent),
      ]);
      return { pre: phases.has('pre'), post: phases.has('post'), evaluated };
    },

    /**
     * Whether the pre-course survey is still to be asked: the course has one, it is not answered
     * this round, and nothing of the course is done yet (afterwards it would not be "before").
     */
    async preSurveyDue(db: Db, p: Place, completedKeys: Set<string>): Promise<boolean> {
      if (!p.course.survey || completedKeys.size) return false;
      return !(await assessmentStore.surveyPhases(db, p.courseId, await respondentOf(p))).has('pre');
    },

    /** Whether this phase may be answered now. */
    open(p: Place, phase: SurveyPhase, completedKeys: Set<string>): boolean {
      if (!p.course.survey) return false;
      return phase === 'pre' ? completedKeys.size === 0 : postSurveyOpen(p.course, completedKeys);
    },

    /**
     * Stores one phase's answers, once: the same phase again (a double submit, another tab) stores
     * nothing and says so. The post-course survey may complete the course in the same transaction.
     */
    async submit(db: Db, p: Place, phase: SurveyPhase, answers: SurveyAnswers, completedKeys: Set<string>, now: Date): Promise<{ duplicate: boolean; completedNow: boolean }> {
      if (!this.open(p, phase, completedKeys)) throw conflict('survey_not_open');
      const respondent = await respondentOf(p);
      return db.transaction(async (trx) => {
        await assessmentStore.lockEnrolment(trx, p.enrolment.id, now);
        if ((await assessmentStore.surveyPhases(trx, p.courseId, respondent)).has(phase)) return { duplicate: true, completedNow: false };
        await assessmentStore.insertSurveyResponse(trx, { courseId: p.courseId, versionId: p.versionId, respondent, phase, answeredOn: dayOf(now), answers });
        const completedNow = phase === 'post' ? (await assessment.settle(trx, p, now)).completedNow : false;
        return { duplicate: false, completedNow };
      });
    },

    /** Stores the end-of-course evaluation, once per round; only a finished round may give one. */
    async evaluate(db: Db, p: Place, answers: EvaluationAnswers, now: Date): Promise<{ duplicate: boolean }> {
      if (!p.enrolment.completedAt) throw conflict('evaluation_not_open');
      const respondent = await respondentOf(p);
      return db.transaction(async (trx) => {
        await assessmentStore.lockEnrolment(trx, p.enrolment.id, now);
        if (await assessmentStore.hasEvaluation(trx, p.courseId, respondent)) return { duplicate: true };
        await assessmentStore.insertEvaluation(trx, { courseId: p.courseId, versionId: p.versionId, respondent, answeredOn: dayOf(now), ...answers });
        return { duplicate: false };
      });
    },
  };
}

export type Surveys = ReturnType<typeof createSurveys>;

// The learner's path: catalog, enrolment, module pages, progress, completion, answering checks,
// the pre/post survey and the evaluation. The rules live in grading.ts, completion.ts, assessment.ts
// and surveys.ts; this service loads the learner's place and asks them.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { SessionUser } from '../accounts/types';
import type { CurriculumService } from '../curriculum/service';
import type { CertificateService, CertificateView } from '../certificates/service';
import type { CompiledCourse, CompiledModule } from '../curriculum/types';
import { conflict, notFound } from '../http/errors';
import { currentCertificate, isDueForRenewal, mayRetake, progressOf, type Progress } from './rules';
import * as store from './store';
import * as assessmentStore from './assessment-store';
import { createAssessment, type Place } from './assessment';
import { createPseudonyms } from './pseudonyms';
import { createSurveys, type EvaluationAnswers, type SurveyAnswers, type SurveyPhase } from './surveys';
import { createAssessmentRecords } from './records';
import { missingFor, postSurveyOpen, type Missing } from './completion';
import type { AttemptRow } from './assessment-store';

export type { Progress } from './rules';

/** One learner in one course: what an organization's required training is computed from. */
export interface LearnerStanding {
  userId: number;
  courseId: number;
  enrolled: boolean;
  /** Of the round in progress (100 once it is finished). */
  percent: number;
  lastCompletedAt: Date | null;
}

export function createLearningService(deps: { db: Db; clock: Clock; curriculum: CurriculumService; certificates: CertificateService }) {
  const { db, clock, curriculum, certificates } = deps;
  const pseudonyms = createPseudonyms(db);
  const assessment = createAssessment({ certificates, pseudonyms });
  const surveys = createSurveys({ pseudonyms, assessment });

  /**
   * Loads a course for a learner. A learner mid-course moves to the newest version here, at their
   * next page: progress is keyed by module key, so modules that still exist keep their progress.
   */
  async function load(slug: string, user: SessionUser | null) {
    const state = await store.courseState(db, slug, user?.id ?? null);
    if (!state || state.currentVersionId === null) throw notFound();
    let versionId = state.currentVersionId;
    if (state.enrolment && state.enrolment.versionId !== versionId) {
      if (state.enrolment.completedAt) {
        versionId = state.enrolment.versionId; // a finished course stays as it was earned
      } else {
        await store.moveEnrolmentToVersion(db, state.enrolment.id, versionId);
        state.enrolment.versionId = versionId;
      }
    }
    const course = await curriculum.version(versionId);
    if (!course) throw notFound();
    return { state, course, versionId };
  }

  /** The learner's place, for the assessment rules; 404 when they are not enrolled. */
  async function placeOf(slug: string, user: SessionUser) {
    const loaded = await load(slug, user);
    const { state, course, versionId } = loaded;
    if (!state.enrolment) throw notFound();
    const place: Place = { user, courseId: state.courseId, versionId, course, enrolment: state.enrolment };
    return { ...loaded, place };
  }

  /** What a learner still lacks for a course with rules (nothing read for a course without). */
  async function missingOf(place: Place, completedKeys: Set<string>): Promise<Missing[]> {
    if (place.enrolment.completedAt) return [];
    return missingFor(place.course, { ...(await assessment.factsIn(db, place)), completedKeys });
  }

  return {
    async catalog() {
      const entries = await curriculum.catalog();
      return entries.map((e) => e.course);
    },

    async coursePage(slug: string, user: SessionUser | null) {
      const { state, course, versionId } = await load(slug, user);
      // Only a finished course pays for looking up its certificate.
      const certificate = user && state.enrolment?.completedAt
        ? currentCertificate(await certificates.listForUser(user.id), state.courseId)
        : null;
      const place: Place | null = user && state.enrolment ? { user, courseId: state.courseId, versionId, course, enrolment: state.enrolment } : null;
      // Courses with rules or a survey tell the learner what is left; others read nothing more.
      const asks = Boolean(place && (course.completion || course.survey));
      const missing = asks && place ? await missingOf(place, state.completedKeys) : [];
      // Whether the survey and the evaluation were answered: asked where the course has a survey or is finished.
      const answered = place && (asks || place.enrolment.completedAt) ? await surveys.status(db, place) : null;
      // A learner who finished an earlier version hears of the current one: its notes and changes.
      const newVersion = state.enrolment?.completedAt && state.currentVersionId !== null
        ? await curriculum.changesSince(state.courseId, state.enrolment.versionId, state.currentVersionId)
        : null;
      return {
        newVersion,
        course,
        enrolled: Boolean(state.enrolment),
        completedAt: state.enrolment?.completedAt ?? null,
        completedKeys: state.completedKeys,
        progress: progressOf(course, state.completedKeys),
        certificate,
        canRetake: mayRetake(certificate),
        missing,
        /** The survey and evaluation, where the course has them: whether each is answered and open. */
        survey: course.survey && answered ? {
          pre: answered.pre, post: answered.post, postOpen: !answered.post && postSurveyOpen(course, state.completedKeys),
        } : null,
        evaluation: answered && state.enrolment?.completedAt ? { given: answered.evaluated } : null,
      };
    },

    /** Enrols (again is harmless) and says where to start: a module, or the survey asked first. */
    async enrol(slug: string, user: SessionUser): Promise<{ key: string; survey: boolean }> {
      const { state, course, versionId } = await load(slug, user);
      if (!state.enrolment) await store.insertEnrolment(db, { userId: user.id, courseId: state.courseId, versionId, now: clock.now() });
      const key = progressOf(course, state.completedKeys).resumeKey;
      if (!course.survey) return { key, survey: false };
      const { place } = await placeOf(slug, user);
      return { key, survey: await surveys.preSurveyDue(db, place, state.completedKeys) };
    },

    async modulePage(slug: string, key: string, user: SessionUser) {
      const { state, course, versionId } = await load(slug, user);
      const index = course.modules.findIndex((m) => m.key === key);
      if (index < 0) throw notFound();
      const module = course.modules[index];
      const now = clock.now();
      // Only modules with reflection prompts, checks, a minimum time or a survey still to answer pay for more queries.
      const reflections = state.enrolment && module.reflections.length
        ? await store.reflectionsOf(db, user.id, state.courseId, module.reflections.map((r) => r.id))
        : new Map<string, string>();
      const enrolment = state.enrolment;
      const attempts = enrolment && module.checks.length
        ? await assessmentStore.attemptsOf(db, { userId: user.id, courseId: state.courseId, round: enrolment.round }, module.checks.map((c) => c.id))
        : [];
      const place: Place | null = enrolment ? { user, courseId: state.courseId, versionId, course, enrolment } : null;
      const preSurveyDue = place ? await surveys.preSurveyDue(db, place, state.completedKeys) : false;
      let completableAt: Date | null = null;
      const minimum = course.completion?.minimumMinutes ?? null;
      if (enrolment && minimum && !state.completedKeys.has(key) && !preSurveyDue) {
        // The first visit starts the module's clock: the one write a page makes, once, only here.
        await assessmentStore.recordVisit(db, enrolment.id, key, now);
        const first = (await assessmentStore.firstVisit(db, enrolment.id, key)) ?? now;
        const at = new Date(first.getTime() + minimum * 60_000);
        completableAt = at > now ? at : null;
      }
      return {
        reflections,
        attempts: groupAttempts(attempts),
        learnerId: user.id,
        now,
        preSurveyDue,
        completableAt,
        course,
        module: course.modules[index] as CompiledModule,
        index,
        enrolled: Boolean(state.enrolment),
        previous: course.modules[index - 1] ?? null,
        next: course.modules[index + 1] ?? null,
        isComplete: state.completedKeys.has(key),
        courseCompletedAt: state.enrolment?.completedAt ?? null,
        progress: progressOf(course, state.completedKeys),
      };
    },

    /**
     * Records a module as complete. When it was the last one, the course completion (with the
     * version it was earned on) and its certificate are written in one transaction. Repeating the
     * request changes nothing.
     */
    async completeModule(slug: string, key: string, user: SessionUser): Promise<{ nextKey: string | null; courseCompleted: boolean; postSurvey: boolean }> {
      const { state, course, place } = await placeOf(slug, user);
      const index = course.modules.findIndex((m) => m.key === key);
      if (index < 0) throw notFound();
      const enrolment = place.enrolment;
      const now = clock.now();
      const minimum = course.completion?.minimumMinutes ?? null;
      if (minimum && !state.completedKeys.has(key)) {
        const first = await assessmentStore.firstVisit(db, enrolment.id, key);
        const at = first ? new Date(first.getTime() + minimum * 60_000) : null;
        if (!at || at > now) {
          const minutes = at ? Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000)) : minimum;
          throw conflict('module_too_soon', { key: 'errors.module_too_soon.wait', params: { count: minutes } });
        }
      }
      let done = false;
      await db.transaction(async (trx) => {
        // The enrolment's lock first: two tabs finishing the last modules together are served in
        // turn, and the second reads what the first wrote, so the course completes once.
        await assessmentStore.lockEnrolment(trx, enrolment.id, now);
        await store.insertProgress(trx, { enrolmentId: enrolment.id, moduleKey: key, versionId: place.versionId, now });
        const { completedNow, missing } = await assessment.settle(trx, place, now);
        // Done now, or already (a finished course's module marked again): the course page says so.
        done = completedNow || missing.length === 0;
      });
      const completedKeys = new Set([...state.completedKeys, key]);
      // At the end of a course with a survey, the end-of-course survey comes next if unanswered.
      const postSurvey = !done && postSurveyOpen(course, completedKeys) && !(await surveys.status(db, place)).post;
      return { nextKey: course.modules[index + 1]?.key ?? null, courseCompleted: done, postSurvey };
    },

    /**
     * Grades and stores a learner's answer to a check of this module (a check of another module or
     * course is a 404), and completes the course if that was the last condition. The answer key
     * and feedback reach the page only once an answer is stored. Returns the page to show.
     */
    async answerCheck(slug: string, key: string, checkId: string, form: { options: unknown; attempt: unknown }, user: SessionUser) {
      const { course, place } = await placeOf(slug, user);
      const check = course.modules.find((m) => m.key === key)?.checks.find((c) => c.id === checkId);
      if (!check) throw notFound();
      const { outcome, completedNow } = await assessment.answer(db, place, check, form, clock.now());
      return { page: await this.modulePage(slug, key, user), answer: { checkId, outcome, completedNow } };
    },

    // ---- The pre/post survey and the course evaluation ----

    /** The survey page: 404 without a survey; `open` false when this phase cannot be answered now. */
    async surveyPage(slug: string, phase: SurveyPhase, user: SessionUser) {
      const { state, course, place } = await placeOf(slug, user);
      if (!course.survey) throw notFound();
      const status = await surveys.status(db, place);
      return {
        course, survey: course.survey, phase, answered: status[phase], open: surveys.open(place, phase, state.completedKeys),
        progress: progressOf(course, state.completedKeys), completed: Boolean(place.enrolment.completedAt),
      };
    },

    async submitSurvey(slug: string, phase: SurveyPhase, answers: SurveyAnswers, user: SessionUser) {
      const { state, course, place } = await placeOf(slug, user);
      if (!course.survey) throw notFound();
      const result = await surveys.submit(db, place, phase, answers, state.completedKeys, clock.now());
      return { ...result, firstKey: progressOf(course, state.completedKeys).resumeKey, completed: result.completedNow || Boolean(place.enrolment.completedAt) };
    },

    async evaluationPage(slug: string, user: SessionUser) {
      const { course, place } = await placeOf(slug, user);
      const status = await surveys.status(db, place);
      const certificate = place.enrolment.completedAt ? currentCertificate(await certificates.listForUser(user.id), place.courseId) : null;
      return { course, given: status.evaluated, open: Boolean(place.enrolment.completedAt), completedAt: place.enrolment.completedAt, certificate };
    },

    async submitEvaluation(slug: string, answers: EvaluationAnswers, user: SessionUser) {
      const { place } = await placeOf(slug, user);
      return surveys.evaluate(db, place, answers, clock.now());
    },

    /** Read-only access to attempts, survey answers and evaluations, for trainers' and managers' reports. */
    records: createAssessmentRecords({ db, pseudonyms }),

    /** Saves (or, when empty, deletes) a learner's private reflection. */
    async saveReflection(slug: string, key: string, reflectionId: string, text: string, user: SessionUser) {
      const { state, course } = await load(slug, user);
      const module = course.modules.find((m) => m.key === key);
      if (!module || !state.enrolment || !module.reflections.some((r) => r.id === reflectionId)) throw notFound();
      await store.saveReflection(db, { userId: user.id, courseId: state.courseId, reflectionId, text, now: clock.now() });
    },

    async glossary(slug: string) {
      const { course } = await load(slug, null);
      return course;
    },

    /**
     * Starts a course again: to recertify, once its certificate has expired or is about to; or to
     * take a newer version than the one finished. Either way the new round is on the current
     * version. The completion and certificates already earned stay as they are (they still
     * verify); only the module ticks of the finished round are cleared.
     */
    async retake(slug: string, user: SessionUser): Promise<string> {
      const { state, versionId } = await load(slug, user);
      if (!state.enrolment?.completedAt) throw notFound();
      const current = state.currentVersionId ?? versionId;
      const newer = current !== state.enrolment.versionId;
      const latest = currentCertificate(await certificates.listForUser(user.id), state.courseId);
      if (!newer && !mayRetake(latest)) throw conflict('not_due');
      await store.restartEnrolment(db, state.enrolment.id, current, clock.now());
      const course = await curriculum.version(current);
      if (!course) throw notFound();
      return course.modules[0].key;
    },

    /**
     * Where each of these learners stands in each of these courses (for an organization's required
     * training): enrolled or not, percent of the current round, and their latest completion.
     */
    async standingOfUsers(userIds: number[], courseIds: number[]): Promise<LearnerStanding[]> {
      const rows = await store.standingOfUsers(db, userIds, courseIds);
      const out: LearnerStanding[] = [];
      for (const r of rows) {
        let percent = 0;
        if (r.enrolment?.completedAt) percent = 100;
        else if (r.enrolment) {
          const course = await curriculum.version(r.enrolment.currentVersionId ?? r.enrolment.versionId);
          percent = course ? progressOf(course, new Set(r.enrolment.completedKeys)).percent : 0;
        }
        out.push({ userId: r.userId, courseId: r.courseId, enrolled: r.enrolment !== null, percent, lastCompletedAt: r.lastCompletedAt });
      }
      return out;
    },

    async dashboard(user: SessionUser) {
      const [enrolments, certs] = await Promise.all([store.enrolmentsOf(db, user.id), certificates.listForUser(user.id)]);
      const items: { course: CompiledCourse; progress: Progress; completedAt: Date | null; lastActivityAt: Date; certificate: CertificateView | null }[] = [];
      for (const e of enrolments) {
        const course = await curriculum.version(e.completedAt ? e.versionId : e.currentVersionId ?? e.versionId);
        if (!course) continue;
        const progress = progressOf(course, new Set(e.completedKeys));
        // The newest certificate that is not superseded by a name correction speaks for the course.
        const certificate = currentCertificate(certs, e.courseId);
        items.push({ course, progress, completedAt: e.completedAt, lastActivityAt: e.lastActivityAt, certificate });
      }
      const completed = items.filter((i) => i.completedAt);
      return {
        inProgress: items.filter((i) => !i.completedAt),
        completed,
        due: completed.filter((i) => isDueForRenewal(i.course, i.certificate, certs)),
        history: certs,
      };
    },
  };
}

/** Attempts by check id, oldest first. */
function groupAttempts(rows: AttemptRow[]): Map<string, AttemptRow[]> {
  const out = new Map<string, AttemptRow[]>();
  for (const r of rows) out.set(r.checkId, [...(out.get(r.checkId) ?? []), r]);
  return out;
}

export type LearningService = ReturnType<typeof createLearningService>;

// The learner's path: catalog, enrolment, module pages, progress, completion.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { SessionUser } from '../accounts/types';
import type { CurriculumService } from '../curriculum/service';
import type { CertificateService, CertificateView } from '../certificates/service';
import type { CompiledCourse, CompiledModule } from '../curriculum/types';
import { conflict, notFound } from '../http/errors';
import { addMonths } from '../certificates/service';
import * as store from './store';

export interface Progress {
  done: number;
  total: number;
  percent: number;
  /** Where "continue" goes: the first module not yet complete, else the last one. */
  resumeKey: string;
}

function progressOf(course: CompiledCourse, completed: Set<string>): Progress {
  const done = course.modules.filter((m) => completed.has(m.key)).length;
  const total = course.modules.length;
  const resume = course.modules.find((m) => !completed.has(m.key)) ?? course.modules[total - 1];
  return { done, total, percent: total ? Math.round((done / total) * 100) : 0, resumeKey: resume.key };
}

export function createLearningService(deps: { db: Db; clock: Clock; curriculum: CurriculumService; certificates: CertificateService }) {
  const { db, clock, curriculum, certificates } = deps;

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

  return {
    async catalog() {
      const entries = await curriculum.catalog();
      return entries.map((e) => e.course);
    },

    async coursePage(slug: string, user: SessionUser | null) {
      const { state, course } = await load(slug, user);
      // Only a finished course pays for looking up its certificate.
      const certificate = user && state.enrolment?.completedAt
        ? (await certificates.listForUser(user.id)).find((c) => c.courseId === state.courseId && c.status !== 'superseded') ?? null
        : null;
      return {
        course,
        enrolled: Boolean(state.enrolment),
        completedAt: state.enrolment?.completedAt ?? null,
        completedKeys: state.completedKeys,
        progress: progressOf(course, state.completedKeys),
        certificate,
        canRetake: Boolean(certificate && (certificate.status === 'expired' || certificate.expiringSoon)),
      };
    },

    /** Enrols (again is harmless) and says where to start. */
    async enrol(slug: string, user: SessionUser): Promise<string> {
      const { state, course, versionId } = await load(slug, user);
      if (!state.enrolment) await store.insertEnrolment(db, { userId: user.id, courseId: state.courseId, versionId, now: clock.now() });
      return progressOf(course, state.completedKeys).resumeKey;
    },

    async modulePage(slug: string, key: string, user: SessionUser) {
      const { state, course } = await load(slug, user);
      const index = course.modules.findIndex((m) => m.key === key);
      if (index < 0) throw notFound();
      const module = course.modules[index];
      // Only modules with reflection prompts pay for the extra query.
      const reflections = state.enrolment && module.reflections.length
        ? await store.reflectionsOf(db, user.id, state.courseId, module.reflections.map((r) => r.id))
        : new Map<string, string>();
      return {
        reflections,
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
    async completeModule(slug: string, key: string, user: SessionUser): Promise<{ nextKey: string | null; courseCompleted: boolean }> {
      const { state, course, versionId } = await load(slug, user);
      const index = course.modules.findIndex((m) => m.key === key);
      if (index < 0 || !state.enrolment) throw notFound();
      const enrolment = state.enrolment;
      const now = clock.now();
      let allDone = false;
      await db.transaction(async (trx) => {
        await store.insertProgress(trx, { enrolmentId: enrolment.id, moduleKey: key, versionId, now });
        // Read progress again inside the transaction: two tabs finishing the last modules together
        // must still complete the course once.
        const completed = await store.progressKeys(trx, enrolment.id);
        allDone = course.modules.every((m) => completed.has(m.key));
        if (!allDone || !(await store.markEnrolmentCompleted(trx, enrolment.id, now))) return;
        const completionId = await store.insertCompletion(trx, { userId: user.id, courseId: state.courseId, versionId, now });
        await certificates.issue(trx, {
          completionId, userId: user.id, holderName: user.displayName, courseTitle: course.title,
          hours: course.hours, issuedAt: now, expiresAt: course.validityMonths ? addMonths(now, course.validityMonths) : null,
        });
      });
      return { nextKey: course.modules[index + 1]?.key ?? null, courseCompleted: allDone };
    },

    /**
     * Checks a learner's answer to a knowledge check. Nothing is recorded here (attempts and grades
     * come with grading); the answer and its feedback are only revealed after an answer is given.
     */
    async answerCheck(slug: string, key: string, checkId: string, chosen: number[], user: SessionUser) {
      const page = await this.modulePage(slug, key, user);
      const check = page.module.checks.find((c) => c.id === checkId);
      if (!check || !page.enrolled) throw notFound();
      const selected = [...new Set(chosen)].filter((i) => Number.isInteger(i) && i >= 0 && i < check.options.length).sort();
      const right = check.options.map((o, i) => (o.correct ? i : -1)).filter((i) => i >= 0);
      const correct = selected.length > 0 && selected.length === right.length && selected.every((i, n) => i === right[n]);
      return { page, answer: { checkId, selected, correct, empty: selected.length === 0 } };
    },

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
     * Starts a course again to recertify: allowed once its certificate has expired or is about to.
     * The completion and certificates already earned stay as they are; only the module ticks of
     * the finished round are cleared.
     */
    async retake(slug: string, user: SessionUser): Promise<string> {
      const { state, course, versionId } = await load(slug, user);
      if (!state.enrolment?.completedAt) throw notFound();
      const latest = (await certificates.listForUser(user.id)).find((c) => c.courseId === state.courseId && c.status !== 'superseded');
      if (!latest || (latest.status === 'valid' && !latest.expiringSoon)) throw conflict('not_due');
      await store.restartEnrolment(db, state.enrolment.id, versionId, clock.now());
      return course.modules[0].key;
    },

    async dashboard(user: SessionUser) {
      const [enrolments, certs] = await Promise.all([store.enrolmentsOf(db, user.id), certificates.listForUser(user.id)]);
      const items: { course: CompiledCourse; progress: Progress; completedAt: Date | null; lastActivityAt: Date; certificate: CertificateView | null }[] = [];
      for (const e of enrolments) {
        const course = await curriculum.version(e.completedAt ? e.versionId : e.currentVersionId ?? e.versionId);
        if (!course) continue;
        const progress = progressOf(course, new Set(e.completedKeys));
        // The newest certificate that is not superseded by a name correction speaks for the course.
        const certificate = certs.find((c) => c.courseId === e.courseId && c.status !== 'superseded') ?? null;
        items.push({ course, progress, completedAt: e.completedAt, lastActivityAt: e.lastActivityAt, certificate });
      }
      // A valid certificate of a declared refresher, earned after the original, renews it.
      const renewed = (item: (typeof items)[number]) => Boolean(item.course.refresher && certs.some((c) =>
        c.courseSlug === item.course.refresher && c.status === 'valid' && item.certificate && c.issuedAt > item.certificate.issuedAt));
      const completed = items.filter((i) => i.completedAt);
      return {
        inProgress: items.filter((i) => !i.completedAt),
        completed,
        due: completed.filter((i) => i.certificate && (i.certificate.status === 'expired' || i.certificate.expiringSoon) && !renewed(i)),
        history: certs,
      };
    },
  };
}

export type LearningService = ReturnType<typeof createLearningService>;

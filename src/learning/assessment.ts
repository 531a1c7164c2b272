// Answering checks and finishing a course. Every write that can meet a condition of a course's
// completion (a module marked complete, a check answered, the end-of-course survey answered) runs
// `settle` in its own transaction, after taking the enrolment's lock: the course completes, and its
// certificate is issued, in the transaction whose write met the last condition, exactly once.
import type { Db } from '../db/knex';
import type { SessionUser } from '../accounts/types';
import type { CertificateService } from '../certificates/service';
import type { CompiledCheck, CompiledCourse } from '../curriculum/types';
import { settingsFor } from '../curriculum/course-rules';
import { badRequest, conflict, HttpError, unprocessable } from '../http/errors';
import { attemptState, grade, optionIds, readAnswer, type AttemptFacts } from './grading';
import { missingFor, needsAssessmentFacts, type CompletionFacts, type Missing } from './completion';
import { certificateExpiresAt } from './rules';
import type { Pseudonyms } from './pseudonyms';
import * as store from './store';
import * as assessmentStore from './assessment-store';

/** A learner's place in a course: who, which course and version, which enrolment and round. */
export interface Place {
  user: SessionUser;
  courseId: number;
  versionId: number;
  course: CompiledCourse;
  enrolment: { id: number; round: number; completedAt: Date | null };
}

/** What became of a submitted answer. */
export type AnswerOutcome =
  /** Stored as a new attempt. */
  | 'stored'
  /** The same attempt again (a double submit, another tab): nothing stored, the latest is shown. */
  | 'duplicate'
  /** The check was already passed: nothing stored. */
  | 'already-passed';

/** The attempt number a form is for: the hidden field every check form carries. */
function attemptNumber(raw: unknown): number | null {
  return typeof raw === 'string' && /^[1-9]\d{0,2}$/.test(raw) ? Number(raw) : null;
}

/** An attempt as the grading rules see it: the chosen options as indexes of this version's options. */
export function attemptFacts(check: CompiledCheck, row: assessmentStore.AttemptRow): AttemptFacts {
  const ids = optionIds(check);
  return { attempt: row.attempt, chosen: row.chosen.map((id) => ids.indexOf(id)).filter((i) => i >= 0), passed: row.passed, at: row.at };
}

export function createAssessment({ certificates, pseudonyms }: { certificates: CertificateService; pseudonyms: Pseudonyms }) {
  const key = (p: Place) => ({ userId: p.user.id, courseId: p.courseId, round: p.enrolment.round });

  /** What the learner has done this round, read in the caller's transaction. */
  async function factsIn(trx: Db, p: Place): Promise<CompletionFacts> {
    const completedKeys = await store.progressKeys(trx, p.enrolment.id);
    const facts: CompletionFacts = { completedKeys, answered: new Set(), passed: new Set(), postSurvey: false };
    if (!needsAssessmentFacts(p.course)) return facts;
    for (const a of await assessmentStore.attemptsOf(trx, key(p))) {
      facts.answered.add(a.checkId);
      if (a.passed) facts.passed.add(a.checkId);
    }
    if (p.course.completion?.postSurvey && p.course.survey) {
      facts.postSurvey = (await assessmentStore.surveyPhases(trx, p.courseId, await pseudonyms.of(p.user.id, p.courseId, p.enrolment.round))).has('post');
    }
    return facts;
  }

  /**
   * Completes the course when nothing is missing: marks the enrolment (once: the update matches
   * only an unfinished one), records the completion with its version and issues the certificate.
   * The caller holds the enrolment's lock. Returns what is still missing (empty once complete).
   */
  async function settle(trx: Db, p: Place, now: Date): Promise<{ completedNow: boolean; missing: Missing[] }> {
    const missing = missingFor(p.course, await factsIn(trx, p));
    if (missing.length || !(await store.markEnrolmentCompleted(trx, p.enrolment.id, now))) return { completedNow: false, missing };
    const completionId = await store.insertCompletion(trx, { userId: p.user.id, courseId: p.courseId, versionId: p.versionId, now });
    await certificates.issue(trx, {
      completionId, userId: p.user.id, holderName: p.user.displayName, courseTitle: p.course.title,
      hours: p.course.hours, issuedAt: now, expiresAt: certificateExpiresAt(now, p.course.validityMonths),
    });
    return { completedNow: true, missing };
  }

  return {
    factsIn,
    settle,

    /**
     * Grades and stores an answer, in one transaction with the completion it may bring. Nothing is
     * stored for a bad form (400), an empty answer (422), a check answered as often as allowed
     * (409) or too soon after a wrong answer (429).
     */
    async answer(db: Db, p: Place, check: CompiledCheck, form: { options: unknown; attempt: unknown }, now: Date): Promise<{ outcome: AnswerOutcome; completedNow: boolean }> {
      const read = readAnswer(check, form.options);
      const number = attemptNumber(form.attempt);
      if (!read.ok && read.problem === 'empty') throw unprocessable('answer_empty');
      if (!read.ok) throw badRequest(read.problem === 'unknown_option' ? 'answer_unknown_option' : 'form_tampered');
      if (number === null) throw badRequest('form_tampered');
      const settings = settingsFor(p.course.grading, check.id);
      return db.transaction(async (trx) => {
        await assessmentStore.lockEnrolment(trx, p.enrolment.id, now);
        const rows = await assessmentStore.attemptsOf(trx, key(p), [check.id]);
        const state = attemptState(settings, rows.map((r) => attemptFacts(check, r)), now);
        if (state.status === 'passed') return { outcome: 'already-passed' as const, completedNow: false };
        if (number <= rows.length) return { outcome: 'duplicate' as const, completedNow: false };
        if (number > rows.length + 1) throw badRequest('form_tampered');
        if (state.status === 'used-up') throw conflict('attempts_used_up');
        if (state.status === 'waiting') {
          const minutes = Math.max(1, Math.ceil((state.nextAt!.getTime() - now.getTime()) / 60_000));
          throw new HttpError(429, 'attempt_too_soon', { key: 'errors.attempt_too_soon.wait', params: { count: minutes } });
        }
        const { score, passed } = grade(check, read.chosen, settings.passMark);
        const ids = optionIds(check);
        await assessmentStore.insertAttempt(trx, {
          ...key(p), checkId: check.id, attempt: rows.length + 1, versionId: p.versionId,
          chosen: read.chosen.map((i) => ids[i]), score, passed, now,
        });
        const completedNow = needsAssessmentFacts(p.course) ? (await settle(trx, p, now)).completedNow : false;
        return { outcome: 'stored' as const, completedNow };
      });
    },
  };
}

export type Assessment = ReturnType<typeof createAssessment>;

// What trainers' and managers' reports read of learners' assessment records, through the learning
// service (reports never query these tables themselves): every attempt at a course's checks without
// its learner, survey responses and evaluations by pseudonym, and the pseudonyms of given learners.
import type { Db } from '../db/knex';
import type { Pseudonyms } from './pseudonyms';
import * as assessmentStore from './assessment-store';

export type { EvaluationRow, SurveyResponseRow } from './assessment-store';

export function createAssessmentRecords({ db, pseudonyms }: { db: Db; pseudonyms: Pseudonyms }) {
  return {
    /** Every attempt at the course's checks: check, attempt number, options chosen, passed. */
    courseAttempts(courseId: number) {
      return assessmentStore.courseAttempts(db, courseId);
    },

    /** The course's survey responses; of these pseudonyms only, when given. */
    surveyResponses(courseId: number, respondents?: string[]) {
      return assessmentStore.surveyResponses(db, courseId, respondents);
    },

    evaluations(courseId: number) {
      return assessmentStore.evaluations(db, courseId);
    },

    /**
     * The pseudonyms these learners' answers are filed under in the course (one per round they
     * have been on), each with its learner: how an organization's report finds its staff's answers.
     */
    async respondentsOf(courseId: number, userIds: number[]): Promise<Map<string, number>> {
      return pseudonyms.allOf(courseId, await assessmentStore.roundsOf(db, courseId, userIds));
    },
  };
}

export type AssessmentRecords = ReturnType<typeof createAssessmentRecords>;

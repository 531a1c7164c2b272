// Knex queries for check attempts, module visits, survey responses, course evaluations and the
// pseudonym secret. Survey and evaluation rows are found by pseudonym, never by user.
import type { Db } from '../db/knex';
import { toDate, toNumber } from '../db/values';

/**
 * Takes the enrolment's row lock for the rest of the transaction (on PostgreSQL; SQLite has one
 * writer at a time anyway): two tabs finishing a course together are served one after the other,
 * and the second sees everything the first wrote.
 */
export async function lockEnrolment(trx: Db, enrolmentId: number, now: Date): Promise<void> {
  await trx('enrolments').where({ id: enrolmentId }).update({ last_activity_at: now });
}

export interface AttemptRow {
  checkId: string;
  attempt: number;
  chosen: string[];
  score: number;
  passed: boolean;
  at: Date;
}

function parseIds(json: unknown): string[] {
  try {
    const v = JSON.parse(String(json));
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** A learner's attempts in one round of a course (of these checks, or all), oldest first. */
export async function attemptsOf(db: Db, k: { userId: number; courseId: number; round: number }, checkIds?: string[]): Promise<AttemptRow[]> {
  if (checkIds && !checkIds.length) return [];
  const q = db('check_attempts').where({ user_id: k.userId, course_id: k.courseId, round: k.round });
  if (checkIds) q.whereIn('check_id', checkIds);
  const rows = await q.orderBy([{ column: 'check_id' }, { column: 'attempt' }]).select('check_id', 'attempt', 'chosen', 'score', 'passed', 'attempted_at');
  return rows.map((r) => ({
    checkId: String(r.check_id), attempt: toNumber(r.attempt), chosen: parseIds(r.chosen),
    score: Number(r.score), passed: Boolean(r.passed), at: toDate(r.attempted_at),
  }));
}

export async function insertAttempt(db: Db, a: {
  userId: number; courseId: number; round: number; checkId: string; attempt: number; versionId: number;
  chosen: string[]; score: number; passed: boolean; now: Date;
}): Promise<void> {
  await db('check_attempts').insert({
    user_id: a.userId, course_id: a.courseId, round: a.round, check_id: a.checkId, attempt: a.attempt, version_id: a.versionId,
    chosen: JSON.stringify(a.chosen), score: a.score, passed: a.passed, attempted_at: a.now,
  });
}

/** Every attempt at a course's checks, by anyone, for item analysis: no user, only the answers. */
export async function courseAttempts(db: Db, courseId: number): Promise<{ checkId: string; attempt: number; chosen: string[]; passed: boolean }[]> {
  const rows = await db('check_attempts').where({ course_id: courseId }).select('check_id', 'attempt', 'chosen', 'passed');
  return rows.map((r) => ({ checkId: String(r.check_id), attempt: toNumber(r.attempt), chosen: parseIds(r.chosen), passed: Boolean(r.passed) }));
}

export async function firstVisit(db: Db, enrolmentId: number, moduleKey: string): Promise<Date | null> {
  const row = await db('module_visits').where({ enrolment_id: enrolmentId, module_key: moduleKey }).first('first_seen_at');
  return row ? toDate(row.first_seen_at) : null;
}

export async function recordVisit(db: Db, enrolmentId: number, moduleKey: string, now: Date): Promise<void> {
  await db('module_visits').insert({ enrolment_id: enrolmentId, module_key: moduleKey, first_seen_at: now }).onConflict(['enrolment_id', 'module_key']).ignore();
}

export async function clearVisits(db: Db, enrolmentId: number): Promise<void> {
  await db('module_visits').where({ enrolment_id: enrolmentId }).delete();
}

/** The server's pseudonym secret, made on first use (the same for every app process). */
export async function pseudonymSecret(db: Db, fresh: string): Promise<string> {
  await db('pseudonym_secrets').insert({ id: 1, secret: fresh }).onConflict('id').ignore();
  const row = await db('pseudonym_secrets').where({ id: 1 }).first('secret');
  return String(row!.secret);
}

/** The phases (pre, post) a respondent has answered in a course. */
export async function surveyPhases(db: Db, courseId: number, respondent: string): Promise<Set<string>> {
  const rows = await db('survey_responses').where({ course_id: courseId, respondent }).select('phase');
  return new Set(rows.map((r) => String(r.phase)));
}

export async function insertSurveyResponse(db: Db, r: { courseId: number; versionId: number; respondent: string; phase: string; answeredOn: string; answers: Record<string, string | number> }): Promise<void> {
  await db('survey_responses').insert({
    course_id: r.courseId, version_id: r.versionId, respondent: r.respondent, phase: r.phase, answered_on: r.answeredOn, answers: JSON.stringify(r.answers),
  });
}

export interface SurveyResponseRow {
  respondent: string;
  phase: 'pre' | 'post';
  answeredOn: string;
  answers: Record<string, unknown>;
}

function parseAnswers(json: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(json));
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** A course's survey responses (of these respondents, or all), in parts: both databases cap parameters. */
export async function surveyResponses(db: Db, courseId: number, respondents?: string[]): Promise<SurveyResponseRow[]> {
  const read = async (list?: string[]) => {
    const q = db('survey_responses').where({ course_id: courseId });
    if (list) q.whereIn('respondent', list);
    const rows = await q.select('respondent', 'phase', 'answered_on', 'answers');
    return rows.map((r) => ({ respondent: String(r.respondent), phase: String(r.phase) as 'pre' | 'post', answeredOn: String(r.answered_on), answers: parseAnswers(r.answers) }));
  };
  if (!respondents) return read();
  const out: SurveyResponseRow[] = [];
  for (let i = 0; i < respondents.length; i += 500) out.push(...(await read(respondents.slice(i, i + 500))));
  return out;
}

export async function hasEvaluation(db: Db, courseId: number, respondent: string): Promise<boolean> {
  return Boolean(await db('course_evaluations').where({ course_id: courseId, respondent }).first('id'));
}

export interface EvaluationRow {
  respondent: string;
  answeredOn: string;
  useful: number | null;
  relevant: number | null;
  recommend: number | null;
  comment: string | null;
}

export async function insertEvaluation(db: Db, e: EvaluationRow & { courseId: number; versionId: number }): Promise<void> {
  await db('course_evaluations').insert({
    course_id: e.courseId, version_id: e.versionId, respondent: e.respondent, answered_on: e.answeredOn,
    useful: e.useful, relevant: e.relevant, recommend: e.recommend, comment: e.comment,
  });
}

export async function evaluations(db: Db, courseId: number): Promise<EvaluationRow[]> {
  const rows = await db('course_evaluations').where({ course_id: courseId }).select('respondent', 'answered_on', 'useful', 'relevant', 'recommend', 'comment');
  const n = (v: unknown) => (v === null || v === undefined ? null : toNumber(v));
  return rows.map((r) => ({
    respondent: String(r.respondent), answeredOn: String(r.answered_on), useful: n(r.useful), relevant: n(r.relevant), recommend: n(r.recommend),
    comment: r.comment == null ? null : String(r.comment),
  }));
}

/** The round each of these users is on in a course (users never enrolled are absent). */
export async function roundsOf(db: Db, courseId: number, userIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db('enrolments').where({ course_id: courseId }).whereIn('user_id', userIds.slice(i, i + 500)).select('user_id', 'round');
    for (const r of rows) out.set(toNumber(r.user_id), toNumber(r.round));
  }
  return out;
}

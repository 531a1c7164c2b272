// Knex queries for enrolments, module progress and completions.
import { isSqlite, sqliteFirst, sqlTemplateOf, type Db, type SqliteRowShape } from '../db/knex';
import { toDateOrNull, toNumber, toNumberOrNull } from '../db/values';

export interface CourseState {
  courseId: number;
  currentVersionId: number | null;
  /** `round`: which time through the course (0 first, +1 at each retake). */
  enrolment: { id: number; versionId: number; completedAt: Date | null; round: number } | null;
  completedKeys: Set<string>;
}

/**
 * The modules an enrolment completed, as one string of keys separated by spaces (module keys are
 * lowercase words and hyphens: src/curriculum/names.ts), so that the course state is one row.
 */
const completedKeysOf = (db: Db) => db('module_progress as p')
  .select(db.raw(isSqlite(db) ? "group_concat(p.module_key, ' ')" : "string_agg(p.module_key, ' ')"))
  .whereRaw('p.enrolment_id = e.id');

const courseStateQuery = (db: Db, slug: string, userId: number | string) => db('courses as c')
  .leftJoin('enrolments as e', (j) => j.on('e.course_id', 'c.id').andOn('e.user_id', db.raw('?', [userId])))
  .where('c.slug', slug)
  .first('c.id as course_id', 'c.current_version_id', 'e.id as enrolment_id', 'e.version_id', 'e.completed_at', 'e.round',
    completedKeysOf(db).as('completed_keys'));

/**
 * On SQLite, knex's own SQL for the query (built once per knex instance) runs as a prepared
 * statement: the module page runs it on every request, and knex's building and runner cost about
 * as much as the statement itself. PostgreSQL runs the query through knex; a test runs both.
 */
const courseStateSqlite = sqlTemplateOf(['\u0000slug', '\u0000user'], courseStateQuery);
/** The statement's row, in courseStateQuery's order (see SqliteRowShape). */
const courseStateRow: SqliteRowShape<Record<string, unknown>> = {
  columns: ['course_id', 'current_version_id', 'enrolment_id', 'version_id', 'completed_at', 'round', 'completed_keys'],
  row: ([course_id, current_version_id, enrolment_id, version_id, completed_at, round, completed_keys]) => (
    { course_id, current_version_id, enrolment_id, version_id, completed_at, round, completed_keys }),
};

/**
 * A course and one learner's place in it, in one statement of one row: the course, their
 * enrolment and the modules they completed. This is the module page's only query.
 */
export async function courseState(db: Db, slug: string, userId: number | null): Promise<CourseState | null> {
  const user = userId ?? -1;
  const template = isSqlite(db) ? courseStateSqlite(db) : null;
  const row = template ? await sqliteFirst(db, template.sql, template.bind(slug, user), courseStateRow) : await courseStateQuery(db, slug, user);
  if (!row) return null;
  const keys = row.completed_keys == null ? '' : String(row.completed_keys);
  return {
    courseId: toNumber(row.course_id),
    currentVersionId: toNumberOrNull(row.current_version_id),
    enrolment: row.enrolment_id == null ? null : {
      id: toNumber(row.enrolment_id), versionId: toNumber(row.version_id), completedAt: toDateOrNull(row.completed_at),
      round: toNumber(row.round ?? 0),
    },
    completedKeys: new Set(keys === '' ? [] : keys.split(' ')),
  };
}

export async function insertEnrolment(db: Db, e: { userId: number; courseId: number; versionId: number; now: Date }): Promise<void> {
  await db('enrolments')
    .insert({ user_id: e.userId, course_id: e.courseId, version_id: e.versionId, enrolled_at: e.now, last_activity_at: e.now })
    .onConflict(['user_id', 'course_id'])
    .ignore();
}

export async function moveEnrolmentToVersion(db: Db, enrolmentId: number, versionId: number): Promise<void> {
  await db('enrolments').where({ id: enrolmentId }).update({ version_id: versionId });
}

export async function insertProgress(db: Db, p: { enrolmentId: number; moduleKey: string; versionId: number; now: Date }): Promise<void> {
  await db('module_progress')
    .insert({ enrolment_id: p.enrolmentId, module_key: p.moduleKey, version_id: p.versionId, completed_at: p.now })
    .onConflict(['enrolment_id', 'module_key'])
    .ignore();
  await db('enrolments').where({ id: p.enrolmentId }).update({ last_activity_at: p.now });
}

export async function progressKeys(db: Db, enrolmentId: number): Promise<Set<string>> {
  const rows = await db('module_progress').where({ enrolment_id: enrolmentId }).select('module_key');
  return new Set(rows.map((r) => String(r.module_key)));
}

/** Marks the enrolment complete; false when it already was (a double submit, or a race). */
export async function markEnrolmentCompleted(db: Db, enrolmentId: number, now: Date): Promise<boolean> {
  const n = await db('enrolments').where({ id: enrolmentId }).whereNull('completed_at').update({ completed_at: now });
  return n === 1;
}

export async function insertCompletion(db: Db, c: { userId: number; courseId: number; versionId: number; now: Date }): Promise<number> {
  const [row] = await db('completions')
    .insert({ user_id: c.userId, course_id: c.courseId, version_id: c.versionId, completed_at: c.now })
    .returning('id');
  return toNumber(typeof row === 'object' ? row.id : row);
}

export interface EnrolmentRow {
  courseId: number;
  slug: string;
  versionId: number;
  currentVersionId: number | null;
  enrolledAt: Date;
  lastActivityAt: Date;
  completedAt: Date | null;
  completedKeys: string[];
}

export async function enrolmentsOf(db: Db, userId: number): Promise<EnrolmentRow[]> {
  const rows = await db('enrolments as e')
    .join('courses as c', 'c.id', 'e.course_id')
    .leftJoin('module_progress as p', 'p.enrolment_id', 'e.id')
    .where('e.user_id', userId)
    .orderBy('e.last_activity_at', 'desc')
    .select('e.id', 'c.id as course_id', 'c.slug', 'e.version_id', 'c.current_version_id', 'e.enrolled_at', 'e.last_activity_at', 'e.completed_at', 'p.module_key');
  const byId = new Map<number, EnrolmentRow>();
  for (const r of rows) {
    const id = toNumber(r.id);
    let e = byId.get(id);
    if (!e) {
      e = {
        courseId: toNumber(r.course_id), slug: String(r.slug), versionId: toNumber(r.version_id),
        currentVersionId: toNumberOrNull(r.current_version_id), enrolledAt: toDateOrNull(r.enrolled_at)!,
        lastActivityAt: toDateOrNull(r.last_activity_at)!, completedAt: toDateOrNull(r.completed_at), completedKeys: [],
      };
      byId.set(id, e);
    }
    if (r.module_key != null) e.completedKeys.push(String(r.module_key));
  }
  return [...byId.values()];
}

export async function reflectionsOf(db: Db, userId: number, courseId: number, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db('reflections').where({ user_id: userId, course_id: courseId }).whereIn('reflection_id', ids).select('reflection_id', 'text');
  return new Map(rows.map((r) => [String(r.reflection_id), String(r.text)]));
}

export async function saveReflection(db: Db, r: { userId: number; courseId: number; reflectionId: string; text: string; now: Date }): Promise<void> {
  if (!r.text.trim()) {
    await db('reflections').where({ user_id: r.userId, course_id: r.courseId, reflection_id: r.reflectionId }).delete();
    return;
  }
  await db('reflections')
    .insert({ user_id: r.userId, course_id: r.courseId, reflection_id: r.reflectionId, text: r.text, updated_at: r.now })
    .onConflict(['user_id', 'course_id', 'reflection_id'])
    .merge(['text', 'updated_at']);
}

/**
 * Clears a finished round so the learner can take the course again, as a new round; earned records
 * (and the round's attempts and survey answers) stay.
 */
export async function restartEnrolment(db: Db, enrolmentId: number, versionId: number, now: Date): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('module_progress').where({ enrolment_id: enrolmentId }).delete();
    await trx('module_visits').where({ enrolment_id: enrolmentId }).delete();
    await trx('enrolments').where({ id: enrolmentId }).update({ completed_at: null, version_id: versionId, last_activity_at: now, round: trx.raw('?? + 1', ['round']) });
  });
}

/** One learner's standing in one course, for an organization's required training (many at once). */
export interface LearnerCourseRow {
  userId: number;
  courseId: number;
  /** Null when the learner never enrolled (a completion alone, from before enrolments were kept). */
  enrolment: { versionId: number; currentVersionId: number | null; completedAt: Date | null; completedKeys: string[] } | null;
  /** The learner's latest completion of the course, whichever round. */
  lastCompletedAt: Date | null;
}

/**
 * The enrolments, module progress and latest completions of these users in these courses, read in
 * parts (both databases cap a statement's parameters): two statements per part, whatever the counts.
 */
export async function standingOfUsers(db: Db, userIds: number[], courseIds: number[]): Promise<LearnerCourseRow[]> {
  const byKey = new Map<string, LearnerCourseRow>();
  const entry = (userId: number, courseId: number) => {
    const key = `${userId}:${courseId}`;
    let row = byKey.get(key);
    if (!row) byKey.set(key, (row = { userId, courseId, enrolment: null, lastCompletedAt: null }));
    return row;
  };
  if (!courseIds.length) return [];
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    const enrolments = await db('enrolments as e')
      .join('courses as c', 'c.id', 'e.course_id')
      .leftJoin('module_progress as p', 'p.enrolment_id', 'e.id')
      .whereIn('e.user_id', ids).whereIn('e.course_id', courseIds)
      .select('e.user_id', 'e.course_id', 'e.version_id', 'c.current_version_id', 'e.completed_at', 'p.module_key');
    for (const r of enrolments) {
      const row = entry(toNumber(r.user_id), toNumber(r.course_id));
      row.enrolment ??= { versionId: toNumber(r.version_id), currentVersionId: toNumberOrNull(r.current_version_id), completedAt: toDateOrNull(r.completed_at), completedKeys: [] };
      if (r.module_key != null) row.enrolment.completedKeys.push(String(r.module_key));
    }
    const completions = await db('completions').whereIn('user_id', ids).whereIn('course_id', courseIds)
      .groupBy('user_id', 'course_id').select('user_id', 'course_id', db.raw('max(completed_at) as last_completed_at'));
    for (const r of completions) entry(toNumber(r.user_id), toNumber(r.course_id)).lastCompletedAt = toDateOrNull(r.last_completed_at);
  }
  return [...byKey.values()];
}

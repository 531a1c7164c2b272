// The report's one query: a row per (member, required course) with the facts the status rules need,
// joined in the database. Reports only read, and they read across features' tables (memberships,
// users, units, enrolments, progress, completions, certificates): that is what the architecture
// gives the reports folder ("report queries"), so a report of 100,000 cells is one statement
// streamed row by row, not thousands of calls through the other services. Nothing of reflections or
// check answers is read here.
//
// What each row carries, and why:
// - the membership, the person's name and email, the unit's name;
// - the enrolment (started? finished this round? last activity) and how many of the current
//   version's modules the learner has done (percent is counted against the current version, as
//   the learner's own pages count it);
// - the latest completion of the course;
// - the current certificate of the course and of its declared refresher (the newest one not
//   superseded by a name correction), with the dates that decide valid, expired, expiring soon.
// Whether an assignment reaches the member is asked in SQL (so unrequired pairs never leave the
// database); due dates and statuses are worked out in JavaScript by the pure rules.
import type { Knex } from 'knex';
import type { Db } from '../db/knex';

/** What the query needs to know of each required course. */
export interface CourseSpec {
  courseId: number;
  /** The module keys of the course's current version: progress is counted against these. */
  moduleKeys: string[];
  /** The declared refresher's course id, when it is published. */
  refresherId: number | null;
}

export interface FactsQuery {
  organizationId: number;
  courses: CourseSpec[];
  /** A unit's id; `null`: people in no unit; undefined: everyone. */
  unitId?: number | null;
  /**
   * Count the modules done of rounds in progress. No status depends on it, and it is the costliest
   * column, so the matrix counts it only for the people on its page.
   */
  percent: boolean;
  /** Only these members (the matrix's page, or one part of an ordered read). */
  userIds?: number[];
}

/**
 * The columns of a row, by position: rows are read as arrays (a row as an object costs about
 * twice as much to make, at 100,000 rows). Dates and counts differ by dialect (db/values.ts).
 */
export const COL = {
  userId: 0, unitId: 1, joinedAt: 2, courseId: 3, enrolmentId: 4, roundCompletedAt: 5, lastActivityAt: 6, done: 7, lastCompletedAt: 8,
  certificateId: 9, certificateIssuedAt: 10, certificateExpiresAt: 11, certificateRevokedAt: 12,
  refresherCertificateId: 13, refresherIssuedAt: 14, refresherExpiresAt: 15, refresherRevokedAt: 16,
} as const;
export type FactsRow = unknown[];

/** Newest current (not superseded) certificate of the course for the member, by id. */
function currentCertificateId(db: Db, course: Knex.Raw | string): Knex.QueryBuilder {
  return db('certificates as c')
    .join('completions as k', 'k.id', 'c.completion_id')
    .whereRaw('k.user_id = m.user_id')
    .where('k.course_id', typeof course === 'string' ? db.ref(course) : course)
    .whereNull('c.superseded_at')
    .orderBy([{ column: 'c.issued_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(1)
    .select('c.id');
}

/** `case <column> when <id> then <value> ... end`, from a small list known in advance. */
function caseOf(db: Db, column: string, pairs: [number, number][], otherwise: number | null): Knex.Raw {
  if (!pairs.length) return db.raw('?', [otherwise]);
  // Typed: PostgreSQL takes an untyped bound value (or a bare null) for text, and text = integer fails.
  return db.raw(`case ?? ${pairs.map(() => 'when ? then cast(? as integer)').join(' ')} else cast(? as integer) end`, [column, ...pairs.flat(), otherwise]);
}

/**
 * The query, built but not run: callers stream it (cursor.ts). Its columns are in COL's order and
 * its rows in no particular order (an ORDER BY would make the database sort every row before
 * giving the first): the service orders a few hundred people's rows at a time when it must.
 */
export function factsQuery(db: Db, q: FactsQuery): Knex.QueryBuilder {
  const courseIds = q.courses.map((c) => c.courseId);
  const withKeys = q.courses.filter((c) => c.moduleKeys.length);
  const refreshers = q.courses.filter((c) => c.refresherId !== null).map((c): [number, number] => [c.courseId, c.refresherId!]);

  // Modules done of the current version, counted only for a round in progress (a finished round is
  // 100%, no round is 0%): the enrolment's progress rows whose key that version has.
  const done = db('module_progress as p').whereRaw('p.enrolment_id = e.id').count({ n: '*' });
  if (withKeys.length) {
    done.where((w) => {
      for (const c of withKeys) w.orWhere((x) => x.where('e.course_id', c.courseId).whereIn('p.module_key', c.moduleKeys));
    });
  } else done.whereRaw('1 = 0');
  const { sql: doneSql, bindings: doneBindings } = done.toSQL();

  const inner = db('memberships as m')
    .join('courses as co', (j) => j.onIn('co.id', courseIds.length ? courseIds : [0]))
    .leftJoin('enrolments as e', (j) => j.on('e.user_id', 'm.user_id').andOn('e.course_id', 'co.id'))
    .where('m.organization_id', q.organizationId)
    .whereExists(db('assignments as a')
      .where('a.organization_id', q.organizationId)
      .whereNull('a.removed_at')
      .whereRaw('a.course_id = co.id')
      .where((w) => w.where('a.target', 'organization')
        .orWhere((x) => x.where('a.target', 'unit').whereRaw('a.unit_id = m.unit_id'))
        .orWhere((x) => x.where('a.target', 'user').whereRaw('a.user_id = m.user_id')))
      .select(db.raw('1')))
    .select(
      'm.user_id', 'm.unit_id', 'm.joined_at', 'co.id as course_id', 'e.id as enrolment_id', 'e.completed_at as round_completed_at', 'e.last_activity_at',
      q.percent ? db.raw(`case when e.id is not null and e.completed_at is null then (${doneSql}) end as done`, doneBindings) : db.raw('cast(null as integer) as done'),
      db('completions as k').whereRaw('k.user_id = m.user_id').whereRaw('k.course_id = co.id').max({ last: 'k.completed_at' }).as('last_completed_at'),
      currentCertificateId(db, 'co.id').as('certificate_id'),
      refreshers.length ? currentCertificateId(db, caseOf(db, 'co.id', refreshers, null)).as('refresher_certificate_id') : db.raw('cast(null as integer) as refresher_certificate_id'),
    );
  if (q.userIds) inner.whereIn('m.user_id', q.userIds);
  if (q.unitId === null) inner.whereNull('m.unit_id');
  else if (q.unitId !== undefined) inner.where('m.unit_id', q.unitId);

  return db.from(inner.as('r'))
    .leftJoin('certificates as cc', 'cc.id', 'r.certificate_id')
    .leftJoin('certificates as rc', 'rc.id', 'r.refresher_certificate_id')
    .select('r.user_id', 'r.unit_id', 'r.joined_at', 'r.course_id', 'r.enrolment_id', 'r.round_completed_at', 'r.last_activity_at', 'r.done', 'r.last_completed_at',
      'r.certificate_id', 'cc.issued_at as certificate_issued_at', 'cc.expires_at as certificate_expires_at', 'cc.revoked_at as certificate_revoked_at',
      'r.refresher_certificate_id', 'rc.issued_at as refresher_issued_at', 'rc.expires_at as refresher_expires_at', 'rc.revoked_at as refresher_revoked_at');
}

/** The organization's members (optionally of one unit) with what a report shows of them. */
export async function people(db: Db, organizationId: number, unitId?: number | null): Promise<Map<number, { displayName: string; email: string; unitName: string | null; role: string }>> {
  const q = db('memberships as m').join('users as u', 'u.id', 'm.user_id').leftJoin('units as un', 'un.id', 'm.unit_id')
    .where('m.organization_id', organizationId).select('m.user_id', 'u.display_name', 'u.email', 'un.name as unit_name', 'm.role');
  if (unitId === null) q.whereNull('m.unit_id');
  else if (unitId !== undefined) q.where('m.unit_id', unitId);
  const out = new Map<number, { displayName: string; email: string; unitName: string | null; role: string }>();
  for (const r of await q) out.set(Number(r.user_id), { displayName: String(r.display_name), email: String(r.email), unitName: r.unit_name == null ? null : String(r.unit_name), role: String(r.role) });
  return out;
}

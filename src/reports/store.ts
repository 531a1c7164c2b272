// The report's reads: for a set of members, a row per (member, required course) with the facts the
// status rules need. Reports only read, and they read across features' tables (memberships, users,
// units, enrolments, progress, completions, certificates): that is what the architecture gives the
// reports folder ("report queries"), so a report of 100,000 cells takes a few statements, not
// thousands of calls through the other services. Nothing of reflections or check answers is read.
//
// Why a few plain queries joined in JavaScript, not one statement: a row per cell with correlated
// subqueries (latest completion, current certificates, modules done) made the database step those
// subqueries once per cell, ~1 s for 100,000 cells on SQLite and more on PostgreSQL. Here each
// table is read once for all the members asked for: every query starts from the organization's
// memberships (index organization_id, unit_id) and reaches the learner's rows through their
// indexes (enrolments user_id+course_id, completions user_id+course_id, certificates completion_id,
// module_progress enrolment_id+module_key), grouped in the database where a count or a latest date
// is all that is needed. Rows are read as arrays (cursor.ts readAll): a row as an object costs
// about twice as much to make. The caller bounds a read: one organization's matrix, or a part of
// a few hundred people of an ordered export.
//
// What each row carries, and why:
// - the membership (unit, joined: for due dates);
// - the enrolment (started? finished this round? last activity) and how many of the current
//   version's modules the learner has done (percent is counted against the current version, as
//   the learner's own pages count it);
// - the latest completion of the course;
// - the current certificate of the course and of its declared refresher (the newest one not
//   superseded by a name correction), with the dates that decide valid, expired, expiring soon.
// Whether an assignment reaches the member, due dates and statuses are worked out in JavaScript by
// the pure rules (cells.ts): a pair no assignment reaches gives no report row there.
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { toDate, toNumber } from '../db/values';
import { readAll } from './cursor';

/** What the reads need to know of each required course. */
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
   * Count the modules done of rounds in progress, and read the round's end and the last activity.
   * No status depends on them, and the count is the costliest read (hundreds of thousands of
   * progress rows), so the matrix asks for them only for its page. Without: percent as if no
   * module were done (100 once completed) and no last activity, in every row.
   */
  percent: boolean;
  /**
   * Only these members (the matrix's page, or one part of an ordered read: a few hundred ids at
   * most). Absent: every member the unit filter keeps, each read once from the memberships.
   */
  userIds?: number[];
}

/**
 * The columns of a row, by position (cells.ts reads them so). Dates and counts differ by dialect
 * (db/values.ts): they are passed on as the database gave them.
 */
export const COL = {
  userId: 0, unitId: 1, joinedAt: 2, courseId: 3, enrolmentId: 4, roundCompletedAt: 5, lastActivityAt: 6, done: 7, lastCompletedAt: 8,
  certificateId: 9, certificateIssuedAt: 10, certificateExpiresAt: 11, certificateRevokedAt: 12,
  refresherCertificateId: 13, refresherIssuedAt: 14, refresherExpiresAt: 15, refresherRevokedAt: 16,
} as const;
export type FactsRow = unknown[];
const ROW_LENGTH = Object.keys(COL).length;

/** The organization's memberships the query asks for, as `m`: every read starts from it. */
export function members(db: Db, q: Pick<FactsQuery, 'organizationId' | 'unitId' | 'userIds'>): Knex.QueryBuilder {
  const m = db('memberships as m').where('m.organization_id', q.organizationId);
  if (q.unitId === null) m.whereNull('m.unit_id');
  else if (q.unitId !== undefined) m.where('m.unit_id', q.unitId);
  if (q.userIds) m.whereIn('m.user_id', q.userIds);
  return m;
}

/** Where one member stands in one course (or refresher), gathered from the reads. */
interface Slot {
  enrolment: unknown[] | null;
  lastCompleted: unknown;
  lastAt: number;
  certificate: unknown[] | null;
  issued: number;
  certificateId: number;
}

/** A date as the database gave it, in ms: SQLite's are numbers already (no Date made for 100,000 of them). */
const timeOf = (value: unknown) => (typeof value === 'number' ? value : toDate(value).getTime());

/**
 * A row per (member, required course) in COL's order, for the members asked for, in no particular
 * order, each member's rows one after another. Reads: memberships, enrolments, modules done (with
 * `percent`), completions with their current certificates; on PostgreSQL they run side by side on
 * the pool's connections. Each row is passed to `visit` as the SAME array, refilled: read it there,
 * and copy it to keep it. (A callback, not a generator: 100,000 resumptions cost a tenth of the page.)
 */
export async function readFacts(db: Db, q: FactsQuery, visit: (row: FactsRow) => void): Promise<void> {
  const courseIds = q.courses.map((c) => c.courseId);
  if (!courseIds.length) return;
  const completionCourses = [...new Set([...courseIds, ...q.courses.flatMap((c) => (c.refresherId !== null ? [c.refresherId] : []))])];
  const withKeys = q.courses.filter((c) => c.moduleKeys.length);

  const membershipsRead = members(db, q).select('m.user_id', 'm.unit_id', 'm.joined_at');
  // Without percent only whether they enrolled matters (no status depends on the round or the
  // last activity): the enrolments' (user_id, course_id) index answers it alone.
  const enrolmentsRead = members(db, q).join('enrolments as e', 'e.user_id', 'm.user_id').whereIn('e.course_id', courseIds)
    .select(q.percent ? ['e.user_id', 'e.course_id', 'e.id', 'e.completed_at', 'e.last_activity_at'] : ['e.user_id', 'e.course_id', 'e.id']);
  // Modules done of the current version, only for a round in progress (a finished round is 100%,
  // no round is 0%): the enrolment's progress rows whose key that version has.
  const doneRead = q.percent && withKeys.length
    ? members(db, q).join('enrolments as e', 'e.user_id', 'm.user_id').join('module_progress as p', 'p.enrolment_id', 'e.id')
      .whereNull('e.completed_at')
      .where((w) => {
        for (const c of withKeys) w.orWhere((x) => x.where('e.course_id', c.courseId).whereIn('p.module_key', c.moduleKeys));
      })
      .groupBy('p.enrolment_id').select('p.enrolment_id', db.raw('count(*) as n'))
    : null;
  // Every completion of the courses and their refreshers, with its certificate when one is current
  // (not superseded): the latest completion and the current certificate are picked below.
  const completionsRead = members(db, q).join('completions as k', 'k.user_id', 'm.user_id')
    .leftJoin('certificates as c', (j) => j.on('c.completion_id', 'k.id').andOnNull('c.superseded_at'))
    .whereIn('k.course_id', completionCourses)
    .select('k.user_id', 'k.course_id', 'k.completed_at', 'c.id', 'c.issued_at', 'c.expires_at', 'c.revoked_at');

  const [memberships, enrolments, completions, done = []] = await readAll(db, [membershipsRead, enrolmentsRead, completionsRead, ...(doneRead ? [doneRead] : [])]);

  // Each member's facts by course position: small integer keys and arrays, for 100,000 cells.
  const position = new Map(completionCourses.map((id, i) => [id, i]));
  const slotsOf = new Map<number, Slot[]>();
  const slot = (userId: unknown, courseId: unknown): Slot => {
    const id = toNumber(userId);
    let slots = slotsOf.get(id);
    if (!slots) slotsOf.set(id, (slots = new Array<Slot>(completionCourses.length)));
    const i = position.get(toNumber(courseId))!;
    return (slots[i] ??= { enrolment: null, lastCompleted: null, lastAt: -Infinity, certificate: null, issued: 0, certificateId: 0 });
  };
  for (const e of enrolments) slot(e[0], e[1]).enrolment = e;
  const doneOf = new Map<number, unknown>();
  for (const d of done) doneOf.set(toNumber(d[0]), d[1]);
  for (const k of completions) {
    const s = slot(k[0], k[1]);
    const at = timeOf(k[2]);
    if (at > s.lastAt) {
      s.lastAt = at;
      s.lastCompleted = k[2];
    }
    if (k[3] == null) continue;
    // The current certificate: the newest not superseded, by issue date then id (as the learner's pages choose it).
    const issued = timeOf(k[4]);
    const id = toNumber(k[3]);
    if (!s.certificate || issued > s.issued || (issued === s.issued && id > s.certificateId)) {
      s.certificate = k;
      s.issued = issued;
      s.certificateId = id;
    }
  }

  const required = q.courses.map((c) => ({ courseId: c.courseId, at: position.get(c.courseId)!, refresherAt: c.refresherId !== null ? position.get(c.refresherId)! : -1 }));
  // One array, filled anew for each row: 100,000 rows of 17 fields each were a fifth of the
  // report's garbage. So a row is good only until the next one is given.
  const row: FactsRow = new Array<unknown>(ROW_LENGTH);
  for (const m of memberships) {
    const slots = slotsOf.get(toNumber(m[0]));
    for (const course of required) {
      const s = slots?.[course.at];
      const e = s?.enrolment;
      const cert = s?.certificate;
      const refresher = course.refresherAt >= 0 ? slots?.[course.refresherAt]?.certificate : undefined;
      const inProgress = q.percent && e && e[3] == null;
      row[COL.userId] = m[0]; row[COL.unitId] = m[1]; row[COL.joinedAt] = m[2]; row[COL.courseId] = course.courseId;
      row[COL.enrolmentId] = e ? e[2] : null; row[COL.roundCompletedAt] = e?.[3] ?? null; row[COL.lastActivityAt] = e?.[4] ?? null;
      row[COL.done] = inProgress ? doneOf.get(toNumber(e[2])) ?? 0 : null;
      row[COL.lastCompletedAt] = s?.lastCompleted ?? null;
      row[COL.certificateId] = cert ? cert[3] : null; row[COL.certificateIssuedAt] = cert ? cert[4] : null;
      row[COL.certificateExpiresAt] = cert ? cert[5] : null; row[COL.certificateRevokedAt] = cert ? cert[6] : null;
      row[COL.refresherCertificateId] = refresher ? refresher[3] : null; row[COL.refresherIssuedAt] = refresher ? refresher[4] : null;
      row[COL.refresherExpiresAt] = refresher ? refresher[5] : null; row[COL.refresherRevokedAt] = refresher ? refresher[6] : null;
      visit(row);
    }
  }
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

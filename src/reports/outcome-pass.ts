// The pass over every cell of an organization's report that the matrix's sorting and the summary
// need: each cell's outcome (outcomes.ts: status, due date, completion date), never its row. The
// page shows fifty people; their cells, with percent and last activity, come from store.ts
// readFacts afterwards.
//
// Why its own reads rather than readFacts': building 100,000 rows of the report's columns was most
// of the page, and the first pass needs only a few of them. Two statements, from the
// organization's memberships as in store.ts:
// - the members, each with which required courses they enrolled in as bits of an integer (summed
//   from the enrolments' (user_id, course_id) index): 10,000 rows, not 80,000;
// - the completions of the courses and their refreshers with their current certificates, dates as
//   epoch milliseconds (PostgreSQL's timestamps parsed into Dates were a sixth of its page).
// They are joined by member and course in one Float64Array (no object per cell), and each cell's
// outcome is worked out in the same two objects, refilled.
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { toDate, toNumber, toNumberOrNull } from '../db/values';
import type { CourseContext, PersonInfo } from './cells';
import { readAll } from './cursor';
import { applyDue, cellOutcome, dueRules, emptyInput, emptyOutcome, has, NONE, type CellOutcome } from './outcomes';
import { members, type CourseSpec } from './store';

export interface OutcomeQuery {
  organizationId: number;
  /** A unit's id; `null`: people in no unit; undefined: everyone. */
  unitId?: number | null;
  courses: CourseSpec[];
  contexts: Map<number, CourseContext>;
  /**
   * Who is in the report (a member missing here joined after it was read, and is left out); may
   * still be being read.
   */
  names: Map<number, PersonInfo> | Promise<Map<number, PersonInfo>>;
  now: Date;
}

/** One cell's outcome; `o` is the same object for every cell: read it there. */
export type OutcomeVisit = (userId: number, unitId: number | null, person: PersonInfo, courseId: number, o: CellOutcome) => void;

/** Enrolments per integer: sums of powers of two stay exact integers, below PostgreSQL's int4 limit. */
const MASK_BITS = 30;
/** The facts kept per member and course position, in the Float64Array. */
const LAST_COMPLETED = 0, ISSUED = 1, EXPIRES = 2, REVOKED = 3, CERTIFICATE_ID = 4, FIELDS = 5;

/**
 * A date column as epoch ms: SQLite keeps them so already. PostgreSQL's are truncated to the
 * millisecond first (as pg makes its Dates), so the float8 epoch times 1000 is within far less than
 * a millisecond of an integer and rounds to it exactly (extract() gives a numeric, about twice as
 * slow for the server).
 */
function epochMs(db: Db, column: string): string | Knex.Raw {
  return db.client.dialect === 'postgresql' ? db.raw("round(date_part('epoch', date_trunc('milliseconds', ??)) * 1000)", [column]) : column;
}

/** A date as read: ms, or NONE. */
const msOf = (value: unknown): number => (value == null ? NONE : typeof value === 'number' ? value : toDate(value).getTime());

/** Which of these courses a member (`e`'s user) enrolled in: bit i for courseIds[i], null when none. */
function enrolledBits(db: Db, courseIds: number[]): Knex.Raw {
  const cases = courseIds.map(() => 'when ? then ?').join(' ');
  return db.raw(`cast(sum(case e.course_id ${cases} else 0 end) as integer)`, courseIds.flatMap((id, i) => [id, 2 ** i]));
}

/**
 * The members asked for (user_id, unit_id, joined_at as ms), then the enrolledBits of each part of
 * MASK_BITS courses. SQLite sums each member's enrolments in a correlated subquery (about half the
 * time of a join and GROUP BY, which sorts); PostgreSQL hashes a join (the subquery, run per member,
 * took twice as long).
 */
function membersRead(db: Db, scope: Pick<OutcomeQuery, 'organizationId' | 'unitId'>, courseIds: number[]): Knex.QueryBuilder {
  const parts: number[][] = [];
  for (let i = 0; i < courseIds.length; i += MASK_BITS) parts.push(courseIds.slice(i, i + MASK_BITS));
  const read = members(db, scope).select('m.user_id', 'm.unit_id', epochMs(db, 'm.joined_at'));
  if (db.client.dialect === 'postgresql') {
    return read.leftJoin('enrolments as e', (j) => j.on('e.user_id', 'm.user_id').onIn('e.course_id', courseIds))
      .select(parts.map((part) => enrolledBits(db, part))).groupBy('m.user_id');
  }
  return read.select(parts.map((part) => db.raw('(?)', [
    db('enrolments as e').whereRaw('e.user_id = m.user_id').whereIn('e.course_id', part).select(enrolledBits(db, part)),
  ])));
}

/** Every cell of the members asked for, passed to `visit` with its outcome at `now`, in no order. */
export async function visitOutcomes(db: Db, q: OutcomeQuery, visit: OutcomeVisit): Promise<void> {
  const courseIds = q.courses.map((c) => c.courseId);
  if (!courseIds.length) {
    await q.names; // a read begun for this pass is awaited, or its failure would go unhandled
    return;
  }
  const completionCourses = [...new Set([...courseIds, ...q.courses.flatMap((c) => (c.refresherId !== null ? [c.refresherId] : []))])];
  const scope = { organizationId: q.organizationId, unitId: q.unitId };

  const completionsRead = members(db, scope).join('completions as k', 'k.user_id', 'm.user_id')
    .leftJoin('certificates as c', (j) => j.on('c.completion_id', 'k.id').andOnNull('c.superseded_at'))
    .whereIn('k.course_id', completionCourses)
    .select('k.user_id', 'k.course_id', epochMs(db, 'k.completed_at'), 'c.id', epochMs(db, 'c.issued_at'), epochMs(db, 'c.expires_at'),
      db.raw('case when c.revoked_at is null then 0 else 1 end'));
  const [[memberRows, completions], names] = await Promise.all([readAll(db, [membersRead(db, scope, courseIds), completionsRead]), q.names]);

  const positions = completionCourses.length;
  const position = new Map(completionCourses.map((id, i) => [id, i]));
  const index = new Map<number, number>();
  memberRows.forEach((m, i) => index.set(toNumber(m[0]), i));
  // By (member, course position): the latest completion, then the current certificate (the newest
  // not superseded, by issue date then id, as the learner's pages choose it).
  const facts = new Float64Array(memberRows.length * positions * FIELDS).fill(NONE);
  for (const k of completions) {
    const i = index.get(toNumber(k[0]));
    if (i === undefined) continue;
    const base = (i * positions + position.get(toNumber(k[1]))!) * FIELDS;
    const at = msOf(k[2]);
    const last = facts[base + LAST_COMPLETED]!;
    if (!has(last) || at > last) facts[base + LAST_COMPLETED] = at;
    if (k[3] == null) continue;
    const issued = msOf(k[4]);
    const id = toNumber(k[3]);
    const current = facts[base + ISSUED]!;
    if (!has(current) || issued > current || (issued === current && id > facts[base + CERTIFICATE_ID]!)) {
      facts[base + ISSUED] = issued;
      facts[base + EXPIRES] = msOf(k[5]);
      facts[base + REVOKED] = toNumber(k[6]);
      facts[base + CERTIFICATE_ID] = id;
    }
  }

  const required = q.courses.map((c) => ({
    courseId: c.courseId, rules: dueRules(q.contexts.get(c.courseId)!.assignments),
    at: position.get(c.courseId)!, refresherAt: c.refresherId !== null ? position.get(c.refresherId)! : -1,
  }));
  const input = emptyInput();
  const out = emptyOutcome();
  const now = q.now.getTime();
  for (let i = 0; i < memberRows.length; i++) {
    const m = memberRows[i]!;
    const userId = toNumber(m[0]);
    const person = names.get(userId);
    if (!person) continue;
    const unitId = toNumberOrNull(m[1]);
    const joinedAt = msOf(m[2]);
    for (let j = 0; j < required.length; j++) {
      const course = required[j]!;
      if (!applyDue(course.rules, userId, unitId, joinedAt, input)) continue;
      input.enrolled = ((toNumber(m[3 + Math.floor(j / MASK_BITS)] ?? 0) >>> (j % MASK_BITS)) & 1) === 1;
      const base = (i * positions + course.at) * FIELDS;
      input.lastCompletedAt = facts[base + LAST_COMPLETED]!;
      input.certificateIssuedAt = facts[base + ISSUED]!;
      input.certificateExpiresAt = facts[base + EXPIRES]!;
      input.certificateRevoked = facts[base + REVOKED] === 1;
      const r = course.refresherAt >= 0 ? (i * positions + course.refresherAt) * FIELDS : -1;
      input.refresherIssuedAt = r >= 0 ? facts[r + ISSUED]! : NONE;
      input.refresherExpiresAt = r >= 0 ? facts[r + EXPIRES]! : NONE;
      input.refresherRevoked = r >= 0 && facts[r + REVOKED] === 1;
      visit(userId, unitId, person, course.courseId, cellOutcome(input, now, out));
    }
  }
}

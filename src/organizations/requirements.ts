// Required training: which courses each member of an organization must take, by when, and where
// they stand. The computation is a pure function of memberships, assignments and each learner's
// facts (progress, completions, certificates) at a given time, so it is tested with plain values
// and reused as it is by the reports. The loader below gathers those facts through the learning,
// certificate and curriculum services.
//
// The rules:
// - An assignment reaches the whole organization, one unit's members, or one person.
// - It is due on its date, or `withinDays` after the member joined; someone who joined before the
//   assignment was made gets the same number of days from when it was made.
// - When several assignments require the same course of someone, the earliest due date counts, and
//   the course renews if any of them renews.
// - A course is completed by the learner's latest completion, whenever it was earned, unless its
//   certificate was revoked. When the assignment renews and the certificate has an expiry date,
//   the course is due again on that date: "expiring soon" in the certificate's warning period
//   (60 days), "expired" after it, until a new completion (or the course's declared refresher)
//   gives a new certificate.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { LearningService } from '../learning/service';
import type { CertificateService, CertificateStatus, CertificateView } from '../certificates/service';
import type { CurriculumService } from '../curriculum/service';
import { currentCertificate } from '../learning/rules';
import * as store from './store';
import type { Assignment } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

export const REQUIREMENT_STATUSES = ['overdue', 'expired', 'expiring_soon', 'in_progress', 'not_started', 'completed'] as const;
export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];

export interface RequirementMember {
  userId: number;
  unitId: number | null;
  joinedAt: Date;
}

/** What counts of a certificate: the learner's current one for the course (not superseded). */
export interface CertificateFacts {
  status: CertificateStatus;
  expiresAt: Date | null;
  /** Valid, and inside the warning period before expiry. */
  expiringSoon: boolean;
}

/** One learner in one course. Absent: they never started it. */
export interface CourseFacts {
  enrolled: boolean;
  /** Of the round in progress; 100 once finished. */
  percent: number;
  lastCompletedAt: Date | null;
  certificate: CertificateFacts | null;
}

export interface Requirement {
  userId: number;
  courseId: number;
  status: RequirementStatus;
  /**
   * When it is or was due: the assignment's due date, or for a renewing course already completed,
   * the certificate's expiry. Null when completed and nothing is due again.
   */
  dueAt: Date | null;
  percent: number;
  completedAt: Date | null;
  expiresAt: Date | null;
  renews: boolean;
  /** The assignments that require it (several may). */
  assignmentIds: number[];
}

/** Whether the assignment requires anything of this member. */
export function reaches(a: Assignment, m: RequirementMember): boolean {
  if (a.removedAt) return false;
  if (a.target === 'organization') return true;
  if (a.target === 'unit') return a.unitId !== null && a.unitId === m.unitId;
  return a.userId === m.userId;
}

/** The date the assignment makes the course due for this member. */
export function assignmentDueAt(a: Assignment, m: RequirementMember): Date {
  if (a.dueAt) return a.dueAt;
  const from = Math.max(m.joinedAt.getTime(), a.createdAt.getTime());
  return new Date(from + (a.withinDays ?? 0) * DAY_MS);
}

/** The status of one required course, from its due date, whether it renews, and the learner's facts. */
export function requirementStatus(dueAt: Date, renews: boolean, facts: CourseFacts | undefined, now: Date): Pick<Requirement, 'status' | 'dueAt' | 'percent' | 'completedAt' | 'expiresAt'> {
  const certificate = facts?.certificate ?? null;
  const completedAt = certificate?.status === 'revoked' ? null : facts?.lastCompletedAt ?? null;
  const percent = facts?.percent ?? 0;
  const expiresAt = certificate?.expiresAt ?? null;
  if (completedAt) {
    if (renews && expiresAt) {
      if (certificate!.status === 'expired' || expiresAt.getTime() <= now.getTime()) return { status: 'expired', dueAt: expiresAt, percent, completedAt, expiresAt };
      return { status: certificate!.expiringSoon ? 'expiring_soon' : 'completed', dueAt: expiresAt, percent: 100, completedAt, expiresAt };
    }
    return { status: 'completed', dueAt: null, percent: 100, completedAt, expiresAt };
  }
  const status = dueAt.getTime() <= now.getTime() ? 'overdue' : facts?.enrolled ? 'in_progress' : 'not_started';
  return { status, dueAt, percent: facts?.enrolled ? percent : 0, completedAt: null, expiresAt };
}

/**
 * Every member's required courses. `facts(userId, courseId)` answers where the learner stands;
 * `courses` limits it to courses that can be taken (published), when given.
 */
export function computeRequirements(input: {
  members: RequirementMember[];
  assignments: Assignment[];
  facts: (userId: number, courseId: number) => CourseFacts | undefined;
  now: Date;
  courses?: Set<number>;
}): Requirement[] {
  const out: Requirement[] = [];
  const active = input.assignments.filter((a) => !a.removedAt && (!input.courses || input.courses.has(a.courseId)));
  for (const m of input.members) {
    const byCourse = new Map<number, { dueAt: Date; renews: boolean; ids: number[] }>();
    for (const a of active) {
      if (!reaches(a, m)) continue;
      const due = assignmentDueAt(a, m);
      const seen = byCourse.get(a.courseId);
      if (!seen) byCourse.set(a.courseId, { dueAt: due, renews: a.renews, ids: [a.id] });
      else {
        if (due < seen.dueAt) seen.dueAt = due;
        seen.renews ||= a.renews;
        seen.ids.push(a.id);
      }
    }
    for (const [courseId, r] of byCourse) {
      out.push({ userId: m.userId, courseId, renews: r.renews, assignmentIds: r.ids, ...requirementStatus(r.dueAt, r.renews, input.facts(m.userId, courseId), input.now) });
    }
  }
  return out;
}

/** The order a learner reads them in: what is late first, then by due date, completed last. */
export function byUrgency(a: Requirement, b: Requirement): number {
  const rank = (r: Requirement) => REQUIREMENT_STATUSES.indexOf(r.status);
  const late = (r: Requirement) => (r.status === 'overdue' || r.status === 'expired' ? 0 : r.status === 'completed' ? 2 : 1);
  return late(a) - late(b) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) || rank(a) - rank(b) || a.courseId - b.courseId;
}

export interface CourseInfo {
  courseId: number;
  slug: string;
  title: string;
  /** The declared refresher course's id, when it is published. */
  refresherId: number | null;
}

export type RequiredCourse = Requirement & { slug: string; title: string };

export function createRequirementLoader({ db, clock, learning, certificates, curriculum }: {
  db: Db; clock: Clock; learning: LearningService; certificates: CertificateService; curriculum: CurriculumService;
}) {
  /** Published courses by id (an assignment of a course no longer published requires nothing). */
  async function publishedCourses(): Promise<Map<number, CourseInfo>> {
    const catalog = await curriculum.catalog();
    const idOf = new Map(catalog.map((c) => [c.course.slug, c.courseId]));
    return new Map(catalog.map((c) => [c.courseId, {
      courseId: c.courseId, slug: c.course.slug, title: c.course.title, refresherId: c.course.refresher ? idOf.get(c.course.refresher) ?? null : null,
    }]));
  }

  /** Where each member stands in each course, with a refresher's newer certificate renewing its course. */
  async function factsFor(userIds: number[], courses: CourseInfo[]): Promise<(userId: number, courseId: number) => CourseFacts | undefined> {
    const courseIds = [...new Set(courses.flatMap((c) => (c.refresherId ? [c.courseId, c.refresherId] : [c.courseId])))];
    const [standing, certs] = await Promise.all([learning.standingOfUsers(userIds, courseIds), certificates.listForUsers(userIds)]);
    const certsByUser = new Map<number, CertificateView[]>();
    for (const c of certs) {
      const list = certsByUser.get(c.userId);
      if (list) list.push(c);
      else certsByUser.set(c.userId, [c]);
    }
    const refresherOf = new Map(courses.map((c) => [c.courseId, c.refresherId]));
    const facts = new Map<string, CourseFacts>();
    for (const s of standing) {
      const held = certsByUser.get(s.userId) ?? [];
      let certificate = currentCertificate(held, s.courseId);
      const refresherId = refresherOf.get(s.courseId);
      const refresher = refresherId ? currentCertificate(held, refresherId) : null;
      if (refresher && refresher.status === 'valid' && (!certificate || refresher.issuedAt > certificate.issuedAt)) certificate = refresher;
      facts.set(`${s.userId}:${s.courseId}`, {
        enrolled: s.enrolled, percent: s.percent, lastCompletedAt: s.lastCompletedAt,
        certificate: certificate ? { status: certificate.status, expiresAt: certificate.expiresAt, expiringSoon: certificate.expiringSoon } : null,
      });
    }
    return (userId, courseId) => facts.get(`${userId}:${courseId}`);
  }

  async function compute(members: RequirementMember[], assignments: Assignment[]) {
    const courses = await publishedCourses();
    const assigned = [...new Set(assignments.map((a) => a.courseId))].map((id) => courses.get(id)).filter((c): c is CourseInfo => Boolean(c));
    if (!members.length || !assigned.length) return { courses, requirements: [] as Requirement[] };
    const facts = await factsFor(members.map((m) => m.userId), assigned);
    return { courses, requirements: computeRequirements({ members, assignments, facts, now: clock.now(), courses: new Set(assigned.map((c) => c.courseId)) }) };
  }

  return {
    /** Every member's requirements (optionally of one unit: `null` for those in none), with the courses they name. */
    async forOrganization(organizationId: number, o: { unitId?: number | null } = {}) {
      const [memberships, assignments] = await Promise.all([store.listMemberships(db, organizationId, o.unitId), store.activeAssignments(db, organizationId)]);
      const members = memberships.map((m) => ({ userId: m.userId, unitId: m.unitId, joinedAt: m.joinedAt }));
      return { members, assignments, ...(await compute(members, assignments)) };
    },

    /** One learner's required courses, most urgent first: the top of their dashboard. Empty outside an organization. */
    async forUser(userId: number): Promise<RequiredCourse[]> {
      const m = await store.findMembership(db, userId);
      if (!m) return [];
      const assignments = await store.activeAssignments(db, m.organizationId);
      if (!assignments.length) return [];
      const { courses, requirements } = await compute([{ userId, unitId: m.unitId, joinedAt: m.joinedAt }], assignments);
      return requirements.sort(byUrgency).map((r) => ({ ...r, slug: courses.get(r.courseId)!.slug, title: courses.get(r.courseId)!.title }));
    },
  };
}

export type RequirementLoader = ReturnType<typeof createRequirementLoader>;

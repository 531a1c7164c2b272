// From a database row of facts to a report row: the due date from the assignments that reach the
// member, the certificate that counts (with a refresher's newer one renewing it), and the status
// from the same pure rules a learner's dashboard uses (organizations/requirements.ts). Pure: the
// clock's `now` and the organization's assignments are passed in, so it is tested with plain values.
import { EXPIRY_WARNING_DAYS } from '../certificates/service';
import { assignmentDueAt, reaches, requirementStatus, type CertificateFacts, type CourseFacts } from '../organizations/requirements';
import type { Assignment, OrganizationRole } from '../organizations/types';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';
import { COL, type FactsRow } from './store';
import type { ReportFilters, ReportRow } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CourseContext {
  courseId: number;
  slug: string;
  title: string;
  /** Modules of the current version: percent = done / this. */
  modules: number;
  /** The assignments in force that require this course (of anyone). */
  assignments: Assignment[];
}

/** A certificate's status at `now`, as the certificate service decides it (superseded ones never reach here). */
export function certificateFacts(issuedAt: unknown, expiresAt: unknown, revokedAt: unknown, now: Date): (CertificateFacts & { issuedAt: Date }) | null {
  if (issuedAt === null || issuedAt === undefined) return null;
  const expires = toDateOrNull(expiresAt);
  const status = revokedAt != null ? 'revoked' : expires && expires.getTime() <= now.getTime() ? 'expired' : 'valid';
  const expiringSoon = status === 'valid' && expires !== null && expires.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS;
  return { status, expiresAt: expires, expiringSoon, issuedAt: toDate(issuedAt) };
}

/**
 * Where the learner stands, as organizations/requirements.ts gathers it: nothing when they never
 * enrolled nor completed the course; the course's current certificate, replaced by the refresher's
 * when that one is valid and newer.
 */
export function courseFacts(r: FactsRow, modules: number, now: Date): (CourseFacts & { certificateId: number | null }) | undefined {
  const enrolled = r[COL.enrolmentId] != null;
  const lastCompletedAt = toDateOrNull(r[COL.lastCompletedAt]);
  if (!enrolled && !lastCompletedAt) return undefined;
  let certificate = certificateFacts(r[COL.certificateIssuedAt], r[COL.certificateExpiresAt], r[COL.certificateRevokedAt], now);
  let certificateId = toNumberOrNull(r[COL.certificateId]);
  const refresher = certificateFacts(r[COL.refresherIssuedAt], r[COL.refresherExpiresAt], r[COL.refresherRevokedAt], now);
  if (refresher && refresher.status === 'valid' && (!certificate || refresher.issuedAt > certificate.issuedAt)) {
    certificate = refresher;
    certificateId = toNumberOrNull(r[COL.refresherCertificateId]);
  }
  const percent = r[COL.roundCompletedAt] != null ? 100 : enrolled && modules ? Math.round((toNumber(r[COL.done] ?? 0) / modules) * 100) : 0;
  return {
    enrolled, percent, lastCompletedAt,
    certificate: certificate ? { status: certificate.status, expiresAt: certificate.expiresAt, expiringSoon: certificate.expiringSoon } : null,
    certificateId: certificate ? certificateId : null,
  };
}

/** A report row, and the certificate that counts for it (for the certificates zip; never exported). */
export type CellRow = ReportRow & { certificateId: number | null };

/** What a report shows of a person, looked up once per person (store.ts `people`). */
export interface PersonInfo {
  displayName: string;
  email: string;
  unitName: string | null;
  role: string;
}

/** The member a facts row is about, as the due-date rules take it. */
export interface MemberFacts {
  userId: number;
  unitId: number | null;
  joinedAt: Date;
}

export const memberOf = (r: FactsRow): MemberFacts => ({ userId: toNumber(r[COL.userId]), unitId: toNumberOrNull(r[COL.unitId]), joinedAt: toDate(r[COL.joinedAt]) });

/**
 * memberOf for rows that come a member at a time (readFacts gives each member's cells together):
 * one object and one Date per member, not per cell. Rows out of that order are still right, only
 * slower.
 */
export function memberOfRows(): (r: FactsRow) => MemberFacts {
  let last: MemberFacts | null = null;
  return (r) => {
    const userId = toNumber(r[COL.userId]);
    if (last?.userId !== userId) last = memberOf(r);
    return last;
  };
}

/** The report row of one database row; null when no assignment in force reaches the member (a race with a removal). */
export function toReportRow(r: FactsRow, person: PersonInfo, course: CourseContext, now: Date, member: MemberFacts = memberOf(r)): CellRow | null {
  let dueAt: Date | null = null;
  let renews = false;
  for (const a of course.assignments) {
    if (!reaches(a, member)) continue;
    const due = assignmentDueAt(a, member);
    if (!dueAt || due < dueAt) dueAt = due;
    renews ||= a.renews;
  }
  if (!dueAt) return null;
  const facts = courseFacts(r, course.modules, now);
  const s = requirementStatus(dueAt, renews, facts, now);
  return {
    userId: member.userId, displayName: person.displayName, email: person.email, role: person.role as OrganizationRole,
    unitId: member.unitId, unitName: person.unitName, joinedAt: member.joinedAt,
    courseId: course.courseId, courseSlug: course.slug, courseTitle: course.title,
    status: s.status, percent: s.percent, dueAt: s.dueAt, completedAt: s.completedAt, expiresAt: s.expiresAt, renews,
    lastActivityAt: toDateOrNull(r[COL.lastActivityAt]),
    // A revoked certificate counts for nothing, so it is nobody's to download here.
    certificateId: s.completedAt ? facts?.certificateId ?? null : null,
  };
}

/** Whether the filters keep the cell. Unit and course are asked in SQL already; status and dates here. */
export function keeps(row: ReportRow, f: ReportFilters): boolean {
  if (f.statuses && !f.statuses.includes(row.status)) return false;
  if (f.from || f.to) {
    const date = f.dateField === 'completed' ? row.completedAt : row.dueAt;
    if (!date) return false;
    if (f.from && date.getTime() < f.from.getTime()) return false;
    if (f.to && date.getTime() >= f.to.getTime()) return false;
  }
  return true;
}

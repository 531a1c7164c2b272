// A cell's outcome (its status, due date and completion date) worked out from plain numbers, by
// the same rules as organizations/requirements.ts (reaches, assignmentDueAt, requirementStatus)
// and cells.ts (courseFacts, certificateFacts, keeps). It serves the pass over every cell of an
// organization that the matrix's sorting and the summary need (outcome-pass.ts): that pass made a
// Date for every date and a row, facts and status object for every cell, 100,000 of each, which
// was much of the page's time and most of its garbage. Here a date is milliseconds since the epoch,
// NONE (NaN) when there is none, and the caller refills the same input and output objects for
// every cell. The page's own cells and the exports still come from cells.ts; the tests check that
// both give the same answers.
import { EXPIRY_WARNING_DAYS } from '../certificates/service';
import { REQUIREMENT_STATUSES, type RequirementStatus } from '../organizations/requirements';
import type { Assignment } from '../organizations/types';
import type { ReportFilters } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
const WARNING_MS = EXPIRY_WARNING_DAYS * DAY_MS;

/** No such date. Every comparison with NaN is false, so each use asks `has` first. */
export const NONE = Number.NaN;
export const has = (ms: number): boolean => !Number.isNaN(ms);

/** A status as its place in REQUIREMENT_STATUSES, which is their order of urgency. */
const rank = (s: RequirementStatus) => REQUIREMENT_STATUSES.indexOf(s);
const OVERDUE = rank('overdue');
const EXPIRED = rank('expired');
const EXPIRING_SOON = rank('expiring_soon');
const IN_PROGRESS = rank('in_progress');
const NOT_STARTED = rank('not_started');
const COMPLETED = rank('completed');

/** An assignment in force, as the due-date rules read it. */
export interface DueRule {
  target: Assignment['target'];
  unitId: number | null;
  userId: number | null;
  /** The fixed due date; NONE when due `withinDays` after joining. */
  dueAt: number;
  createdAt: number;
  withinMs: number;
  renews: boolean;
}

/** The rules of the assignments in force (a removed one requires nothing). */
export function dueRules(assignments: Assignment[]): DueRule[] {
  return assignments.filter((a) => !a.removedAt).map((a) => ({
    target: a.target, unitId: a.unitId, userId: a.userId, dueAt: a.dueAt ? a.dueAt.getTime() : NONE,
    createdAt: a.createdAt.getTime(), withinMs: (a.withinDays ?? 0) * DAY_MS, renews: a.renews,
  }));
}

/** What the rules need of one cell. Dates in ms, NONE when absent. */
export interface CellInput {
  /** The earliest due date of the assignments that reach the member (see applyDue). */
  dueAt: number;
  renews: boolean;
  enrolled: boolean;
  /** The latest completion of the course. */
  lastCompletedAt: number;
  /** The course's current certificate: NONE issue date when there is none. */
  certificateIssuedAt: number;
  certificateExpiresAt: number;
  certificateRevoked: boolean;
  /** The current certificate of the course's declared refresher, likewise. */
  refresherIssuedAt: number;
  refresherExpiresAt: number;
  refresherRevoked: boolean;
}

export const emptyInput = (): CellInput => ({
  dueAt: NONE, renews: false, enrolled: false, lastCompletedAt: NONE,
  certificateIssuedAt: NONE, certificateExpiresAt: NONE, certificateRevoked: false,
  refresherIssuedAt: NONE, refresherExpiresAt: NONE, refresherRevoked: false,
});

/**
 * Sets `into.dueAt` and `into.renews` from the rules (of one course) that reach the member: the
 * earliest due date, renewing if any renews. False when none reaches them: then there is no cell.
 */
export function applyDue(rules: DueRule[], userId: number, unitId: number | null, joinedAt: number, into: CellInput): boolean {
  let dueAt = NONE;
  let renews = false;
  for (const a of rules) {
    if (a.target === 'unit' ? a.unitId === null || a.unitId !== unitId : a.target !== 'organization' && a.userId !== userId) continue;
    const due = has(a.dueAt) ? a.dueAt : Math.max(joinedAt, a.createdAt) + a.withinMs;
    if (!has(dueAt) || due < dueAt) dueAt = due;
    renews ||= a.renews;
  }
  into.dueAt = dueAt;
  into.renews = renews;
  return has(dueAt);
}

/** What the summary, the filters and the sorting use of a cell. */
export interface CellOutcome {
  /** The status's place in REQUIREMENT_STATUSES. */
  status: number;
  /** When it is or was due; NONE when completed and nothing is due again. */
  dueAt: number;
  /** The latest completion that counts (a revoked certificate's does not); NONE when none. */
  completedAt: number;
}

export const emptyOutcome = (): CellOutcome => ({ status: NOT_STARTED, dueAt: NONE, completedAt: NONE });

/** Fills `out` with the cell's outcome at `now` (ms), as cells.ts toReportRow decides it. */
export function cellOutcome(c: CellInput, now: number, out: CellOutcome): CellOutcome {
  out.completedAt = NONE;
  // No enrolment and no completion: nothing to go on (not even a refresher's certificate).
  if (c.enrolled || has(c.lastCompletedAt)) {
    // The course's current certificate, replaced by the refresher's when that one is valid and newer.
    let issuedAt = c.certificateIssuedAt;
    let expiresAt = c.certificateExpiresAt;
    let revoked = c.certificateRevoked;
    const refresherValid = has(c.refresherIssuedAt) && !c.refresherRevoked && !(has(c.refresherExpiresAt) && c.refresherExpiresAt <= now);
    if (refresherValid && (!has(issuedAt) || c.refresherIssuedAt > issuedAt)) {
      issuedAt = c.refresherIssuedAt;
      expiresAt = c.refresherExpiresAt;
      revoked = c.refresherRevoked;
    }
    const certified = has(issuedAt);
    if (!(certified && revoked) && has(c.lastCompletedAt)) {
      out.completedAt = c.lastCompletedAt;
      if (c.renews && certified && has(expiresAt)) {
        out.dueAt = expiresAt;
        out.status = expiresAt <= now ? EXPIRED : expiresAt - now <= WARNING_MS ? EXPIRING_SOON : COMPLETED;
      } else {
        out.dueAt = NONE;
        out.status = COMPLETED;
      }
      return out;
    }
  }
  out.dueAt = c.dueAt;
  out.status = c.dueAt <= now ? OVERDUE : c.enrolled ? IN_PROGRESS : NOT_STARTED;
  return out;
}

/** The status and date filters, in numbers. */
export interface OutcomeFilter {
  /** By status place: whether it is kept; null: all are. */
  statuses: boolean[] | null;
  completed: boolean;
  from: number;
  to: number;
}

export function outcomeFilter(f: ReportFilters): OutcomeFilter {
  return {
    statuses: f.statuses ? REQUIREMENT_STATUSES.map((s) => f.statuses!.includes(s)) : null,
    completed: f.dateField === 'completed',
    from: f.from ? f.from.getTime() : NONE,
    to: f.to ? f.to.getTime() : NONE,
  };
}

/** Whether the filters keep the cell, as cells.ts `keeps` decides. */
export function keepsOutcome(o: CellOutcome, f: OutcomeFilter): boolean {
  if (f.statuses && !f.statuses[o.status]) return false;
  if (has(f.from) || has(f.to)) {
    const date = f.completed ? o.completedAt : o.dueAt;
    if (!has(date)) return false;
    if (has(f.from) && date < f.from) return false;
    if (has(f.to) && date >= f.to) return false;
  }
  return true;
}

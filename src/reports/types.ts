// The words of organization reports, as types. Glossary:
// - cell: one member in one course the organization requires of them (a "requirement"), with its
//   status from the pure rules in organizations/requirements.ts.
// - row: a cell as exported (CSV, API): the person, their unit, the course and the facts.
// - filters: which cells a report holds. A person is in a report when at least one of their cells is.
// - summary: figures over the cells a report holds (so the page, the CSV and the PDF agree).
import type { OrganizationRole } from '../organizations/types';
import type { RequirementStatus } from '../organizations/requirements';

export type { RequirementStatus };

/** Which cells a report holds. Every field is optional: absent means "all". */
export interface ReportFilters {
  /** Only people of this unit (a unit of the organization); `null`: people in no unit. */
  unitId?: number | null;
  /** Only these courses (among those the organization requires). */
  courseIds?: number[];
  /** Only cells in one of these statuses. */
  statuses?: RequirementStatus[];
  /** The date `from`/`to` apply to: a cell's due date, or its (latest) completion date. */
  dateField?: 'due' | 'completed';
  /** Inclusive: the cell's date is at or after this instant. */
  from?: Date;
  /** Exclusive: the cell's date is before this instant (a day typed as `to` ends at the next midnight UTC). */
  to?: Date;
}

export const SORT_KEYS = ['name', 'unit', 'status', 'due'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface ReportSort {
  by: SortKey;
  dir: 'asc' | 'desc';
}

/** One member in one required course: a CSV line, an API record. */
export interface ReportRow {
  userId: number;
  displayName: string;
  email: string;
  role: OrganizationRole;
  unitId: number | null;
  unitName: string | null;
  joinedAt: Date;
  courseId: number;
  courseSlug: string;
  courseTitle: string;
  status: RequirementStatus;
  /** Of the round in progress; 100 once completed. */
  percent: number;
  /** When it is or was due; null when completed and nothing is due again. */
  dueAt: Date | null;
  /** The latest completion that counts (a revoked certificate's does not). */
  completedAt: Date | null;
  /** The current certificate's expiry, when it has one. */
  expiresAt: Date | null;
  /** Whether the course is due again when the certificate expires. */
  renews: boolean;
  /** The learner's last activity in the course (enrolment), or null when they never started it. */
  lastActivityAt: Date | null;
}

/** A cell of the matrix: what the page shows for one person and one course. */
export interface ReportCell {
  status: RequirementStatus;
  percent: number;
  dueAt: Date | null;
  completedAt: Date | null;
  expiresAt: Date | null;
}

export interface ReportPerson {
  userId: number;
  displayName: string;
  email: string;
  unitId: number | null;
  unitName: string | null;
  /**
   * By course id: the cell when the filters keep it; `'filtered'` when the course is required of
   * them but the filters leave it out; absent when the course is not required of them.
   */
  cells: Record<number, ReportCell | 'filtered'>;
}

export interface ReportCourse {
  courseId: number;
  slug: string;
  title: string;
}

export interface UnitFigures {
  unitId: number | null;
  unitName: string | null;
  people: number;
  required: number;
  completed: number;
  overdue: number;
  /** completed / required, 0..1 (0 when nothing is required). */
  rate: number;
}

export interface ReportSummary {
  /** People with at least one cell in the report. */
  people: number;
  /** Cells in the report. */
  required: number;
  byStatus: Record<RequirementStatus, number>;
  /** Cells done and not due again: `completed` + `expiring_soon`. */
  completed: number;
  /** completed / required, 0..1 (0 when nothing is required). */
  completionRate: number;
  overdue: number;
  expired: number;
  expiringSoon: number;
  byUnit: UnitFigures[];
  /** Completions of the report's cells by calendar month (UTC), oldest first, months with none included. */
  byMonth: { month: string; completions: number }[];
}

export interface ReportPage {
  /** The columns: the required courses the filters keep, by title. */
  courses: ReportCourse[];
  people: ReportPerson[];
  /** 1-based; clamped to the last page when beyond it. */
  page: number;
  pages: number;
  pageSize: number;
  /** People in the report (on every page). */
  total: number;
  summary: ReportSummary;
}

/** A problem with a filter as typed: the field and a translation key saying what is wrong. */
export interface FilterProblem {
  field: 'unit' | 'course' | 'status' | 'dateField' | 'from' | 'to' | 'sort' | 'dir' | 'page';
  key: string;
}

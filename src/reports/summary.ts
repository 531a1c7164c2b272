// The figures of a report, counted as its rows go by, in whatever order they come, so the page, the
// CSV and the PDF count the very same cells.
import { REQUIREMENT_STATUSES, type RequirementStatus } from '../organizations/requirements';
import type { ReportFilters, ReportSummary, UnitFigures } from './types';

/** The longest stretch the completions chart shows, in months (the latest ones are kept). */
export const MAX_CHART_MONTHS = 60;
/** Without a completion date range, the chart shows this many months up to the current one. */
export const DEFAULT_CHART_MONTHS = 12;

const monthKey = (d: Date) => d.toISOString().slice(0, 7);
/** A month as one number (year * 12 + month): cheaper than a string for 100,000 rows. */
const monthIndex = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** The months the completions chart covers: the filter's completion dates, or the last twelve. */
export function chartMonths(filters: ReportFilters, now: Date): string[] {
  const byCompletion = filters.dateField === 'completed';
  let last = monthStart(byCompletion && filters.to ? new Date(filters.to.getTime() - 1) : now);
  let first = byCompletion && filters.from ? monthStart(filters.from) : addMonths(last, -(DEFAULT_CHART_MONTHS - 1));
  if (first > last) [first, last] = [last, first];
  const months: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) months.push(monthKey(m));
  return months.slice(-MAX_CHART_MONTHS);
}

const COMPLETED = REQUIREMENT_STATUSES.indexOf('completed');
const EXPIRING_SOON = REQUIREMENT_STATUSES.indexOf('expiring_soon');
const OVERDUE = REQUIREMENT_STATUSES.indexOf('overdue');

export function createSummary(filters: ReportFilters, now: Date) {
  /** Cells by status, by its place in REQUIREMENT_STATUSES. */
  const counts = new Array<number>(REQUIREMENT_STATUSES.length).fill(0);
  const units = new Map<number | null, UnitFigures>();
  const monthNames = chartMonths(filters, now);
  const firstMonth = monthIndex(new Date(`${monthNames[0]}-01T00:00:00Z`));
  const perMonth = new Array<number>(monthNames.length).fill(0);
  // One Date, set to each completion in turn: the month of 100,000 of them without 100,000 Dates.
  const day = new Date(0);
  const seen = new Set<number>();
  let required = 0;

  return {
    /**
     * Counts one cell the filters keep: `status` its place in REQUIREMENT_STATUSES, `completedAt`
     * in ms (NaN: none), as outcomes.ts gives them.
     */
    add(userId: number, unitId: number | null, unitName: string | null, status: number, completedAt: number): void {
      let unit = units.get(unitId);
      if (!unit) units.set(unitId, (unit = { unitId, unitName, people: 0, required: 0, completed: 0, overdue: 0, rate: 0 }));
      if (!seen.has(userId)) {
        seen.add(userId);
        unit.people++;
      }
      required++;
      counts[status]!++;
      unit.required++;
      if (status === COMPLETED || status === EXPIRING_SOON) unit.completed++;
      if (status === OVERDUE) unit.overdue++;
      if (!Number.isNaN(completedAt)) {
        day.setTime(completedAt);
        const i = monthIndex(day) - firstMonth;
        if (i >= 0 && i < perMonth.length) perMonth[i]!++;
      }
    },

    result(): ReportSummary {
      const byStatus = Object.fromEntries(REQUIREMENT_STATUSES.map((s, i) => [s, counts[i]!])) as Record<RequirementStatus, number>;
      const completed = byStatus.completed + byStatus.expiring_soon;
      const byUnit = [...units.values()]
        .map((u) => ({ ...u, rate: u.required ? u.completed / u.required : 0 }))
        // Units by name; people in no unit last.
        .sort((a, b) => (a.unitName === null ? 1 : 0) - (b.unitName === null ? 1 : 0) || (a.unitName ?? '').localeCompare(b.unitName ?? ''));
      return {
        people: seen.size, required, byStatus, completed, completionRate: required ? completed / required : 0,
        overdue: byStatus.overdue, expired: byStatus.expired, expiringSoon: byStatus.expiring_soon,
        byUnit, byMonth: monthNames.map((month, i) => ({ month, completions: perMonth[i]! })),
      };
    },
  };
}

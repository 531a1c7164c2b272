// The completion matrix: people as rows, required courses as columns. Filters on status and dates
// need every person's cells before the first page is known, so every row is looked at, person by
// person in whatever order they come; but only what sorting needs is kept (whether a cell of theirs
// is kept, their most urgent status, their earliest due date), not the cells: holding 100,000 cell
// objects until the page was cut made the collector copy them all. The page's cells are filled by
// the caller from a second read of its people (service.ts). Cells come as numbers (outcomes.ts).
import { REQUIREMENT_STATUSES } from '../organizations/requirements';
import type { PersonInfo } from './cells';
import { firstInOrder } from './first-in-order';
import type { ReportCell, ReportPerson, ReportRow, ReportSort } from './types';

/** A page person's cell from its row: the cell when the filters keep it, else 'filtered'. */
export function setCell(person: ReportPerson, row: ReportRow, kept: boolean): void {
  const cell: ReportCell = { status: row.status, percent: row.percent, dueAt: row.dueAt, completedAt: row.completedAt, expiresAt: row.expiresAt };
  person.cells[row.courseId] = kept ? cell : 'filtered';
}

export const PAGE_SIZE = 50;

interface Entry {
  person: ReportPerson;
  kept: boolean;
  /** The most urgent status of the cells kept (REQUIREMENT_STATUSES is in order of urgency). */
  rank: number;
  /** The earliest due date of the cells kept, in ms; Infinity when none. */
  due: number;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function compareName(a: Entry, b: Entry): number {
  return collator.compare(a.person.displayName, b.person.displayName) || collator.compare(a.person.email, b.person.email) || a.person.userId - b.person.userId;
}

/** Nulls and "none" go last whichever way the rest is sorted. */
function comparator(sort: ReportSort): (a: Entry, b: Entry) => number {
  const sign = sort.dir === 'desc' ? -1 : 1;
  switch (sort.by) {
    case 'name':
      return (a, b) => sign * compareName(a, b);
    case 'unit':
      return (a, b) => {
        const ua = a.person.unitName;
        const ub = b.person.unitName;
        if (ua === null || ub === null) return (ua === null ? 1 : 0) - (ub === null ? 1 : 0) || compareName(a, b);
        return sign * collator.compare(ua, ub) || compareName(a, b);
      };
    case 'status':
      return (a, b) => sign * (a.rank - b.rank) || compareName(a, b);
    case 'due':
      return (a, b) => {
        if (a.due === Infinity || b.due === Infinity) return (a.due === Infinity ? 1 : 0) - (b.due === Infinity ? 1 : 0) || compareName(a, b);
        return sign * (a.due - b.due) || compareName(a, b);
      };
  }
}

export function createMatrix() {
  const entries = new Map<number, Entry>();

  return {
    /**
     * One cell of a person: `status` its place in REQUIREMENT_STATUSES, `dueAt` in ms (NaN: none),
     * `kept` whether the filters keep it.
     */
    add(userId: number, unitId: number | null, person: PersonInfo, status: number, dueAt: number, kept: boolean): void {
      let current = entries.get(userId);
      if (!current) {
        current = {
          person: { userId, displayName: person.displayName, email: person.email, unitId, unitName: person.unitName, cells: {} },
          kept: false, rank: REQUIREMENT_STATUSES.length, due: Infinity,
        };
        entries.set(userId, current);
      }
      if (!kept) return;
      current.kept = true;
      current.rank = Math.min(current.rank, status);
      if (!Number.isNaN(dueAt)) current.due = Math.min(current.due, dueAt);
    },

    /**
     * The people with a cell kept, sorted, and the page asked for (the last one when beyond it).
     * Their `cells` are empty: fill them with setCell from a read of these people.
     */
    page(sort: ReportSort, number: number, size = PAGE_SIZE): { people: ReportPerson[]; page: number; pages: number; total: number } {
      const kept = [...entries.values()].filter((e) => e.kept);
      const pages = Math.max(1, Math.ceil(kept.length / size));
      const page = Math.min(Math.max(1, Math.floor(number)), pages);
      // Only the people up to the page's last are put in order (every comparator ends on the user id: a total order).
      const first = firstInOrder(kept, page * size, comparator(sort));
      return { people: first.slice((page - 1) * size).map((e) => e.person), page, pages, total: kept.length };
    },
  };
}

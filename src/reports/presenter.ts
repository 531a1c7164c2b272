// The report page's view model: what each cell says (a status in words, with a shape beside it so
// colour never carries it alone), the filters as the form shows them again, links that keep the
// filters (sorting, pages, downloads), and the figures formatted. Views get this, never rows.
import type { ReportCell, ReportFilters, ReportPage, ReportSort, RequirementStatus, SortKey } from './types';

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** A shape per status (shown beside the words, hidden from screen readers, which read the words). */
export const STATUS_ICONS: Record<RequirementStatus, string> = {
  overdue: '⚠', expired: '✕', expiring_soon: '⏳', in_progress: '◐', not_started: '○', completed: '✓',
};

export interface CellView {
  kind: 'cell' | 'filtered' | 'none';
  status?: RequirementStatus;
  icon?: string;
  label: string;
  /** The date or percent that goes with the status. */
  detail: string;
}

export interface Formatters {
  t: Translate;
  shortDate: (d: Date) => string;
  formatNumber: (n: number) => string;
}

export function cellView(cell: ReportCell | 'filtered' | undefined, f: Formatters): CellView {
  if (cell === undefined) return { kind: 'none', label: f.t('reports.cell.notRequired'), detail: '' };
  if (cell === 'filtered') return { kind: 'filtered', label: f.t('reports.cell.filtered'), detail: '' };
  const label = f.t(`reports.status.${cell.status}`);
  const date = (d: Date | null) => (d ? f.shortDate(d) : '');
  let detail = '';
  switch (cell.status) {
    case 'completed':
      detail = date(cell.completedAt);
      break;
    case 'in_progress':
      detail = f.t('reports.cell.percent', { percent: f.formatNumber(cell.percent) });
      if (cell.dueAt) detail += ` · ${f.t('reports.cell.due', { date: date(cell.dueAt) })}`;
      break;
    case 'not_started':
      detail = cell.dueAt ? f.t('reports.cell.due', { date: date(cell.dueAt) }) : '';
      break;
    case 'overdue':
      detail = cell.dueAt ? f.t('reports.cell.dueWas', { date: date(cell.dueAt) }) : '';
      break;
    case 'expired':
    case 'expiring_soon':
      detail = cell.expiresAt ? f.t(cell.status === 'expired' ? 'reports.cell.expiredOn' : 'reports.cell.expiresOn', { date: date(cell.expiresAt) }) : '';
      break;
  }
  return { kind: 'cell', status: cell.status, icon: STATUS_ICONS[cell.status], label, detail };
}

/** The filters as typed values for the form (strings), from the query as given. */
export interface FilterValues {
  unit: string;
  course: string[];
  status: string[];
  dateField: string;
  from: string;
  to: string;
  sort: string;
  dir: string;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').flatMap((x) => x.split(',')).filter(Boolean);
const one = (v: unknown): string => (typeof v === 'string' ? v : '');

export function filterValues(query: Record<string, unknown>): FilterValues {
  return {
    unit: one(query.unit), course: list(query.course), status: list(query.status), dateField: one(query.dateField) || 'due',
    from: one(query.from), to: one(query.to), sort: one(query.sort) || 'name', dir: one(query.dir) || 'asc',
  };
}

/** The query string of these values (the page's links keep the filters), with changes. */
export function queryOf(v: FilterValues, change: Partial<FilterValues> & { page?: number } = {}): string {
  const all = { ...v, ...change };
  const p = new URLSearchParams();
  if (all.unit) p.set('unit', all.unit);
  for (const c of all.course) p.append('course', c);
  for (const s of all.status) p.append('status', s);
  if (all.from || all.to) p.set('dateField', all.dateField);
  if (all.from) p.set('from', all.from);
  if (all.to) p.set('to', all.to);
  if (all.sort !== 'name') p.set('sort', all.sort);
  if (all.dir !== 'asc') p.set('dir', all.dir);
  if (change.page && change.page > 1) p.set('page', String(change.page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The page numbers to link: the first, the last, and two either side of the current one. */
export function pageLinks(page: number, pages: number): (number | null)[] {
  const want = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...want].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i && p - sorted[i - 1]! > 1) out.push(null);
    out.push(p);
  });
  return out;
}

/** aria-sort for a column header. */
export function ariaSort(sort: ReportSort, key: SortKey): 'ascending' | 'descending' | undefined {
  return sort.by === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;
}

/** The matrix's rows as the view shows them. */
export function matrixView(page: ReportPage, f: Formatters) {
  return page.people.map((p) => ({
    userId: p.userId, displayName: p.displayName, email: p.email, unitName: p.unitName ?? f.t('reports.noUnit'),
    cells: page.courses.map((c) => cellView(p.cells[c.courseId], f)),
  }));
}

/** The filters in words (for the PDF and the page's heading), one line each. */
export function describeFilters(filters: ReportFilters, names: { unit: string | null; courses: string[] }, f: Formatters): string[] {
  const lines: string[] = [];
  if (filters.unitId !== undefined) lines.push(f.t('reports.describe.unit', { unit: names.unit ?? f.t('reports.noUnit') }));
  if (filters.courseIds) lines.push(f.t('reports.describe.courses', { courses: names.courses.join(', ') }));
  if (filters.statuses) lines.push(f.t('reports.describe.statuses', { statuses: filters.statuses.map((s) => f.t(`reports.status.${s}`)).join(', ') }));
  if (filters.from || filters.to) {
    const last = filters.to ? new Date(filters.to.getTime() - 1) : null;
    lines.push(f.t(filters.dateField === 'completed' ? 'reports.describe.completedBetween' : 'reports.describe.dueBetween', {
      from: filters.from ? f.shortDate(filters.from) : '…', to: last ? f.shortDate(last) : '…',
    }));
  }
  return lines;
}

// A report's query string, read strictly: every value that means nothing (an unknown status, a
// date that is not a day, `to` before `from`, page -1) is named as a problem with a translation key,
// all at once, so the page can say what to fix and the API can answer a problem document. Which
// units and courses exist is the service's to check (they depend on the organization).
import { REQUIREMENT_STATUSES, type RequirementStatus } from '../organizations/requirements';
import { SORT_KEYS, type FilterProblem, type ReportSort, type SortKey } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_VALUES = 50;

/** The query as typed, before units and courses are looked up. */
export interface ParsedQuery {
  /** A unit id, 'none' (in no unit), or undefined (everyone). */
  unit?: number | 'none';
  /** Course ids or slugs, as typed. */
  courses?: (number | string)[];
  statuses?: RequirementStatus[];
  dateField: 'due' | 'completed';
  from?: Date;
  /** Exclusive: the start of the day after the `to` typed. */
  to?: Date;
  sort: ReportSort;
  page: number;
}

/** The values of a query parameter: repeated, comma-separated, or both; blanks dropped. */
function values(raw: unknown): string[] | null {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => typeof v === 'string')) return null;
  return (list as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** One value at most. */
function single(raw: unknown): string | null | undefined {
  const list = values(raw);
  if (list === null || list.length > 1) return null;
  return list[0];
}

/** A calendar day YYYY-MM-DD that exists (2026-02-30 does not), as its first instant in UTC. */
export function parseDay(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : d;
}

export function parseReportQuery(query: Record<string, unknown>): { ok: true; value: ParsedQuery } | { ok: false; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const problem = (field: FilterProblem['field'], key: string) => problems.push({ field, key: `reports.problems.${key}` });
  const out: ParsedQuery = { dateField: 'due', sort: { by: 'name', dir: 'asc' }, page: 1 };

  const unit = single(query.unit);
  if (unit === null || (unit !== undefined && unit !== 'none' && !/^\d{1,9}$/.test(unit))) problem('unit', 'unit');
  else if (unit) out.unit = unit === 'none' ? 'none' : Number(unit);

  const courses = values(query.course);
  if (courses === null || courses.length > MAX_VALUES || courses.some((c) => !/^(\d{1,9}|[a-z0-9-]{1,100})$/.test(c))) problem('course', 'course');
  else if (courses.length) out.courses = [...new Set(courses.map((c) => (/^\d+$/.test(c) ? Number(c) : c)))];

  const statuses = values(query.status);
  if (statuses === null || statuses.some((s) => !(REQUIREMENT_STATUSES as readonly string[]).includes(s))) problem('status', 'status');
  else if (statuses.length) out.statuses = [...new Set(statuses as RequirementStatus[])];

  const dateField = single(query.dateField);
  if (dateField === null || (dateField !== undefined && dateField !== 'due' && dateField !== 'completed')) problem('dateField', 'dateField');
  else if (dateField) out.dateField = dateField;

  const from = single(query.from);
  const to = single(query.to);
  const fromDay = from ? parseDay(from) : undefined;
  const toDay = to ? parseDay(to) : undefined;
  if (from === null || fromDay === null) problem('from', 'date');
  else if (fromDay) out.from = fromDay;
  if (to === null || toDay === null) problem('to', 'date');
  else if (toDay) out.to = new Date(toDay.getTime() + DAY_MS);
  if (fromDay && toDay && toDay < fromDay) problem('to', 'toBeforeFrom');

  const sort = single(query.sort);
  if (sort === null || (sort !== undefined && !(SORT_KEYS as readonly string[]).includes(sort))) problem('sort', 'sort');
  else if (sort) out.sort.by = sort as SortKey;
  const dir = single(query.dir);
  if (dir === null || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) problem('dir', 'dir');
  else if (dir) out.sort.dir = dir;

  const page = single(query.page);
  if (page === null || (page !== undefined && !/^[1-9]\d{0,5}$/.test(page))) problem('page', 'page');
  else if (page) out.page = Number(page);

  return problems.length ? { ok: false, problems } : { ok: true, value: out };
}

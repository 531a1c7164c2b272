// GET /api/v1/completions: where each learner stands in each course the organization requires of
// them, from the same report service (src/reports/) and the same rules as the completion matrix
// managers see, so the API and the page give the same numbers. JSON pages with a cursor, or the
// whole filtered report as CSV streamed row by row (`Accept: text/csv` or `?format=csv`).
// This file: the parameters, their translation to the report's filters, and the rows' shapes.
import type { Response } from 'express';
import { z } from 'zod';
import { REQUIREMENT_STATUSES } from '../organizations/requirements';
import type { ReportService } from '../reports/service';
import type { ReportFilters, ReportRow } from '../reports/types';
import { HttpError } from '../http/errors';
import { BOM, csvLine, writeLines } from '../reports/csv';
import type { CursorKey } from './paging';
import { cursorParameter, enumParameter, invalidParameter, learnerParameter, limitParameter, sinceParameter, unitParameter, type ParameterSpec } from './query';
import type { CompletionOut } from './schemas';

const STATUS_LIST = new RegExp(`^(${REQUIREMENT_STATUSES.join('|')})(,(${REQUIREMENT_STATUSES.join('|')}))*$`);
const COURSE_LIST = /^([0-9]{1,9}|[a-z0-9][a-z0-9-]{0,99})(,([0-9]{1,9}|[a-z0-9][a-z0-9-]{0,99})){0,49}$/;

export const completionFilters: readonly ParameterSpec[] = [
  { name: 'course', description: 'Only these courses the organization requires: ids or slugs, comma-separated.', schema: z.string().regex(COURSE_LIST) },
  unitParameter,
  { name: 'status', description: `Only these statuses, comma-separated: ${REQUIREMENT_STATUSES.map((s) => `\`${s}\``).join(', ')}.`, schema: z.string().regex(STATUS_LIST) },
  learnerParameter,
  {
    ...sinceParameter('updated_since', 'rows whose learner was active in the course or completed it'),
    description: 'Only rows whose learner was active in the course (or completed it) at or after this time: an ISO 8601 date '
      + '(`2026-01-31`, midnight UTC) or date and time with an offset (`2026-01-31T08:00:00Z`). A status that changes only because time '
      + 'passes (a due date or an expiry going by) is not activity: to follow those, read `status=overdue,expired,expiring_soon` in full.',
  },
];

export const formatParameter = enumParameter('format', ['json', 'csv'], 'The format: `json` (pages, the default) or `csv` (the whole filtered report, streamed). `Accept: text/csv` also asks for CSV.');

export const completionParameters: readonly ParameterSpec[] = [...completionFilters, formatParameter, limitParameter, cursorParameter];

/** The report service's filters for the query's, checked against the organization (its units, its required courses). */
export async function reportFilters(reports: Pick<ReportService, 'filtersFrom'>, organizationId: number, q: Record<string, unknown>, raw: Record<string, unknown>): Promise<ReportFilters> {
  const unit = q.unit === undefined ? undefined : q.unit === null ? 'none' : String(q.unit);
  const result = await reports.filtersFrom(organizationId, { unit, course: raw.course, status: raw.status });
  if (result.ok) return result.filters;
  const field = result.problems[0].field;
  throw field === 'unit' ? invalidParameter('unit', 'noSuchUnit') : field === 'course' ? invalidParameter('course', 'notRequiredCourse') : invalidParameter(field);
}

/** The rows a request keeps beyond the report's own filters: one learner, recent activity. */
export function rowFilter(q: Record<string, unknown>): (r: ReportRow) => boolean {
  const learner = q.learner as number | undefined;
  const since = (q.updated_since as Date | undefined)?.getTime();
  return (r) => (learner === undefined || r.userId === learner)
    && (since === undefined || (r.lastActivityAt?.getTime() ?? -Infinity) >= since || (r.completedAt?.getTime() ?? -Infinity) >= since);
}

/**
 * Where the report's rows start, in id order: after the cursor's cell, and for one learner not
 * before their first cell (2147483647: past any course id; a bigger number does not fit
 * PostgreSQL's integer the id is compared with).
 */
export function startAfter(q: Record<string, unknown>, cursor: CursorKey | null): { userId: number; courseId: number } | undefined {
  const candidates: { userId: number; courseId: number }[] = [];
  if (cursor) candidates.push({ userId: Number(cursor[0]), courseId: Number(cursor[1]) });
  if (typeof q.learner === 'number') candidates.push({ userId: q.learner - 1, courseId: 2147483647 });
  return candidates.sort((a, b) => b.userId - a.userId || b.courseId - a.courseId)[0];
}

export function presentCompletion(r: ReportRow): CompletionOut {
  return {
    learner: { id: r.userId, name: r.displayName, email: r.email },
    unit: r.unitId === null ? null : { id: r.unitId, name: r.unitName ?? '' },
    course: { id: r.courseId, slug: r.courseSlug, title: r.courseTitle },
    status: r.status,
    percent: Math.round(r.percent),
    dueAt: r.dueAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
  };
}

export const CSV_HEADER = ['learner_id', 'learner_name', 'email', 'unit_id', 'unit', 'course_id', 'course_slug', 'course', 'status', 'percent', 'due_at', 'completed_at', 'expires_at'];

function csvCells(r: ReportRow): (string | number | null)[] {
  return [r.userId, r.displayName, r.email, r.unitId, r.unitName, r.courseId, r.courseSlug, r.courseTitle, r.status, Math.round(r.percent),
    r.dueAt?.toISOString() ?? null, r.completedAt?.toISOString() ?? null, r.expiresAt?.toISOString() ?? null];
}

/**
 * Writes the rows as CSV as they come, with the report's own CSV writer (the same quoting and
 * formula neutralization as the managers' export; waits for the client to take each chunk, and
 * stops reading when the client goes away). The columns are for programs: ids, stable status
 * codes and ISO 8601 instants, where the managers' export has words in their language.
 */
export async function streamCsv(res: Response, rows: AsyncIterable<ReportRow>): Promise<void> {
  res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="completions.csv"');
  async function* lines(): AsyncGenerator<string> {
    yield BOM + csvLine(CSV_HEADER);
    for await (const r of rows) yield csvLine(csvCells(r));
  }
  if (await writeLines(res, lines())) res.end();
}

/** CSV asked for by `format`, else by the Accept header (JSON by default). */
export function wantsCsv(format: unknown, accepts: (types: string[]) => string | false): boolean {
  if (format !== undefined) return format === 'csv';
  return accepts(['application/json', 'text/csv']) === 'text/csv';
}

/** Paging parameters make no sense for the whole report as one CSV. */
export function refusePagingWithCsv(q: Record<string, unknown>): void {
  for (const name of ['limit', 'cursor']) if (q[name] !== undefined) throw new HttpError(400, 'invalid_parameter', { key: 'api.parameters.notWithCsv', params: { parameter: name } });
}

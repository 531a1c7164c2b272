// Organization reports: the completion matrix, its summary figures and charts' data, and the same
// cells as rows streamed for CSV and the API. Plain values in, plain values out; no req/res.
//
// THE SERVICE API (services.reports; types in src/reports/types.ts). Every method takes the
// organization's id and trusts it: the caller has already asked the tenant check
// (src/reports/policy.ts: canReport(user, 'view', { id: orgId })).
//
//   reports.filtersFrom(orgId: number, query: Record<string, unknown>):
//     Promise<{ ok: true; filters: ReportFilters; sort: ReportSort; page: number }
//           | { ok: false; problems: FilterProblem[] }>
//     Parses a query string's values (all optional; '' is absent):
//       unit      a unit id of THIS organization, or 'none' (people in no unit)
//       course    a course id or slug the organization requires; repeated or comma-separated
//       status    one or more of REQUIREMENT_STATUSES (overdue, expired, expiring_soon,
//                 in_progress, not_started, completed); repeated or comma-separated
//       dateField 'due' (default) or 'completed': which date from/to apply to
//       from, to  YYYY-MM-DD (UTC days, both inclusive); to >= from
//       sort      name (default) | unit | status | due;  dir  asc (default) | desc
//       page      a positive integer (default 1)
//     Another organization's unit, an unknown course, a bad date... come back as problems (field
//     + translation key), never as an exception: the page shows a 400, the API a problem document.
//
//   reports.courses(orgId: number): Promise<ReportCourse[]>
//     The published courses the organization requires (the matrix's columns), by title.
//
//   reports.summary(orgId: number, filters: ReportFilters): Promise<ReportSummary>
//     People, required cells, counts by status, completion rate, overdue, expired, expiring soon,
//     figures by unit and completions by month, over the cells the filters keep.
//
//   reports.page(orgId: number, filters: ReportFilters, sort: ReportSort,
//                page: { number: number; size?: number /* default 50 */ }): Promise<ReportPage>
//     One page of people (each with their cells by course id) and the summary, from one pass.
//
//   reports.rows(orgId: number, filters: ReportFilters,
//                options?: { order?: 'name' | 'id'; after?: { userId: number; courseId: number } }):
//     AsyncIterable<ReportRow>
//     Every cell the filters keep, one row per (member, required course), yielded as read: the
//     people are listed first, then their facts are read 500 people at a time (a few indexed
//     queries per part, store.ts), so memory holds one part whatever the size.
//     order 'name' (default): by person's name, then course title; 'id': by user id then course
//     id, and `after` resumes after that cell (a cursor for API paging; only with order 'id').
//     Stop early with `break`: the connection is released.
//
//   reports.certificates(orgId: number, filters: ReportFilters, limit: number):
//     Promise<{ certificateId: number; person: { userId, displayName, email, unitName, role } }[]>
//     The certificates that count for the report's cells (not revoked), by name, at most
//     limit + 1 (so the caller knows there are more): the certificates zip.
//
// Statuses come from the same pure rules a learner's dashboard uses (organizations/requirements.ts).
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CurriculumService } from '../curriculum/service';
import type { OrganizationService } from '../organizations/service';
import type { AssignmentView } from '../organizations/assignments';
import { keeps, memberOfRows, toReportRow, type CellRow, type CourseContext, type PersonInfo } from './cells';
import { parseReportQuery } from './filters';
import { createMatrix, PAGE_SIZE, setCell } from './matrix';
import { visitOutcomes } from './outcome-pass';
import { keepsOutcome, outcomeFilter, type CellOutcome } from './outcomes';
import { COL, people, readFacts, type CourseSpec } from './store';
import { createSummary } from './summary';
import type { FilterProblem, ReportCourse, ReportFilters, ReportPage, ReportRow, ReportSort, ReportSummary } from './types';

export interface ReportDeps {
  db: Db;
  clock: Clock;
  organizations: OrganizationService;
  curriculum: CurriculumService;
}

/** People whose cells an ordered read takes at a time: a few thousand rows, a few milliseconds. */
const PEOPLE_PER_READ = 500;
/** Rows an ordered read gives between two turns of the event loop (other requests, socket writes). */
const YIELD_EVERY = 1000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
/** By name, as the matrix sorts (the same in both databases, whatever their collation). */
const byName = (a: PersonInfo, b: PersonInfo) => collator.compare(a.displayName, b.displayName) || collator.compare(a.email, b.email);

export type FiltersResult = { ok: true; filters: ReportFilters; sort: ReportSort; page: number } | { ok: false; problems: FilterProblem[] };

export interface RowOptions {
  order?: 'name' | 'id';
  after?: { userId: number; courseId: number };
}

export function createReportService({ db, clock, organizations, curriculum }: ReportDeps) {
  /**
   * The courses the organization requires that can be taken (published), by title, each with its
   * current modules, its refresher and the assignments requiring it.
   */
  async function requiredCourses(organizationId: number): Promise<{ context: CourseContext; spec: CourseSpec }[]> {
    const [assignments, catalog] = await Promise.all([organizations.assignments.list(organizationId), curriculum.catalog()]);
    const idOf = new Map(catalog.map((c) => [c.course.slug, c.courseId]));
    const byCourse = new Map<number, AssignmentView[]>();
    for (const a of assignments) byCourse.set(a.courseId, [...(byCourse.get(a.courseId) ?? []), a]);
    return catalog
      .filter((c) => byCourse.has(c.courseId))
      .map((c) => ({
        context: { courseId: c.courseId, slug: c.course.slug, title: c.course.title, modules: c.course.modules.length, assignments: byCourse.get(c.courseId)! },
        spec: {
          courseId: c.courseId, moduleKeys: c.course.modules.map((m) => m.key),
          refresherId: c.course.refresher ? idOf.get(c.course.refresher) ?? null : null,
        },
      }))
      .sort((a, b) => a.context.title.localeCompare(b.context.title) || a.context.courseId - b.context.courseId);
  }

  /** A cell and whether the status and date filters keep it. */
  type Visit = (row: CellRow, kept: boolean) => void;

  /** What a read of cells needs, worked out once per report. */
  interface CellSource {
    specs: CourseSpec[];
    contexts: Map<number, CourseContext>;
    /** The required courses in the matrix's column order. */
    courseIds: number[];
    /** Being read while the cells are (on PostgreSQL, side by side): await it before use. */
    names: Promise<Map<number, PersonInfo>>;
    now: Date;
  }

  async function cellSource(organizationId: number, filters: ReportFilters): Promise<CellSource | null> {
    const required = (await requiredCourses(organizationId)).filter((c) => !filters.courseIds || filters.courseIds.includes(c.context.courseId));
    if (!required.length) return null;
    return {
      specs: required.map((c) => c.spec),
      contexts: new Map(required.map((c) => [c.context.courseId, c.context])),
      courseIds: required.map((c) => c.context.courseId),
      names: people(db, organizationId, filters.unitId),
      now: clock.now(),
    };
  }

  /**
   * Every cell of the given people (all the unit filter keeps when `userIds` is absent), in no
   * order, each passed to `visit` with whether the status and date filters keep it. One read of
   * the facts (store.ts readFacts: a few plain queries joined in memory), then a synchronous pass:
   * 100,000 cells through an async generator cost a promise and a wrapper object each, about a
   * tenth of the matrix's time and much of its garbage.
   */
  async function visitCells(organizationId: number, filters: ReportFilters, src: CellSource, o: { percent: boolean; userIds?: number[] }, visit: Visit): Promise<void> {
    const member = memberOfRows();
    const names = await src.names;
    await readFacts(db, { organizationId, courses: src.specs, unitId: filters.unitId, percent: o.percent, userIds: o.userIds }, (r) => {
      const person = names.get(Number(r[COL.userId]));
      // Someone who joined after the names were read is in the next report.
      if (!person) return;
      const row = toReportRow(r, person, src.contexts.get(Number(r[COL.courseId]))!, src.now, member(r));
      if (row) visit(row, keeps(row, filters));
    });
  }

  /**
   * Every cell's outcome (status, due and completion dates: outcomes.ts) that the unit and course
   * filters allow, in no order, with whether the status and date filters keep it: what the matrix's
   * sorting and the summary need, without the cells' rows (outcome-pass.ts).
   */
  async function visitAllOutcomes(organizationId: number, filters: ReportFilters, src: CellSource,
    visit: (userId: number, unitId: number | null, person: PersonInfo, o: CellOutcome, kept: boolean) => void): Promise<void> {
    const filter = outcomeFilter(filters);
    await visitOutcomes(db, { organizationId, unitId: filters.unitId, courses: src.specs, contexts: src.contexts, names: src.names, now: src.now },
      (userId, unitId, person, _courseId, o) => visit(userId, unitId, person, o, keepsOutcome(o, filter)));
  }

  /**
   * Every cell the unit and course filters allow, in order ('name' or 'id', for exports and the
   * API), each with whether the status and date filters keep it. The people are listed in that
   * order first (a few fields each), then their cells are read PEOPLE_PER_READ people at a time
   * and put in order in memory, so the first row comes after one small read, not after the
   * database has sorted 100,000 rows, and memory holds one part at a time.
   */
  async function* orderedCells(organizationId: number, filters: ReportFilters, o: { order: 'id' | 'name'; after?: RowOptions['after']; percent: boolean }): AsyncGenerator<{ row: CellRow; kept: boolean }> {
    const src = await cellSource(organizationId, filters);
    if (!src) return;
    const names = await src.names;
    let ids = [...names.keys()];
    if (o.order === 'name') ids.sort((a, b) => byName(names.get(a)!, names.get(b)!) || a - b);
    else ids.sort((a, b) => a - b);
    if (o.after) ids = ids.filter((id) => id >= o.after!.userId);
    const coursePosition = new Map(src.courseIds.map((id, i) => [id, o.order === 'name' ? i : id]));
    for (let i = 0; i < ids.length; i += PEOPLE_PER_READ) {
      const part = ids.slice(i, i + PEOPLE_PER_READ);
      const position = new Map(part.map((id, n) => [id, n]));
      const cellsOfPart: { row: CellRow; kept: boolean }[] = [];
      await visitCells(organizationId, filters, src, { percent: o.percent, userIds: part }, (row, kept) => {
        if (o.after && row.userId === o.after.userId && row.courseId <= o.after.courseId) return;
        cellsOfPart.push({ row, kept });
      });
      cellsOfPart.sort((a, b) => position.get(a.row.userId)! - position.get(b.row.userId)! || coursePosition.get(a.row.courseId)! - coursePosition.get(b.row.courseId)!);
      for (let n = 0; n < cellsOfPart.length; n += YIELD_EVERY) {
        // SQLite's reads are synchronous and a consumer's writes rarely wait: without a turn of the
        // event loop now and then, an export's first bytes would leave only once it is nearly done.
        await nextTurn();
        yield* cellsOfPart.slice(n, n + YIELD_EVERY);
      }
    }
  }

  return {
    async filtersFrom(organizationId: number, query: Record<string, unknown>): Promise<FiltersResult> {
      const parsed = parseReportQuery(query);
      if (!parsed.ok) return parsed;
      const q = parsed.value;
      const problems: FilterProblem[] = [];
      const filters: ReportFilters = { dateField: q.dateField, from: q.from, to: q.to, statuses: q.statuses };
      if (q.unit === 'none') filters.unitId = null;
      else if (q.unit !== undefined) {
        // Another organization's unit is, here, no unit at all.
        if ((await organizations.units(organizationId)).some((u) => u.id === q.unit)) filters.unitId = q.unit;
        else problems.push({ field: 'unit', key: 'reports.problems.unit' });
      }
      if (q.courses) {
        const courses = (await requiredCourses(organizationId)).map((c) => c.context);
        const ids = q.courses.map((typed) => courses.find((c) => c.courseId === typed || c.slug === typed)?.courseId);
        if (ids.some((id) => id === undefined)) problems.push({ field: 'course', key: 'reports.problems.course' });
        else filters.courseIds = ids as number[];
      }
      return problems.length ? { ok: false, problems } : { ok: true, filters, sort: q.sort, page: q.page };
    },

    async courses(organizationId: number): Promise<ReportCourse[]> {
      return (await requiredCourses(organizationId)).map(({ context: c }) => ({ courseId: c.courseId, slug: c.slug, title: c.title }));
    },

    async summary(organizationId: number, filters: ReportFilters): Promise<ReportSummary> {
      const summary = createSummary(filters, clock.now());
      const src = await cellSource(organizationId, filters);
      if (src) await visitAllOutcomes(organizationId, filters, src, (userId, unitId, person, o, kept) => kept && summary.add(userId, unitId, person.unitName, o.status, o.completedAt));
      return summary.result();
    },

    async page(organizationId: number, filters: ReportFilters, sort: ReportSort, page: { number: number; size?: number }): Promise<ReportPage> {
      const summary = createSummary(filters, clock.now());
      const matrix = createMatrix();
      const src = await cellSource(organizationId, filters);
      if (src) {
        await visitAllOutcomes(organizationId, filters, src, (userId, unitId, person, o, kept) => {
          matrix.add(userId, unitId, person, o.status, o.dueAt, kept);
          if (kept) summary.add(userId, unitId, person.unitName, o.status, o.completedAt);
        });
      }
      const size = page.size ?? PAGE_SIZE;
      const shown = matrix.page(sort, page.number, size);
      // The cells of the people shown, with percent (the costliest read: see store.ts), from a
      // second, small read.
      const byUser = new Map(shown.people.map((p) => [p.userId, p]));
      if (src && byUser.size) {
        await visitCells(organizationId, filters, src, { percent: true, userIds: [...byUser.keys()] }, (row, kept) => {
          const person = byUser.get(row.userId);
          if (person) setCell(person, row, kept);
        });
      }
      // The columns: the required courses the filters keep, as cellSource found them (by title).
      const courses = src ? src.courseIds.map((id) => src.contexts.get(id)!).map((c) => ({ courseId: c.courseId, slug: c.slug, title: c.title })) : [];
      return { courses, ...shown, pageSize: size, summary: summary.result() };
    },

    async *rows(organizationId: number, filters: ReportFilters, options: RowOptions = {}): AsyncGenerator<ReportRow> {
      if (options.after && options.order !== 'id') throw new Error('reports.rows: `after` needs order "id"');
      for await (const { row, kept } of orderedCells(organizationId, filters, { order: options.order ?? 'name', after: options.after, percent: true })) {
        if (!kept) continue;
        const { certificateId: _certificateId, ...out } = row;
        yield out;
      }
    },

    /**
     * The certificates that count for the report's cells (not revoked), with their holders, by
     * name: at most `limit` + 1 of them (so the caller knows there are more), for the zip.
     */
    async certificates(organizationId: number, filters: ReportFilters, limit: number): Promise<{ certificateId: number; person: PersonInfo & { userId: number } }[]> {
      const out: { certificateId: number; person: PersonInfo & { userId: number } }[] = [];
      for await (const { row, kept } of orderedCells(organizationId, filters, { order: 'name', percent: false })) {
        if (kept && row.certificateId !== null) {
          out.push({ certificateId: row.certificateId, person: { userId: row.userId, displayName: row.displayName, email: row.email, unitName: row.unitName, role: row.role } });
        }
        if (out.length > limit) break;
      }
      return out;
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

// Everything Bridgework holds about a person, for them to download: walked from the registry, so a
// table added with its entry is in the download without a change here. Each table gives the
// person's rows (found by its holder column), with the columns the registry marks `export`:
// secrets (password hash, token hashes, session data) and other people's data are left out.
// Survey answers and evaluations carry no user id: they are found by computing the person's
// pseudonyms, as an organization's report does, and shown without the pseudonym.
import type { Db } from '../db/knex';
import type { AssessmentRecords } from '../learning/records';
import { PRIVACY_REGISTRY } from './registry';
import * as store from './store';

export type ExportValue = string | number | boolean | null;
export type ExportRow = Record<string, ExportValue>;

export interface PersonalExport {
  /** When it was made (ISO 8601). */
  generatedAt: string;
  /** Table name → the person's rows, in a stable order; only tables where they have rows. */
  tables: Record<string, ExportRow[]>;
}

function plain(value: unknown): ExportValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return null;
  return String(value);
}

/** Dates as SQLite keeps them (epoch ms in a timestamp column) are shown as dates too. */
/** Every web address in a text replaced by a note (registry.ts: `export-without-links`). */
export const LINK_REMOVED = '[link left out of this download]';
export function linksRemoved(value: ExportValue): ExportValue {
  return typeof value === 'string' ? value.replace(/https?:\/\/[^\s<>"']+/g, LINK_REMOVED) : value;
}

function dated(column: string, value: ExportValue): ExportValue {
  const isTime = /(_at|_on)$/.test(column) || column === 'at';
  if (isTime && typeof value === 'number' && value > 0) return new Date(value).toISOString();
  if (isTime && typeof value === 'string' && /^\d{10,}$/.test(value)) return new Date(Number(value)).toISOString();
  return value;
}

const SORT_KEYS = ['id', 'course_id', 'enrolment_id', 'module_key', 'reflection_id', 'at'];

export function createExporter({ db, records }: { db: Db; records?: Pick<AssessmentRecords, 'respondentsOf' | 'surveyResponses' | 'evaluations'> }) {
  async function surveyTables(userId: number, courseIds: number[]): Promise<Record<string, ExportRow[]>> {
    if (!records) return {};
    const surveys: ExportRow[] = [];
    const evaluations: ExportRow[] = [];
    for (const courseId of courseIds) {
      const mine = [...(await records.respondentsOf(courseId, [userId])).keys()];
      if (!mine.length) continue;
      for (const r of await records.surveyResponses(courseId, mine)) {
        surveys.push({ course_id: courseId, phase: r.phase, answered_on: r.answeredOn, answers: JSON.stringify(r.answers) });
      }
      const wanted = new Set(mine);
      for (const e of await records.evaluations(courseId)) {
        if (wanted.has(e.respondent)) evaluations.push({ course_id: courseId, answered_on: e.answeredOn, useful: e.useful, relevant: e.relevant, recommend: e.recommend, comment: e.comment });
      }
    }
    const out: Record<string, ExportRow[]> = {};
    if (surveys.length) out.survey_responses = surveys;
    if (evaluations.length) out.course_evaluations = evaluations;
    return out;
  }

  return {
    async collect(userId: number, now: Date): Promise<PersonalExport> {
      const tables: Record<string, ExportRow[]> = {};
      const email = await store.emailOf(db, userId);
      for (const [table, entry] of Object.entries(PRIVACY_REGISTRY)) {
        if (!entry.holder && !entry.emailColumn) continue;
        const columns = Object.entries(entry.columns).filter(([, c]) => c.export !== 'omit').map(([name]) => name);
        const withoutLinks = new Set(Object.entries(entry.columns).filter(([, c]) => c.export === 'export-without-links').map(([name]) => name));
        if (!columns.length) continue;
        // By the holder column where there is one (it already covers rows addressed to them), else by email.
        const rows = entry.holder
          ? await store.rowsOf(db, table, entry.holder, userId, columns)
          : email ? await store.rowsAddressedTo(db, table, entry.emailColumn!, email, columns) : [];
        if (!rows.length) continue;
        const sortKey = SORT_KEYS.find((k) => columns.includes(k));
        const value = (r: Record<string, unknown>, c: string) => (withoutLinks.has(c) ? linksRemoved(plain(r[c])) : dated(c, plain(r[c])));
        const out = rows.map((r) => Object.fromEntries(columns.map((c) => [c, value(r, c)])) as ExportRow);
        if (sortKey) out.sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey]), 'en', { numeric: true }));
        tables[table] = out;
      }
      const courseIds = [...new Set((tables.enrolments ?? []).map((e) => Number(e.course_id)))];
      Object.assign(tables, await surveyTables(userId, courseIds));
      return { generatedAt: now.toISOString(), tables };
    },
  };
}

export type Exporter = ReturnType<typeof createExporter>;

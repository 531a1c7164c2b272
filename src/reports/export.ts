// The report as CSV lines: one line per (member, required course), the same cells and statuses as
// the page. Dates are written as YYYY-MM-DD (UTC), which every spreadsheet reads as a date; the
// status both as words in the reader's language and as a stable code for HR systems.
import { REQUIREMENT_STATUSES } from '../organizations/requirements';
import { BOM, csvLine } from './csv';
import type { ReportRow } from './types';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');

export const CSV_COLUMNS = ['name', 'email', 'unit', 'course', 'status', 'statusCode', 'percent', 'due', 'completed', 'expires'] as const;

/** The first line: the BOM and the column names. */
export function csvHeader(t: Translate): string {
  return BOM + csvLine(CSV_COLUMNS.map((c) => t(`reports.csv.${c}`)));
}

/** The words a row needs, translated once rather than 100,000 times. */
export interface CsvWords {
  status: Record<string, string>;
  noUnit: string;
}

export function csvWords(t: Translate): CsvWords {
  const status: Record<string, string> = {};
  for (const s of REQUIREMENT_STATUSES) status[s] = t(`reports.status.${s}`);
  return { status, noUnit: t('reports.noUnit') };
}

export function csvRow(r: ReportRow, words: CsvWords): string {
  return csvLine([
    r.displayName, r.email, r.unitName ?? words.noUnit, r.courseTitle, words.status[r.status] ?? r.status, r.status,
    r.percent, day(r.dueAt), day(r.completedAt), day(r.expiresAt),
  ]);
}

/** Every row as a line (without the header). */
export async function* csvLines(rows: AsyncIterable<ReportRow>, t: Translate): AsyncGenerator<string> {
  const words = csvWords(t);
  for await (const r of rows) yield csvRow(r, words);
}

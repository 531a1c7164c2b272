/**
 * The report's printable summary, a tagged PDF: the organization, the filters, the figures, the
 * completion rate by unit, completions by month, and the people whose training is overdue or
 * expired (the list a coordinator takes to a meeting), at most MAX_LISTED of them.
 *
 * Set as the transcript is (certificates/transcript-pdf.ts), with the certificate's font chains
 * and layout, so every name that prints on a certificate prints here (BC Sans, then the fallback
 * fonts per grapheme cluster, right-to-left lines from the right); names, units and course titles
 * carry ActualText, so text extraction gives them exactly as written. A character no font has is
 * left out of the drawing, never drawn as a box. Nothing of reflections or answers.
 */
import { createFlowingPdf } from '../certificates/flowing-pdf';
import type { CertificateFonts } from '../certificates/fonts';
import type { Translate } from '../certificates/pdf';
import type { ReportRow, ReportSummary } from './types';

/** People listed as needing attention; the CSV has everyone. */
export const MAX_LISTED = 300;

export interface SummaryPdfInput {
  organizationName: string;
  /** The filters in words, one line each ("Unit: North"); empty when none. */
  filters: string[];
  generatedAt: Date;
  summary: ReportSummary;
  /** Overdue and expired cells, in the order to list them (at most MAX_LISTED + 1 to know there are more). */
  attention: ReportRow[];
  appName: string;
}

export async function renderSummaryPdf(fonts: CertificateFonts, input: SummaryPdfInput, t: Translate, locale: string): Promise<Buffer> {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const tr = (key: string, opts: Record<string, unknown> = {}) => t(key, { ...opts, interpolation: { escapeValue: false } });
  const s = input.summary;
  const title = tr('reports.pdf.title', { organization: input.organizationName });
  const pdf = createFlowingPdf(fonts, { title, author: input.appName, date: input.generatedAt, locale });
  const { block, asWritten, keepTogether: keepRoom, space } = pdf;

  asWritten('H1', 'bold', 20, title, 6);
  block('P', 'regular', 10, tr('reports.pdf.generated', { date: date.format(input.generatedAt) }), 4);
  for (const f of input.filters) asWritten('P', 'regular', 10, f, 2);
  if (!input.filters.length) block('P', 'regular', 10, tr('reports.pdf.noFilters'), 2);
  space(10);

  block('H2', 'bold', 14, tr('reports.summary.heading'), 4);
  const figures: [string, string][] = [
    [tr('reports.summary.people'), number.format(s.people)],
    [tr('reports.summary.required'), number.format(s.required)],
    [tr('reports.summary.completionRate'), percent.format(s.completionRate)],
    [tr('reports.summary.completed'), number.format(s.completed)],
    [tr('reports.summary.overdue'), number.format(s.overdue)],
    [tr('reports.summary.expired'), number.format(s.expired)],
    [tr('reports.summary.expiringSoon'), number.format(s.expiringSoon)],
    [tr('reports.summary.inProgress'), number.format(s.byStatus.in_progress)],
    [tr('reports.summary.notStarted'), number.format(s.byStatus.not_started)],
  ];
  for (const [label, value] of figures) block('P', 'regular', 11, `${label}: ${value}`, 1);
  space(10);

  keepRoom(80);
  block('H2', 'bold', 14, tr('reports.charts.unitsTitle'), 4);
  if (!s.byUnit.length) block('P', 'regular', 10, tr('reports.charts.empty'));
  for (const u of s.byUnit) {
    keepRoom(20);
    asWritten('P', 'regular', 10, tr('reports.pdf.unitLine', {
      unit: u.unitName ?? tr('reports.noUnit'), rate: percent.format(u.rate), completed: number.format(u.completed),
      required: number.format(u.required), overdue: number.format(u.overdue),
    }), 1);
  }
  space(10);

  keepRoom(80);
  block('H2', 'bold', 14, tr('reports.charts.monthsTitle'), 4);
  for (const m of s.byMonth) {
    keepRoom(20);
    block('P', 'regular', 10, `${month.format(new Date(`${m.month}-01T00:00:00Z`))}: ${number.format(m.completions)}`, 1);
  }
  space(10);

  keepRoom(80);
  block('H2', 'bold', 14, tr('reports.pdf.attention'), 4);
  if (!input.attention.length) block('P', 'regular', 10, tr('reports.pdf.attentionNone'));
  for (const r of input.attention.slice(0, MAX_LISTED)) {
    keepRoom(20);
    asWritten('P', 'regular', 10, tr('reports.pdf.attentionLine', {
      name: r.displayName, unit: r.unitName ?? tr('reports.noUnit'), course: r.courseTitle,
      status: tr(`reports.status.${r.status}`), due: r.dueAt ? date.format(r.dueAt) : '-',
    }), 1);
  }
  if (input.attention.length > MAX_LISTED) block('P', 'regular', 10, tr('reports.pdf.attentionMore', { max: number.format(MAX_LISTED) }));

  return pdf.finish();
}

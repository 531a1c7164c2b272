// The analytics pages' view models: figures as text in the reader's language, a suppressed figure
// as its words ("fewer than 5"), and the charts drawn from the same rows the tables show.
import { plainTextOf } from '../curriculum/blocks';
import type { ChangeReport, ChangeSection, GroupRow } from './change-report';
import { changeChart } from './change-chart';
import type { PairedChange } from './statistics';
import type { EvaluationReport } from './evaluation-report';
import type { ItemRow } from './item-analysis';

type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface Formats {
  t: Translate;
  lang: string;
}

function numbers(lang: string) {
  const one = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const points = new Intl.NumberFormat(lang, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const whole = new Intl.NumberFormat(lang);
  return { one, signed, percent, points, whole };
}

export interface StatsCells {
  label: string;
  /** Safe HTML of the item's statement, or null for an overall row. */
  html: string | null;
  reversed: boolean;
  n: string;
  pre: string;
  post: string;
  change: string;
  ci: string;
  hidden: boolean;
}

/** Attitude figures are points of agreement (1-5); knowledge figures are shares right (shown as %). */
type Kind = 'attitude' | 'knowledge';

function cells(f: Formats, kind: Kind, label: string, html: string | null, reversed: boolean, n: number | null, s: PairedChange | null): StatsCells {
  const fmt = numbers(f.lang);
  const hiddenText = f.t('analytics.fewerThan', { count: 5 });
  if (!s) return { label, html, reversed, n: n === null || n < 5 ? hiddenText : fmt.whole.format(n), pre: '', post: '', change: hiddenText, ci: '', hidden: true };
  const level = (x: number) => (kind === 'attitude' ? fmt.one.format(x) : fmt.percent.format(x));
  const delta = (x: number) => (kind === 'attitude' ? fmt.signed.format(x) : f.t('analytics.pointsChange', { value: fmt.points.format(x * 100) }));
  return {
    label, html, reversed, n: fmt.whole.format(s.n), pre: level(s.meanPre), post: level(s.meanPost), change: delta(s.change),
    ci: s.ciLow !== null && s.ciHigh !== null ? f.t('analytics.interval', { low: delta(s.ciLow), high: delta(s.ciHigh) }) : f.t('analytics.noInterval'),
    hidden: false,
  };
}

function section(f: Formats, kind: Kind, s: ChangeSection, id: string, pairs: number) {
  const fmt = numbers(f.lang);
  const overallLabel = f.t(`analytics.change.${kind}.overall`);
  const rows = [
    cells(f, kind, overallLabel, null, false, s.overall?.n ?? pairs, s.overall),
    ...s.items.map((i) => cells(f, kind, plainTextOf(i.item.textHtml), i.item.textHtml, i.item.reversed, i.n, i.stats)),
  ];
  const delta = (x: number) => (kind === 'attitude' ? fmt.signed.format(x) : f.t('analytics.pointsChange', { value: fmt.points.format(x * 100) }));
  const overall = s.overall;
  const chart = changeChart(id, [
    { label: overallLabel, stats: s.overall }, ...s.items.map((i) => ({ label: plainTextOf(i.item.textHtml), stats: i.stats })),
  ], {
    title: f.t(`analytics.change.${kind}.chartTitle`),
    desc: overall && overall.ciLow !== null && overall.ciHigh !== null
      ? f.t(`analytics.change.${kind}.chartDesc`, { change: delta(overall.change), low: delta(overall.ciLow), high: delta(overall.ciHigh), count: overall.n })
      : f.t('analytics.change.chartHidden'),
    hidden: f.t('analytics.fewerThan', { count: 5 }),
    value: delta,
    withInterval: (x, low, high) => `${delta(x)} (${f.t('analytics.interval', { low: delta(low), high: delta(high) })})`,
  }, kind === 'attitude' ? 1 : 100);
  return { rows, chart, any: s.items.length > 0 };
}

function groupCells(f: Formats, row: GroupRow) {
  const fmt = numbers(f.lang);
  const signed = (s: PairedChange | null, kind: Kind) => {
    if (!s) return '';
    const delta = (x: number) => (kind === 'attitude' ? fmt.signed.format(x) : f.t('analytics.pointsChange', { value: fmt.points.format(x * 100) }));
    return s.ciLow !== null && s.ciHigh !== null ? `${delta(s.change)} (${f.t('analytics.interval', { low: delta(s.ciLow), high: delta(s.ciHigh) })})` : delta(s.change);
  };
  const shown = row.suppression === null;
  return {
    label: row.label,
    n: shown ? fmt.whole.format(row.n!) : f.t('analytics.fewerThan', { count: 5 }),
    attitude: signed(row.attitude, 'attitude'),
    knowledge: signed(row.knowledge, 'knowledge'),
    suppression: row.suppression,
  };
}

export function changeView(report: ChangeReport, f: Formats, idPrefix = 'change') {
  const fmt = numbers(f.lang);
  return {
    pairs: report.shown ? fmt.whole.format(report.pairs) : f.t('analytics.fewerThan', { count: 5 }),
    shown: report.shown,
    attitude: section(f, 'attitude', report.attitude, `${idPrefix}-attitude`, report.pairs),
    knowledge: section(f, 'knowledge', report.knowledge, `${idPrefix}-knowledge`, report.pairs),
    breakdowns: report.shown ? report.breakdowns.map((b) => ({ name: b.name, rows: b.rows.map((r) => groupCells(f, r)) })) : [],
  };
}

export function itemsView(rows: ItemRow[], f: Formats) {
  const fmt = numbers(f.lang);
  return rows.map((r) => ({
    checkId: r.checkId, moduleTitle: r.moduleTitle, kind: r.kind, questionHtml: r.questionHtml,
    learners: r.learners,
    firstRight: r.firstRight === null ? f.t('analytics.fewerThan', { count: 5 }) : fmt.percent.format(r.firstRight),
    flag: r.flag,
    options: r.options?.map((o) => ({ html: o.html, correct: o.correct, chosen: fmt.whole.format(o.chosen), share: fmt.percent.format(o.share) })) ?? null,
    earlierWording: r.earlierWording,
  }));
}

export function evaluationView(report: EvaluationReport, f: Formats) {
  const fmt = numbers(f.lang);
  return {
    responses: report.shown ? fmt.whole.format(report.responses) : f.t('analytics.fewerThan', { count: 5 }),
    shown: report.shown,
    questions: report.questions.map((q) => ({
      question: q.question, answers: fmt.whole.format(q.answers), mean: q.mean === null ? '' : fmt.one.format(q.mean), counts: q.counts.map((c) => fmt.whole.format(c)),
    })),
    byPeriod: report.byPeriod.map((p) => ({
      period: p.period,
      n: p.n === null ? f.t('analytics.fewerThan', { count: 5 }) : fmt.whole.format(p.n),
      means: p.means.map((m) => (m === null ? '' : fmt.one.format(m))),
    })),
    comments: report.comments,
  };
}

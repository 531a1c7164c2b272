// The report's two charts, drawn on the server as SVG: completions by month (columns) and the
// completion rate by unit (bars). Each is an image to assistive technology (role="img" with its
// <title> and <desc>, the desc saying what the chart shows in words), every bar carries its value
// as text, and the page puts the same figures in a table beside it. No script, no colour alone.
import type { ReportSummary } from './types';
import { chartFrame, escapeXml, niceCeiling } from '../http/svg-chart';

type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface ChartWords {
  t: Translate;
  formatNumber: (n: number) => string;
  /** "Jan 2026" for "2026-01". */
  formatMonth: (month: string) => string;
  percent: (rate: number) => string;
}

export interface Chart {
  id: string;
  svg: string;
}

const INK = '#1f2328';
const BAR = '#1a4d7a';
const GRID = '#c9d1d9';

export function completionsByMonthChart(summary: ReportSummary, w: ChartWords): Chart {
  const id = 'chart-months';
  const months = summary.byMonth;
  const total = months.reduce((n, m) => n + m.completions, 0);
  const peak = months.reduce<{ month: string; completions: number } | null>((best, m) => (!best || m.completions > best.completions ? m : best), null);
  const title = w.t('reports.charts.monthsTitle');
  const desc = months.length
    ? w.t('reports.charts.monthsDesc', {
      from: w.formatMonth(months[0]!.month), to: w.formatMonth(months[months.length - 1]!.month), total: w.formatNumber(total),
      peak: peak && peak.completions ? w.formatMonth(peak.month) : '-', peakCount: w.formatNumber(peak?.completions ?? 0),
      interpolation: { escapeValue: false },
    })
    : w.t('reports.charts.empty');
  const width = 640;
  const height = 260;
  const left = 48;
  const bottom = 40;
  const top = 16;
  const plotH = height - top - bottom;
  const max = niceCeiling(peak?.completions ?? 0);
  const step = (width - left - 8) / Math.max(1, months.length);
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${y}" y2="${y}" stroke="${GRID}"/>`,
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="${INK}">${escapeXml(w.formatNumber(Math.round(max * f)))}</text>`);
  }
  months.forEach((m, i) => {
    const h = (m.completions / max) * plotH;
    const x = left + i * step + step * 0.15;
    const bw = step * 0.7;
    const label = `${w.formatMonth(m.month)}: ${w.formatNumber(m.completions)}`;
    parts.push(`<g><title>${escapeXml(label)}</title><rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${BAR}"/>`);
    if (m.completions) parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${(top + plotH - h - 3).toFixed(1)}" text-anchor="middle" fill="${INK}" font-size="10">${escapeXml(w.formatNumber(m.completions))}</text>`);
    parts.push('</g>');
    // Every other month's name when there are many: the table has them all.
    if (months.length <= 12 || i % Math.ceil(months.length / 12) === 0) {
      parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" fill="${INK}" font-size="10">${escapeXml(w.formatMonth(m.month))}</text>`);
    }
  });
  return { id, svg: chartFrame(id, width, height, title, desc, parts.join('')) };
}

export function completionByUnitChart(summary: ReportSummary, w: ChartWords): Chart {
  const id = 'chart-units';
  const units = summary.byUnit;
  const name = (u: (typeof units)[number]) => u.unitName ?? w.t('reports.noUnit');
  const title = w.t('reports.charts.unitsTitle');
  const best = units.reduce<(typeof units)[number] | null>((b, u) => (!b || u.rate > b.rate ? u : b), null);
  const worst = units.reduce<(typeof units)[number] | null>((b, u) => (!b || u.rate < b.rate ? u : b), null);
  const desc = units.length && best && worst
    ? w.t('reports.charts.unitsDesc', {
      count: units.length, best: name(best), bestRate: w.percent(best.rate), worst: name(worst), worstRate: w.percent(worst.rate),
      interpolation: { escapeValue: false },
    })
    : w.t('reports.charts.empty');
  const width = 640;
  const rowH = 26;
  const labelW = 200;
  const top = 8;
  const height = top + Math.max(1, units.length) * rowH + 24;
  const plotW = width - labelW - 60;
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const x = labelW + f * plotW;
    parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${height - 20}" stroke="${GRID}"/>`,
      `<text x="${x}" y="${height - 6}" text-anchor="middle" fill="${INK}" font-size="10">${escapeXml(w.percent(f))}</text>`);
  }
  units.forEach((u, i) => {
    const y = top + i * rowH;
    const bw = u.rate * plotW;
    const shortName = name(u).length > 30 ? `${name(u).slice(0, 29)}…` : name(u);
    parts.push(`<g><title>${escapeXml(`${name(u)}: ${w.percent(u.rate)}`)}</title>`,
      `<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" fill="${INK}">${escapeXml(shortName)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 8}" fill="${BAR}"/>`,
      `<text x="${(labelW + bw + 6).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="${INK}">${escapeXml(w.percent(u.rate))}</text></g>`);
  });
  return { id, svg: chartFrame(id, width, height, title, desc, parts.join('')) };
}

// The change chart: for the overall score and each item, the mean paired change as a dot with its
// 95% confidence interval as a line, around a line at zero (no change). Drawn on the server as SVG,
// an image to assistive technology (role="img" with a <title> and a <desc> that says the overall
// result in words); every row carries its value as text, and the page puts the same figures in a
// table beside it. Hidden rows (fewer than 5 pairs) are drawn as words, never as a dot.
import { chartFrame, escapeXml, niceCeiling } from '../http/svg-chart';
import type { PairedChange } from './statistics';

export interface ChartRow {
  label: string;
  stats: PairedChange | null;
}

export interface ChangeChartWords {
  title: string;
  desc: string;
  /** The words for a hidden row. */
  hidden: string;
  /** A change as text: "+0.8" or "+12 pts". */
  value: (x: number) => string;
  /** A change with its interval: "+0.8 (95% CI +0.5 to +1.1)". */
  withInterval: (x: number, low: number, high: number) => string;
}

const INK = '#1f2328';
const DOT = '#1a4d7a';
const GRID = '#c9d1d9';

/** `scale` turns a change into the unit drawn (1 for points of agreement, 100 for percentage points). */
export function changeChart(id: string, rows: readonly ChartRow[], words: ChangeChartWords, scale = 1): string {
  const values = rows.flatMap((r) => (r.stats ? [r.stats.change, r.stats.ciLow ?? r.stats.change, r.stats.ciHigh ?? r.stats.change] : [])).map((v) => v * scale);
  const extent = Math.max(scale, ...values.map((v) => Math.abs(v)));
  // About four steps across the axis, each a round number.
  const step = niceCeiling((2 * extent) / 4);
  const max = Math.ceil(extent / step) * step;
  const width = 700;
  const labelW = 220;
  const valueW = 210;
  const rowH = 28;
  const top = 10;
  const plotW = width - labelW - valueW;
  const height = top + Math.max(1, rows.length) * rowH + 28;
  const x = (v: number) => labelW + ((v + max) / (2 * max)) * plotW;
  const parts: string[] = [];
  for (let v = -max; v <= max + 1e-9; v += step) {
    const at = x(v).toFixed(1);
    parts.push(`<line x1="${at}" x2="${at}" y1="${top}" y2="${height - 22}" stroke="${GRID}"${Math.abs(v) < 1e-9 ? ' stroke-width="2" stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${at}" y="${height - 8}" text-anchor="middle" fill="${INK}" font-size="10">${escapeXml(Math.abs(v) < 1e-9 ? '0' : words.value(v / scale))}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    // The full words are in the row's <title> and in the table.
    const label = r.label.length > 32 ? `${r.label.slice(0, 31)}…` : r.label;
    parts.push(`<g><title>${escapeXml(r.label)}</title><text x="${labelW - 8}" y="${y + 4}" text-anchor="end" fill="${INK}">${escapeXml(label)}</text>`);
    if (r.stats) {
      const s = r.stats;
      if (s.ciLow !== null && s.ciHigh !== null) {
        parts.push(`<line x1="${x(s.ciLow * scale).toFixed(1)}" x2="${x(s.ciHigh * scale).toFixed(1)}" y1="${y}" y2="${y}" stroke="${DOT}" stroke-width="2"/>`);
      }
      parts.push(`<circle cx="${x(s.change * scale).toFixed(1)}" cy="${y}" r="5" fill="${DOT}"/>`,
        `<text x="${width - valueW + 8}" y="${y + 4}" fill="${INK}">${escapeXml(s.ciLow !== null && s.ciHigh !== null
          ? words.withInterval(s.change, s.ciLow, s.ciHigh) : words.value(s.change))}</text>`);
    } else {
      parts.push(`<text x="${x(0).toFixed(1)}" y="${y + 4}" text-anchor="middle" fill="${INK}" font-style="italic">${escapeXml(words.hidden)}</text>`);
    }
    parts.push('</g>');
  });
  return chartFrame(id, width, height, words.title, words.desc, parts.join(''));
}

/**
 * Setting the certificate's texts on the page: a text fitted to its box (see `fit` in
 * layout.ts) and drawn line by line, run by run, each run's shaped glyphs in its font on a
 * common baseline (showGlyphs in pdfkit-patches.ts); and a row of short texts separated by an
 * ornament. The layout is computed in layout.ts; this module turns it into drawing calls, in
 * the order that keeps the output the same for a record (pdfkit numbers fonts and objects in
 * the order they are first used).
 */
import { CertificateInputError, type CertificateInputReason } from './errors';
import { clustersOf, fit, fitInline, layLine, lineHeightOf, wrap, type ChainEntry, type Cluster, type Face, type FitBox, type FontChains, type LaidLine, type Shaper } from './layout';
import { registerParsedFont, showGlyphs } from './pdfkit-patches';
import { describeCluster } from './text-runs';

type Doc = PDFKit.PDFDocument;

/**
 * Where a fitted text goes. Horizontally centred on `centerX`. Vertically: a single line is
 * centred optically (cap height around the middle of the box), or stands on `baseline` when
 * given; wrapped text is centred by its line boxes; with `anchor: 'top'`, the first line box
 * starts at `top`.
 */
export type TextBox = FitBox & { top: number; centerX?: number; baseline?: number; anchor?: 'top' };

/** A short text of a row; `mark` puts its drawing into the structure tree. */
export type InlineRun = { text: string; face: Face; color: string; mark: (draw: () => void) => void };

export type Rect = { x: number; y: number; w: number; h: number };

export type Typesetter = {
  /**
   * Draw `text` in the face's font chain, fitted to `box`. Throws CertificateInputError:
   * `tooLong` when it does not fit at the least size, `unprintable` (default 'unprintable-text')
   * listing the characters no font can draw. Returns the lines drawn.
   */
  fittedText(
    text: string,
    face: Face,
    color: string,
    box: TextBox,
    tooLong: CertificateInputReason,
    options?: { characterSpacing?: number; unprintable?: CertificateInputReason },
  ): LaidLine[];
  /**
   * Short runs on one centred line, `separator` drawn in each gap; shrunk down to `minSize`, and
   * if they still do not fit, each on lines of its own. Returns each run's box (for link annotations).
   */
  inlineRuns(runs: InlineRun[], top: number, maxSize: number, minSize: number, separator: (x: number, y: number) => void): Rect[];
};

/** The clusters of `text` in the face's chain, or the typed refusal listing what cannot be printed. */
export function printableClusters(text: string, chain: readonly ChainEntry[], reason: CertificateInputReason): Cluster[] {
  const { clusters, unprintable } = clustersOf(text, chain);
  if (unprintable.length > 0) {
    throw new CertificateInputError(reason, `text has characters no certificate font can print: ${unprintable.map(describeCluster).join(', ')}`, unprintable);
  }
  return clusters;
}

/** Draws a laid-out line with its left edge at `left`, on `baseline`. */
export function drawLine(doc: Doc, line: LaidLine, left: number, baseline: number, color: string): void {
  for (const run of line.runs) {
    registerParsedFont(doc, run.entry.alias, run.entry.font);
    doc.font(run.entry.alias).fontSize(line.size).fillColor(color);
    showGlyphs(doc, run.glyphs, run.spacingAfter, left + run.x, baseline);
  }
}

export function typesetter(doc: Doc, chains: FontChains, shaper: Shaper, column: { centerX: number; left: number; width: number }): Typesetter {
  const fittedText: Typesetter['fittedText'] = (text, face, color, box, tooLong, options = {}) => {
    const spacing = options.characterSpacing ?? 0;
    const clusters = printableClusters(text, chains[face], options.unprintable ?? 'unprintable-text');
    const layout = fit(shaper, clusters, box, spacing, chains.regular[0]!);
    if (!layout) {
      const plain = clusters.map((c) => c.text).join('');
      throw new CertificateInputError(tooLong, `text does not fit on the certificate: ${plain.slice(0, 80)}…`);
    }
    const { size, lines } = layout;
    const middle = box.top + box.height / 2;
    const lineStep = layout.lineHeight * size;
    const firstBaseline =
      box.anchor === 'top'
        ? box.top + layout.ascent * size
        : layout.singleLine
          ? (box.baseline ?? middle + (chains[face][0]!.capHeight / 2) * size)
          : middle - (lines.length * lineStep) / 2 + layout.ascent * size;
    const centerX = box.centerX ?? column.centerX;
    return lines.map((clustersOfLine, i) => {
      const line = layLine(shaper, clustersOfLine, size, spacing);
      drawLine(doc, line, centerX - line.width / 2, firstBaseline + i * lineStep, color);
      return line;
    });
  };

  const inlineRuns: Typesetter['inlineRuns'] = (runs, top, maxSize, minSize, separator) => {
    const gap = 26;
    const texts = runs.map((r) => printableClusters(r.text, chains[r.face], 'unprintable-text'));
    const fitted = fitInline(shaper, texts, column.width, gap, maxSize, minSize);
    const size = fitted.size;
    const boxes: Rect[] = [];
    // pdfkit's line box for a run set in BC Sans (the fonts of a line share its baseline).
    const lineHeight = (s: number): number => lineHeightOf(chains.regular[0]!.font, s);
    const baselineBelow = (y: number, s: number): number => y + chains.regular[0]!.ascent * s;
    if (fitted.oneLine) {
      const lineH = lineHeight(size);
      let x = column.centerX - fitted.total / 2;
      runs.forEach((r, i) => {
        const left = x;
        const line = layLine(shaper, texts[i]!, size);
        r.mark(() => drawLine(doc, line, left, baselineBelow(top, size), r.color));
        boxes.push({ x: left, y: top, w: fitted.widths[i]!, h: lineH });
        x += fitted.widths[i]!;
        if (i < runs.length - 1) {
          separator(x + gap / 2, top + lineH * 0.56);
          x += gap;
        }
      });
    } else {
      // Each run on lines of its own, wrapped within the column and centred.
      let y = top;
      runs.forEach((r, i) => {
        const lines = wrap(shaper, texts[i]!, size, column.width, 0).map((l) => layLine(shaper, l, size));
        const lineTop = y;
        r.mark(() => lines.forEach((line, k) => drawLine(doc, line, column.centerX - line.width / 2, baselineBelow(lineTop + k * lineHeight(size), size), r.color)));
        const w = Math.min(column.width, Math.max(...lines.map((l) => l.width)));
        boxes.push({ x: column.centerX - w / 2, y: lineTop, w, h: lines.length * lineHeight(size) });
        y += lines.length * lineHeight(size);
      });
    }
    return boxes;
  };

  return { fittedText, inlineRuns };
}

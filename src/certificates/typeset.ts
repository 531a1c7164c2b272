/**
 * Setting the certificate's texts on the page: a text fitted to its box (see `fit` in
 * layout.ts) and drawn line by line, piece by piece, one `text()` call per font on a common
 * baseline; and a row of short texts separated by an ornament. The layout is computed in
 * layout.ts, with widths measured by the document (`documentMeasure`); this module turns it into
 * pdfkit calls, in the order that keeps the output the same for a record (pdfkit numbers fonts
 * and objects in the order they are first used).
 */
import { CertificateInputError, type CertificateInputReason } from './errors';
import { fit, fitInline, lineHeightOf, clustersOf, piecesOf, pieceWidth, type Face, type FitBox, type FontChains, type Measure } from './layout';
import { describeCluster } from './text-runs';

type Doc = PDFKit.PDFDocument;

/**
 * Where a fitted text goes. Horizontally centred on `centerX`. Vertically: a single line is
 * centred optically (cap height around the middle of the box), or stands on `baseline` when
 * given; wrapped text is centred by its line boxes; with `anchor: 'top'`, the first line box
 * starts at `top`.
 */
export type TextBox = FitBox & { top: number; centerX?: number; baseline?: number; anchor?: 'top' };

/** A short text of a row, in BC Sans; `mark` puts its drawing into the structure tree. */
export type InlineRun = { text: string; face: Face; color: string; mark: (draw: () => void) => void };

export type Rect = { x: number; y: number; w: number; h: number };

export type Typesetter = {
  /**
   * Draw `text` in the face's font chain, fitted to `box`. Throws CertificateInputError:
   * `tooLong` when it does not fit at the least size, `unprintable` (default 'unprintable-text')
   * listing the characters no font can draw.
   */
  fittedText(
    text: string,
    face: Face,
    color: string,
    box: TextBox,
    tooLong: CertificateInputReason,
    options?: { characterSpacing?: number; unprintable?: CertificateInputReason },
  ): void;
  /**
   * Short runs on one centred line, `separator` drawn in each gap; shrunk down to `minSize`, and
   * if they still do not fit, one centred line each. Returns each run's box (for link annotations).
   */
  inlineRuns(runs: InlineRun[], top: number, maxSize: number, minSize: number, separator: (x: number, y: number) => void): Rect[];
};

/**
 * Widths from the document itself: the same numbers as layout.ts's TextMeasure (a test checks
 * they agree to the bit), but pdfkit keeps each word it shapes for measuring and draws it from
 * that, where a separate measure would have every word shaped twice (about a fifth more time per
 * certificate). Measuring selects the fonts in the document in the order the texts use them,
 * which is the order pdfkit numbers them in.
 */
export function documentMeasure(doc: Doc): Measure {
  const unitWidths = new Map<string, number>();
  return {
    unitWidth(entry, text) {
      const key = `${entry.alias}\u0000${text}`;
      let w = unitWidths.get(key);
      if (w === undefined) {
        doc.font(entry.alias).fontSize(1);
        w = doc.widthOfString(text);
        unitWidths.set(key, w);
      }
      return w;
    },
    width(entry, text, size) {
      doc.font(entry.alias).fontSize(size);
      return doc.widthOfString(text);
    },
  };
}

export function typesetter(
  doc: Doc,
  chains: FontChains,
  measure: Measure,
  column: { centerX: number; left: number; width: number },
): Typesetter {
  const fittedText: Typesetter['fittedText'] = (text, face, color, box, tooLong, options = {}) => {
    const spacing = options.characterSpacing ?? 0;
    const { clusters, unprintable } = clustersOf(text, chains[face]);
    if (unprintable.length > 0) {
      throw new CertificateInputError(
        options.unprintable ?? 'unprintable-text',
        `text has characters no certificate font can print: ${unprintable.map(describeCluster).join(', ')}`,
        unprintable,
      );
    }
    const layout = fit(measure, clusters, box, spacing, chains.regular[0]!);
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
    lines.forEach((line, i) => {
      const baseline = firstBaseline + i * lineStep;
      const pieces = piecesOf(line);
      const widths = pieces.map((p) => pieceWidth(measure, p, size, spacing));
      let x = centerX - widths.reduce((a, b) => a + b, 0) / 2;
      pieces.forEach((p, j) => {
        doc
          .font(p.entry.alias)
          .fontSize(size)
          .fillColor(color)
          .text(p.text, x, baseline - p.entry.ascent * size, { lineBreak: false, characterSpacing: spacing });
        x += widths[j]!;
      });
    });
  };

  const inlineRuns: Typesetter['inlineRuns'] = (runs, top, maxSize, minSize, separator) => {
    const gap = 26;
    const entries = runs.map((r) => chains[r.face][0]!);
    const fitted = fitInline(
      measure,
      runs.map((r, i) => ({ text: r.text, entry: entries[i]! })),
      column.width,
      gap,
      maxSize,
      minSize,
    );
    const size = fitted.size;
    const boxes: Rect[] = [];
    if (fitted.oneLine) {
      const ws = fitted.widths;
      const lineH = lineHeightOf(entries[0]!.font, size);
      let x = column.centerX - fitted.total / 2;
      runs.forEach((r, i) => {
        const left = x;
        r.mark(() => {
          doc.font(entries[i]!.alias).fontSize(size).fillColor(r.color).text(r.text, left, top, { lineBreak: false });
        });
        boxes.push({ x: left, y: top, w: ws[i]!, h: lineH });
        x += ws[i]!;
        if (i < runs.length - 1) {
          separator(x + gap / 2, top + lineH * 0.56);
          x += gap;
        }
      });
    } else {
      // pdfkit wraps and centres each run within the column.
      let y = top;
      runs.forEach((r, i) => {
        doc.font(entries[i]!.alias).fontSize(size);
        const h = doc.heightOfString(r.text, { width: column.width });
        const w = Math.min(column.width, doc.widthOfString(r.text));
        const lineTop = y;
        r.mark(() => {
          doc.font(entries[i]!.alias).fontSize(size).fillColor(r.color).text(r.text, column.left, lineTop, { width: column.width, align: 'center' });
        });
        boxes.push({ x: column.centerX - w / 2, y: lineTop, w, h });
        y += h;
      });
    }
    return boxes;
  };

  return { fittedText, inlineRuns };
}

// A tagged, flowing PDF of paragraphs (the transcript, an organization's report summary): the
// certificate's font chains, shaping and right-to-left handling, with page breaks. Texts that come
// from records (names, course titles) are marked with ActualText, so extraction gives them exactly
// as written.
import PDFDocument from 'pdfkit';
import { embeddingLevels } from './bidi';
import type { CertificateFonts } from './fonts';
import { chainEntries, clustersOf, fontChains, layLine, Shaper, wrap, type Cluster, type Face, type FontChains, type LaidLine } from './layout';
import { escapeXmpInfo, finish, freshGlyphCaches } from './pdfkit-patches';
import { tagging } from './tagging';
import { drawLine } from './typeset';

const INK = '#1f2328';
const LINE_GAP = 2;
const MARGIN = 56;

/** A paragraph broken into lines at `size` within `width`, and the height of each line. */
export type Paragraph = { lines: LaidLine[]; step: number; ascent: number; rtl: boolean };

function paragraph(shaper: Shaper, chains: FontChains, text: string, face: Face, size: number, width: number): Paragraph {
  // What no font can print (a name from before that check) is left out rather than drawn as boxes.
  const { clusters } = clustersOf(text, chains[face]);
  const entries = [...new Set(clusters.map((c: Cluster) => c.entry))];
  if (entries.length === 0) entries.push(chains[face][0]!);
  const step = Math.max(...entries.map((e) => e.ascent - e.descent + e.lineGap)) * size + LINE_GAP;
  const ascent = Math.max(...entries.map((e) => e.ascent)) * size;
  const lines = wrap(shaper, clusters, size, width, 0).map((line) => layLine(shaper, line, size));
  return { lines, step, ascent, rtl: embeddingLevels(text).paragraph % 2 === 1 };
}

export interface FlowingPdfInfo {
  title: string;
  author: string;
  date: Date;
  locale: string;
}

export function createFlowingPdf(fonts: CertificateFonts, info: FlowingPdfInfo) {
  const chains = fontChains(fonts);
  freshGlyphCaches(chainEntries(chains).filter((e) => e.loaded).map((e) => e.font));
  const doc = new PDFDocument({
    size: 'LETTER', margin: MARGIN, tagged: true, lang: info.locale, displayTitle: true, pdfVersion: '1.7',
    font: null as unknown as string,
    info: { Title: info.title, Author: info.author, Creator: 'Bridgework', CreationDate: info.date, ModDate: info.date },
  });
  escapeXmpInfo(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const { withActualText } = tagging(doc, root);
  const shaper = new Shaper();
  const width = doc.page.width - 2 * MARGIN;
  let y = MARGIN;

  const layout = (text: string, face: Face, size: number): Paragraph => paragraph(shaper, chains, text, face, size, width);
  /** Draws the paragraph's lines from `y` down, onto a new page when one does not fit. */
  const drawParagraph = (p: Paragraph): void => {
    for (const line of p.lines) {
      if (y + p.step > doc.page.height - MARGIN) {
        doc.addPage();
        y = MARGIN;
      }
      drawLine(doc, line, p.rtl ? MARGIN + width - line.width : MARGIN, y + p.ascent, INK);
      y += p.step;
    }
  };

  return {
    layout,
    heightOf: (p: Paragraph): number => p.lines.length * p.step,
    /** Our own words (a heading, a label): tagged by type, extracted as drawn. */
    block(type: 'H1' | 'H2' | 'P', face: Face, size: number, text: string, gap = 4): void {
      const p = layout(text, face, size);
      root.add(doc.struct(type, {}, () => drawParagraph(p)));
      y += (gap / 10) * p.step;
    },
    /** A text from the records (a name, a course title): extraction must give it as written. */
    asWritten(type: 'H1' | 'H2' | 'P', face: Face, size: number, text: string, gap = 4): void {
      const p = layout(text, face, size);
      withActualText(text, () => drawParagraph(p), type);
      y += (gap / 10) * p.step;
    },
    /** A new page unless `height` more points fit on this one (a heading stays with what follows). */
    keepTogether(height: number): void {
      if (y + height > doc.page.height - MARGIN) {
        doc.addPage();
        y = MARGIN;
      }
    },
    space(points: number): void {
      y += points;
    },
    finish: (): Buffer => finish(doc),
  };
}

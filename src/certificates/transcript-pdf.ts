/**
 * A learner's transcript as a tagged PDF: every completion with its time, dates, code and status.
 *
 * Set with the certificate's font chains and layout (layout.ts: BC Sans, then the fallbacks,
 * chosen per grapheme cluster; the Unicode Bidirectional Algorithm; shaping), so a name that
 * prints on a certificate prints here, the same way. Text flows down the page: each paragraph
 * is broken into lines within the margins (layout.ts `wrap`), set from the left, or from the
 * right for a right-to-left paragraph (an Arabic or Hebrew name or title), and onto a new page
 * when the page is full. The holder's name, the organization and each course title are marked
 * with ActualText (tagging.ts), as on the certificate, so text extraction gives them exactly as
 * written. Like a certificate, the file depends only on its input (pdfkit-patches.ts).
 */
import PDFDocument from 'pdfkit';
import { embeddingLevels } from './bidi';
import { formatCode } from './codes';
import type { CertificateFonts } from './fonts';
import { chainEntries, clustersOf, fontChains, layLine, Shaper, wrap, type Cluster, type Face, type FontChains, type LaidLine } from './layout';
import type { Translate } from './pdf';
import { escapeXmpInfo, finish, freshGlyphCaches } from './pdfkit-patches';
import { formatDuration } from './record';
import type { CertificateView } from './service';
import { tagging } from './tagging';
import { drawLine } from './typeset';

export interface TranscriptInput {
  holderName: string;
  generatedAt: Date;
  certificates: CertificateView[];
  organizationName: string;
  baseUrl: string;
}

const INK = '#1f2328';
const LINE_GAP = 2;
const MARGIN = 56;

/** A paragraph broken into lines at `size` within `width`, and the height of each line. */
type Paragraph = { lines: LaidLine[]; step: number; ascent: number; rtl: boolean };

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

export async function renderTranscriptPdf(fonts: CertificateFonts, input: TranscriptInput, t: Translate, locale: string): Promise<Buffer> {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const tr = (key: string, opts: Record<string, unknown> = {}) => t(key, { ...opts, interpolation: { escapeValue: false } });
  const title = tr('transcript.pdfTitle', { name: input.holderName });
  const chains = fontChains(fonts);
  freshGlyphCaches(chainEntries(chains).filter((e) => e.loaded).map((e) => e.font));
  const doc = new PDFDocument({
    size: 'LETTER', margin: MARGIN, tagged: true, lang: locale, displayTitle: true, pdfVersion: '1.7',
    font: null as unknown as string,
    info: { Title: title, Author: input.organizationName, Creator: 'Bridgework', CreationDate: input.generatedAt, ModDate: input.generatedAt },
  });
  escapeXmpInfo(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const { withActualText } = tagging(doc, root);
  const shaper = new Shaper();
  const width = doc.page.width - 2 * MARGIN;
  let y = MARGIN;

  const layout = (text: string, face: Face, size: number): Paragraph => paragraph(shaper, chains, text, face, size, width);
  const heightOf = (p: Paragraph): number => p.lines.length * p.step;
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
  const block = (type: 'H1' | 'P', face: Face, size: number, text: string, gap = 4) => {
    const p = layout(text, face, size);
    root.add(doc.struct(type, {}, () => drawParagraph(p)));
    y += (gap / 10) * p.step;
  };
  /** A text from the records (a name, a course title): extraction must give it as written. */
  const asWritten = (type: 'H2' | 'P', face: Face, size: number, text: string, gap = 4) => {
    const p = layout(text, face, size);
    withActualText(text, () => drawParagraph(p), type);
    y += (gap / 10) * p.step;
  };
  /** Start a new page unless `height` more points fit on this one. */
  const keepTogether = (height: number) => {
    if (y + height > doc.page.height - MARGIN) {
      doc.addPage();
      y = MARGIN;
    }
  };

  asWritten('P', 'regular', 10, input.organizationName);
  block('H1', 'bold', 20, tr('transcript.heading'), 6);
  asWritten('P', 'bold', 13, input.holderName);
  block('P', 'regular', 10, tr('transcript.generated', { date: date.format(input.generatedAt) }), 12);

  if (input.certificates.length === 0) block('P', 'regular', 11, tr('transcript.empty'));
  for (const c of input.certificates) {
    const facts = [
      tr('transcript.completed', { date: date.format(c.issuedAt) }),
      c.hours !== null ? formatDuration(c.hours, tr) : null,
      c.expiresAt ? tr('transcript.expires', { date: date.format(c.expiresAt) }) : null,
      tr(`transcript.status.${c.status}`),
      tr('transcript.code', { code: formatCode(c.code) }),
    ]
      .filter((x): x is string => x !== null)
      .join(' · ');
    // A course's title and facts stay on one page: a title marked with ActualText and split by a
    // page break would be read out twice.
    const titleHeight = heightOf(layout(c.courseTitle, 'bold', 12));
    keepTogether(titleHeight * 1.2 + heightOf(layout(facts, 'regular', 10)));
    asWritten('H2', 'bold', 12, c.courseTitle, 2);
    block('P', 'regular', 10, facts, 10);
  }
  block('P', 'regular', 9, tr('transcript.verifyAt', { url: `${input.baseUrl}/verify` }));

  return finish(doc);
}

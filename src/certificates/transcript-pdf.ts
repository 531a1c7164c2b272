/**
 * A learner's transcript as a tagged PDF: every completion with hours, dates, code and status.
 *
 * Set with the certificate's font chains (layout.ts: BC Sans, then the Gurmukhi and Chinese
 * fallbacks, chosen per grapheme cluster), so a name that prints on a certificate prints here.
 * Unlike the certificate, text flows down the page and pdfkit breaks the lines. The holder's
 * name, the organization and each course title are marked with ActualText (tagging.ts), as on
 * the certificate, so text extraction gives them exactly as written: shaping reorders Gurmukhi
 * vowel signs and positions combining marks, which extractors would otherwise read out of order.
 * Like a certificate, the file depends only on its input (pdfkit-patches.ts).
 */
import PDFDocument from 'pdfkit';
import { formatCode } from './codes';
import type { CertificateFonts } from './fonts';
import { chainFonts, fontChains, type Face } from './layout';
import type { Translate } from './pdf';
import { escapeXmpInfo, finish, freshGlyphCaches, registerParsedFonts } from './pdfkit-patches';
import type { CertificateView } from './service';
import { tagging } from './tagging';
import { splitIntoRuns } from './text-runs';

export interface TranscriptInput {
  holderName: string;
  generatedAt: Date;
  certificates: CertificateView[];
  organizationName: string;
  baseUrl: string;
}

const INK = '#1f2328';
const LINE_GAP = 2;

export async function renderTranscriptPdf(fonts: CertificateFonts, input: TranscriptInput, t: Translate, locale: string): Promise<Buffer> {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale);
  const tr = (key: string, opts: Record<string, unknown> = {}) => t(key, { ...opts, interpolation: { escapeValue: false } });
  const title = tr('transcript.pdfTitle', { name: input.holderName });
  const chains = fontChains(fonts);
  const fontList = chainFonts(chains);
  freshGlyphCaches(fontList.map(([, font]) => font));
  const doc = new PDFDocument({
    size: 'LETTER', margin: 56, tagged: true, lang: locale, displayTitle: true, pdfVersion: '1.7',
    font: null as unknown as string,
    info: { Title: title, Author: input.organizationName, Creator: 'Bridgework', CreationDate: input.generatedAt, ModDate: input.generatedAt },
  });
  escapeXmpInfo(doc);
  registerParsedFonts(doc, fontList);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const { withActualText } = tagging(doc, root);

  /** The text in runs, each in the first font of the face's chain that draws it, flowing on. */
  const drawRuns = (text: string, face: Face, size: number): void => {
    const chain = chains[face];
    const { runs } = splitIntoRuns(text, chain.map((e) => e.font));
    doc.fontSize(size).fillColor(INK);
    runs.forEach((run, i) => doc.font(chain[run.font]!.alias).text(run.text, { lineGap: LINE_GAP, continued: i < runs.length - 1 }));
  };
  const block = (type: 'H1' | 'P', face: Face, size: number, text: string, gap = 4) => {
    root.add(doc.struct(type, {}, () => drawRuns(text, face, size)));
    doc.moveDown(gap / 10);
  };
  /** A text from the records (a name, a course title): extraction must give it as written. */
  const asWritten = (type: 'H2' | 'P', face: Face, size: number, text: string, gap = 4) => {
    withActualText(text, () => drawRuns(text, face, size), type);
    doc.moveDown(gap / 10);
  };
  /** Start a new page unless `height` more points fit on this one. */
  const keepTogether = (height: number) => {
    if (doc.y + height > doc.page.maxY()) doc.addPage();
  };
  /** About how tall `text` is when set in the face's first font (close enough to keep a course on one page). */
  const heightOf = (text: string, face: Face, size: number): number =>
    doc.font(chains[face][0]!.alias).fontSize(size).heightOfString(text, { lineGap: LINE_GAP });

  asWritten('P', 'regular', 10, input.organizationName);
  block('H1', 'bold', 20, tr('transcript.heading'), 6);
  asWritten('P', 'bold', 13, input.holderName);
  block('P', 'regular', 10, tr('transcript.generated', { date: date.format(input.generatedAt) }), 12);

  if (input.certificates.length === 0) block('P', 'regular', 11, tr('transcript.empty'));
  for (const c of input.certificates) {
    const facts = [
      tr('transcript.completed', { date: date.format(c.issuedAt) }),
      c.hours !== null ? tr('transcript.hours', { hours: number.format(c.hours) }) : null,
      c.expiresAt ? tr('transcript.expires', { date: date.format(c.expiresAt) }) : null,
      tr(`transcript.status.${c.status}`),
      tr('transcript.code', { code: formatCode(c.code) }),
    ]
      .filter((x): x is string => x !== null)
      .join(' · ');
    // A course's title and facts stay on one page: a title marked with ActualText and split by a
    // page break would be read out twice.
    keepTogether(heightOf(c.courseTitle, 'bold', 12) + doc.currentLineHeight(true) * 0.2 + heightOf(facts, 'regular', 10));
    asWritten('H2', 'bold', 12, c.courseTitle, 2);
    block('P', 'regular', 10, facts, 10);
  }
  block('P', 'regular', 9, tr('transcript.verifyAt', { url: `${input.baseUrl}/verify` }));

  return finish(doc);
}

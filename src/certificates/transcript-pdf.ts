// A learner's transcript as a tagged PDF: every completion with hours, dates, code and status.
import PDFDocument from 'pdfkit';
import type { CertificateFonts } from './fonts';
import type { CertificateView } from './service';
import { formatCode } from './codes';
import { splitIntoRuns } from './text-runs';

type Translate = (key: string, opts?: Record<string, unknown>) => string;

export interface TranscriptInput {
  holderName: string;
  generatedAt: Date;
  certificates: CertificateView[];
  organizationName: string;
  baseUrl: string;
}

export function renderTranscriptPdf(fonts: CertificateFonts, input: TranscriptInput, t: Translate, locale: string): Promise<Buffer> {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale);
  const tr = (key: string, opts: Record<string, unknown> = {}) => t(key, { ...opts, interpolation: { escapeValue: false } });
  const title = tr('transcript.pdfTitle', { name: input.holderName });
  const doc = new PDFDocument({
    size: 'LETTER', margin: 56, tagged: true, lang: locale, displayTitle: true, pdfVersion: '1.7',
    font: null as unknown as string,
    info: { Title: title, Author: input.organizationName, Creator: 'Bridgework', CreationDate: input.generatedAt, ModDate: input.generatedAt },
  });
  // The same font chain as certificates (BC Sans, then the fallbacks for other scripts), so a
  // name that prints on a certificate prints here too. pdfkit uses a fontkit font object as given;
  // its types only list paths and buffers.
  const chains = {
    regular: [fonts.regular, ...(fonts.fallbacks ?? []).map((f) => f.regular)],
    bold: [fonts.bold, ...(fonts.fallbacks ?? []).map((f) => f.bold)],
  };
  for (const [weight, chain] of Object.entries(chains)) {
    chain.forEach((font, i) => doc.registerFont(`${weight}-${i}`, font as unknown as PDFKit.Mixins.PDFFontSource));
  }
  const root = doc.struct('Document');
  doc.addStructure(root);
  const block = (type: 'H1' | 'P' | 'H2', weight: 'regular' | 'bold', size: number, text: string, gap = 4) => {
    root.add(doc.struct(type, {}, () => {
      const { runs } = splitIntoRuns(text, chains[weight]);
      doc.fontSize(size).fillColor('#1f2328');
      runs.forEach((run, i) => doc.font(`${weight}-${run.font}`).text(run.text, { lineGap: 2, continued: i < runs.length - 1 }));
    }));
    doc.moveDown(gap / 10);
  };

  block('P', 'regular', 10, input.organizationName);
  block('H1', 'bold', 20, tr('transcript.heading'), 6);
  block('P', 'bold', 13, input.holderName);
  block('P', 'regular', 10, tr('transcript.generated', { date: date.format(input.generatedAt) }), 12);

  if (input.certificates.length === 0) block('P', 'regular', 11, tr('transcript.empty'));
  for (const c of input.certificates) {
    block('H2', 'bold', 12, c.courseTitle, 2);
    const facts = [
      tr('transcript.completed', { date: date.format(c.issuedAt) }),
      c.hours !== null ? tr('transcript.hours', { hours: number.format(c.hours) }) : null,
      c.expiresAt ? tr('transcript.expires', { date: date.format(c.expiresAt) }) : null,
      tr(`transcript.status.${c.status}`),
      tr('transcript.code', { code: formatCode(c.code) }),
    ].filter((x): x is string => x !== null);
    block('P', 'regular', 10, facts.join(' · '), 10);
  }
  block('P', 'regular', 9, tr('transcript.verifyAt', { url: `${input.baseUrl}/verify` }));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

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
import { formatCode } from './codes';
import { createFlowingPdf } from './flowing-pdf';
import type { CertificateFonts } from './fonts';
import type { Translate } from './pdf';
import { formatDuration } from './record';
import type { CertificateView } from './service';

export interface TranscriptInput {
  holderName: string;
  generatedAt: Date;
  certificates: CertificateView[];
  organizationName: string;
  baseUrl: string;
}

export async function renderTranscriptPdf(fonts: CertificateFonts, input: TranscriptInput, t: Translate, locale: string): Promise<Buffer> {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const tr = (key: string, opts: Record<string, unknown> = {}) => t(key, { ...opts, interpolation: { escapeValue: false } });
  const title = tr('transcript.pdfTitle', { name: input.holderName });
  const pdf = createFlowingPdf(fonts, { title, author: input.organizationName, date: input.generatedAt, locale });
  const { layout, heightOf, block, asWritten, keepTogether } = pdf;

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

  return pdf.finish();
}

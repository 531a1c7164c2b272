/**
 * The certificate PDF: a pure, synchronous function of its record. This module is the public
 * face (settings checked once, `render()`, the errors); the work is done by:
 *
 * - page.ts: one landscape page (US Letter or A4), tagged (Document > H1, P, Figure, Link, every
 *   other mark an Artifact), the learner's name and the organization in a Span whose ActualText
 *   is the text exactly as given, so extraction returns it intact where shaping reorders glyphs.
 * - layout.ts (no PDF needed): each text split into clusters by font (BC Sans, then the fallback
 *   fonts of fonts.ts; see text-runs.ts), ordered by the Unicode Bidirectional Algorithm (bidi.ts)
 *   and shaped run by run (shaping.ts: Arabic joining, Indic conjuncts, marks), lines broken by
 *   us, the size shrunk to fit. What no font covers is refused with a CertificateInputError
 *   ('unprintable-name' for the learner's name) listing the characters, never drawn as
 *   missing-glyph boxes; `unprintableCharacters()` tells a form.
 * - typeset.ts draws the laid-out glyphs; ornaments.ts the border, seal and QR code (vectors, to
 *   `${baseUrl}/verify/${code}`); record.ts checks the record and composes the labels.
 * - Byte-identical for the same record, labels and locale: dates come from the record, the
 *   trailer /ID from the code, each document starts from empty glyph caches, nothing reads the
 *   clock or randomness (see pdfkit-patches.ts for the pdfkit and fontkit internals involved).
 * - The organization's logo (optional, LOGO_FILE) takes the seal's place, as a Figure with alt
 *   text; it is prepared once (logo.ts) so that embedding it stays synchronous and cheap.
 *
 * The renderer is built once with the organization's settings and the parsed fonts; `render()`
 * then costs a few milliseconds.
 */
import PDFDocument from 'pdfkit';
import { CertificateConfigError } from './errors';
import { loadCertificateFonts, type CertificateFonts } from './fonts';
import { fontChains, type Face } from './layout';
import { LOGO_BOX, prepareLogo, type PreparedLogo } from './logo';
import { PAPER, renderCertificate, type RenderedCertificate } from './page';
import { finish } from './pdfkit-patches';
import { describeCluster, hasNothingVisible, unprintableIn } from './text-runs';

export { CertificateConfigError, CertificateInputError, type CertificateInputReason } from './errors';

/** For messages about unprintable characters: shows invisible ones as U+XXXX. */
export { describeCluster, hasNothingVisible };
export type { RenderedCertificate };

export type PaperSize = 'LETTER' | 'A4';

export type CertificateRecord = {
  code: string;
  holderName: string;
  courseTitle: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
};

/** An i18next-style translate function (`req.t` or `i18n.getFixedT(lng)`). */
export type Translate = (key: string, opts?: Record<string, unknown>) => string;

export type CertificateRendererOptions = {
  fonts: CertificateFonts;
  organizationName: string;
  signatoryName: string;
  signatoryTitle: string;
  paperSize: PaperSize;
  /** Absolute http(s) URL of the app, e.g. `https://learn.example.org`; trailing slashes are ignored. */
  baseUrl: string;
  /**
   * The organization's logo, a PNG or JPEG file's bytes (see `readLogoFile` in logo.ts), drawn
   * in the middle of the bottom row in place of the seal, scaled to fit its box, as a Figure
   * whose alt text is the organization's name and " logo". Prepared once (logo.ts); every
   * certificate embeds it, so its size adds to every PDF.
   */
  logo?: Buffer | null;
};

export type CertificateRenderer = {
  render(record: CertificateRecord, t: Translate, locale: string): Buffer;
  /** The same PDF, and the learner's name as drawn: its lines, runs and glyphs (see layout.ts). */
  renderWithLayout(record: CertificateRecord, t: Translate, locale: string): RenderedCertificate;
  /**
   * The characters of `name` that no certificate font can print (see `unprintableCharacters`),
   * with this renderer's fonts. Empty when the name can be printed.
   */
  unprintableCharacters(name: string): string[];
};

/** Labels the renderer asks `t()` for; English strings under certificate.pdf in src/locales/en.json. */
export const CERTIFICATE_PDF_KEYS = [
  'certificate.pdf.documentTitle',
  'certificate.pdf.heading',
  'certificate.pdf.presentedTo',
  'certificate.pdf.forCompleting',
  'certificate.pdf.hours',
  'certificate.pdf.minutes',
  'certificate.pdf.duration',
  'duration.hours',
  'duration.minutes',
  'duration.hoursAndMinutes',
  'certificate.pdf.completedOn',
  'certificate.pdf.expiresOn',
  'certificate.pdf.verify',
  'certificate.pdf.code',
  'certificate.pdf.qrAlt',
] as const;

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new CertificateConfigError(`baseUrl is not an absolute URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CertificateConfigError(`baseUrl must be http(s): ${JSON.stringify(baseUrl)}`);
  }
  if (url.search || url.hash) throw new CertificateConfigError('baseUrl must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

export function createCertificateRenderer(options: CertificateRendererOptions): CertificateRenderer {
  const { fonts, paperSize } = options;
  if (!fonts || !fonts.regular || !fonts.bold || !fonts.italic) {
    throw new CertificateConfigError('fonts: pass the result of loadCertificateFonts()');
  }
  if (!(paperSize in PAPER)) throw new CertificateConfigError(`paperSize must be LETTER or A4, got ${String(paperSize)}`);
  const organizationName = options.organizationName.trim();
  const signatoryName = options.signatoryName.trim();
  const signatoryTitle = options.signatoryTitle.trim();
  if (!organizationName) throw new CertificateConfigError('organizationName is empty');
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const chains = fontChains(fonts);
  const printable = (what: string, text: string, face: Face): void => {
    const bad = unprintableIn(text, chains[face]);
    if (bad.length > 0) {
      throw new CertificateConfigError(`${what} has characters no certificate font can print: ${bad.map(describeCluster).join(', ')}`);
    }
  };
  printable('organizationName', organizationName, 'bold');
  printable('organizationName (in capitals)', organizationName.toUpperCase(), 'bold');
  printable('signatoryName', signatoryName, 'italic');
  printable('signatoryTitle', signatoryTitle, 'regular');
  const logo = options.logo ? checkLogo(options.logo) : null;
  const settings = { chains, paperSize, organizationName, signatoryName, signatoryTitle, baseUrl, logo };

  return {
    render(record: CertificateRecord, t: Translate, locale: string): Buffer {
      return renderCertificate(settings, record, t, locale).pdf;
    },
    renderWithLayout(record: CertificateRecord, t: Translate, locale: string): RenderedCertificate {
      return renderCertificate(settings, record, t, locale);
    },
    unprintableCharacters(name: string): string[] {
      return unprintableIn(name.trim(), chains.bold);
    },
  };
}

/**
 * The characters of a learner's name that no certificate font can print, each once, in order:
 * grapheme clusters (an emoji sequence, a letter with its marks) that neither BC Sans nor a
 * fallback font covers, control characters, bidi embedding and override controls, and marks
 * with no letter (see text-runs.ts). Empty when the certificate can show the name. For the
 * registration form, to warn before a certificate is ever made; `fonts` defaults to the app's
 * shared fonts (no fallback is parsed to answer: see fonts.ts).
 */
export function unprintableCharacters(name: string, fonts: CertificateFonts = loadCertificateFonts()): string[] {
  return unprintableIn(name.trim(), fontChains(fonts).bold);
}

/** Logo bytes made ready for every document (see logo.ts); a CertificateConfigError otherwise. */
function checkLogo(data: Buffer): PreparedLogo {
  if (!Buffer.isBuffer(data)) throw new CertificateConfigError('logo: pass the bytes of a PNG or JPEG file');
  let logo: PreparedLogo;
  try {
    // Keep at most the pixels the logo box shows at 300 dpi.
    logo = prepareLogo(data, Math.ceil((LOGO_BOX.width / 72) * 300), Math.ceil((LOGO_BOX.height / 72) * 300));
  } catch (err) {
    throw new CertificateConfigError(`logo: ${(err as Error).message}`);
  }
  try {
    // pdfkit parses the image when a document embeds it: try once now, not on a learner's download.
    const doc = new PDFDocument({ font: null as unknown as string });
    doc.image(logo.data, 0, 0, { width: 10 });
    finish(doc);
  } catch (err) {
    throw new CertificateConfigError(`logo: the image cannot be embedded (${(err as Error).message})`);
  }
  return logo;
}

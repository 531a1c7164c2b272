/**
 * The certificate PDF: a pure, synchronous function of its record.
 *
 * - One landscape page (US Letter or A4), set in BC Sans (fonts parsed once, see fonts.ts;
 *   pdfkit subsets them per document). Names, the course title and the settings may be in any
 *   script a font covers: each text is split into runs by font (BC Sans, then the fallback fonts
 *   for Gurmukhi and Chinese; see text-runs.ts), each run shaped by fontkit, the runs of a line
 *   set on one baseline and centred together (we break lines ourselves: pdfkit cannot centre a
 *   line made of several fonts). What no font covers, and right-to-left text, is refused with a
 *   CertificateInputError ('unprintable-name' for the learner's name) listing the characters,
 *   never drawn as missing-glyph boxes; `unprintableCharacters()` tells a form beforehand.
 * - Byte-identical for the same record, labels and locale: dates come from the record, the
 *   trailer /ID from the code (see `setDocumentId`), nothing reads the clock or randomness.
 * - Tagged: a structure tree (Document > H1, P, Figure, Link), every other mark an Artifact,
 *   the learner's name in a Span whose ActualText is the name exactly as given, so text
 *   extraction returns it intact even where shaping reorders or combines glyphs.
 * - The QR code (to `${baseUrl}/verify/${code}`) is drawn as vector rectangles.
 * - The organization's logo (optional, LOGO_FILE) takes the seal's place, as a Figure with alt
 *   text; it is prepared once (logo.ts) so that embedding it stays synchronous and cheap.
 *
 * The renderer is built once with the organization's settings and the parsed fonts; `render()`
 * then costs a few milliseconds.
 */
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type * as fontkit from 'fontkit';
import * as QRCode from 'qrcode';
import { formatCode, parseCode } from './codes';
import { loadCertificateFonts, type CertificateFonts } from './fonts';
import { prepareLogo, type PreparedLogo } from './logo';
import { describeCluster, splitIntoRuns, unprintableIn } from './text-runs';

/** For messages about unprintable characters: shows invisible ones as U+XXXX. */
export { describeCluster };

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
  /**
   * The characters of `name` that no certificate font can print (see `unprintableCharacters`),
   * with this renderer's fonts. Empty when the name can be printed.
   */
  unprintableCharacters(name: string): string[];
};

export type CertificateInputReason =
  | 'empty-name'
  | 'empty-course'
  | 'name-too-long'
  | 'text-too-long'
  | 'invalid-date'
  | 'invalid-hours'
  | 'invalid-code'
  | 'unprintable-name'
  | 'unprintable-text';

/**
 * A record the renderer refuses. Apart from 'unprintable-name', the app validates before issuing,
 * so this means a bug or bad data.
 *
 * 'unprintable-name': the learner's name has characters no certificate font can draw (emoji,
 * right-to-left scripts, scripts we ship no font for); `characters` lists them, each once. Show
 * the learner something like "Your name contains characters we cannot print: 😀. Edit your name
 * or contact us." (format each with `describeCluster`, which spells invisible ones as U+XXXX).
 * 'unprintable-text': the same for the course title or a label.
 */
export class CertificateInputError extends Error {
  constructor(
    readonly reason: CertificateInputReason,
    message: string,
    readonly characters: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CertificateInputError';
  }
}

/** Bad renderer settings (thrown by createCertificateRenderer, at start-up). */
export class CertificateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateConfigError';
  }
}

/** Labels the renderer asks `t()` for; English strings under certificate.pdf in src/locales/en.json. */
export const CERTIFICATE_PDF_KEYS = [
  'certificate.pdf.documentTitle',
  'certificate.pdf.heading',
  'certificate.pdf.presentedTo',
  'certificate.pdf.forCompleting',
  'certificate.pdf.hours',
  'certificate.pdf.completedOn',
  'certificate.pdf.expiresOn',
  'certificate.pdf.verify',
  'certificate.pdf.code',
  'certificate.pdf.qrAlt',
] as const;

// Points, portrait [width, height].
const PAPER: Record<PaperSize, [number, number]> = {
  LETTER: [612, 792],
  A4: [595.28, 841.89],
};

const NAVY = '#1f3a5f';
const GOLD = '#b08a2e';
const INK = '#1c2530';
const GREY = '#545e69';

const FONT = { regular: 'BCSans', bold: 'BCSans-Bold', italic: 'BCSans-Italic' } as const;
type Face = keyof typeof FONT;
type FontName = (typeof FONT)[Face];

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
const WHITESPACE = /^\s+$/u;
/** Scripts whose lines may break between any two characters. */
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

/** The layout is designed on a 612 pt high page; vertical positions scale to the real height. */
const DESIGN_HEIGHT = 612;
const SEAL_RADIUS = 38;
/** The box a logo is scaled to fit, centred where the seal would be (between signature and QR code). */
const LOGO_BOX = { width: 190, height: 84 };

type Doc = PDFKit.PDFDocument;
type StructElement = PDFKit.PDFStructureElement;

function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * pdfkit 0.20 writes the info values (Title, Author, Subject...) into the XMP metadata stream
 * without XML escaping (MetadataMixin._addInfo), so a course called "Safety & Consent" would
 * make the XMP invalid XML. We keep the Info dictionary as is and hand `_addInfo` an escaped copy
 * for the duration of the call. If pdfkit renames that method this throws, and the tests say so.
 */
function escapeXmpInfo(doc: Doc): void {
  const d = doc as unknown as { _addInfo?: () => void; info: Record<string, unknown> };
  const original = d._addInfo;
  if (typeof original !== 'function') {
    throw new Error('pdfkit internals changed: MetadataMixin._addInfo not found (see certificates/pdf.ts)');
  }
  d._addInfo = function (this: typeof d): void {
    const raw = this.info;
    const escaped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) escaped[key] = typeof value === 'string' ? xmlEscape(value) : value;
    this.info = escaped;
    try {
      original.call(this);
    } finally {
      this.info = raw;
    }
  };
}

/**
 * The trailer /ID. pdfkit 0.20 sets it once, in the PDFDocument constructor, to
 * `PDFSecurity.generateFileID(info)` (an MD5 of CreationDate and the info entries) and keeps it
 * in the private field `_id`, which `_finalize()` writes as `/ID [<id> <id>]`. That is
 * deterministic but not unique: two certificates with equal metadata would share it. We replace
 * it right after construction (before anything is written that uses it; we use no encryption,
 * the only other reader) with the first 16 bytes of SHA-256 over a fixed prefix and the
 * canonical code: unique per certificate, the same on every render.
 */
function setDocumentId(doc: Doc, code: string): void {
  const d = doc as unknown as { _id?: unknown };
  if (!(d._id instanceof Uint8Array)) {
    throw new Error('pdfkit internals changed: PDFDocument._id not found (see certificates/pdf.ts)');
  }
  d._id = createHash('sha256').update(`bridgework-certificate:${code}`).digest().subarray(0, 16);
}

/** Intl formatters are slow to build; a pure cache, bounded because locales come from requests. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
function longUtcDateFormat(lang: string): Intl.DateTimeFormat {
  let format = DATE_FORMATS.get(lang);
  if (!format) {
    if (DATE_FORMATS.size >= 64) DATE_FORMATS.clear();
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    DATE_FORMATS.set(lang, format);
  }
  return format;
}

function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

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

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
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
  const fontList = [...new Map(Object.values(chains).flat().map((e) => [e.alias, e.font])).entries()];
  const printable = (what: string, text: string, face: Face): void => {
    const bad = unprintableIn(text, chains[face].map((e) => e.font));
    if (bad.length > 0) {
      throw new CertificateConfigError(`${what} has characters no certificate font can print: ${bad.map(describeCluster).join(', ')}`);
    }
  };
  printable('organizationName', organizationName, 'bold');
  printable('organizationName (in capitals)', organizationName.toUpperCase(), 'bold');
  printable('signatoryName', signatoryName, 'italic');
  printable('signatoryTitle', signatoryTitle, 'regular');
  const logo = options.logo ? checkLogo(options.logo) : null;

  return {
    render(record: CertificateRecord, t: Translate, locale: string): Buffer {
      return renderCertificate(
        { fonts, chains, fontList, paperSize, organizationName, signatoryName, signatoryTitle, baseUrl, logo },
        record,
        t,
        locale,
      );
    },
    unprintableCharacters(name: string): string[] {
      return unprintableIn(name.trim(), chains.bold.map((e) => e.font));
    },
  };
}

/**
 * The characters of a learner's name that no certificate font can print, each once, in order:
 * grapheme clusters (an emoji sequence, a letter with its marks) that neither BC Sans nor a
 * fallback font covers, and right-to-left text, which certificates do not support (see
 * text-runs.ts). Empty when the certificate can show the name. For the registration form, to
 * warn before a certificate is ever made; `fonts` defaults to the app's shared fonts.
 */
export function unprintableCharacters(name: string, fonts: CertificateFonts = loadCertificateFonts()): string[] {
  return unprintableIn(name.trim(), fontChains(fonts).bold.map((e) => e.font));
}

/** One font of a chain with its pdfkit alias and its metrics per em. */
type ChainEntry = {
  alias: string;
  font: fontkit.Font;
  /** pdfkit puts a line's baseline `ascent` below the y it is given. */
  ascent: number;
  descent: number;
  lineGap: number;
  capHeight: number;
};

/** Per face: BC Sans, then each fallback (regular weight for italic: those scripts have no italic). */
function fontChains(fonts: CertificateFonts): Record<Face, ChainEntry[]> {
  const entry = (alias: string, font: fontkit.Font): ChainEntry => ({
    alias,
    font,
    ascent: font.ascent / font.unitsPerEm,
    descent: font.descent / font.unitsPerEm,
    lineGap: font.lineGap / font.unitsPerEm,
    capHeight: font.capHeight / font.unitsPerEm,
  });
  const fallbacks = fonts.fallbacks ?? [];
  const chain = (face: Face, weight: 'regular' | 'bold'): ChainEntry[] => [
    entry(FONT[face], fonts[face]),
    ...fallbacks.map((f) => entry(`${f.family}-${weight === 'bold' ? 'Bold' : 'Regular'}`, f[weight])),
  ];
  return { regular: chain('regular', 'regular'), bold: chain('bold', 'bold'), italic: chain('italic', 'regular') };
}

type Logo = PreparedLogo;

/** Logo bytes made ready for every document (see logo.ts); a CertificateConfigError otherwise. */
function checkLogo(data: Buffer): Logo {
  if (!Buffer.isBuffer(data)) throw new CertificateConfigError('logo: pass the bytes of a PNG or JPEG file');
  let logo: Logo;
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

type Settings = Omit<CertificateRendererOptions, 'logo'> & {
  chains: Record<Face, ChainEntry[]>;
  /** Every alias with its font, registered with each document (only used ones are embedded). */
  fontList: [string, fontkit.Font][];
  logo: Logo | null;
};

function renderCertificate(settings: Settings, record: CertificateRecord, t: Translate, locale: string): Buffer {
  // ---- validate the record -------------------------------------------------------------
  const holderName = typeof record.holderName === 'string' ? record.holderName : '';
  if (holderName.trim() === '') throw new CertificateInputError('empty-name', 'holderName is empty');
  const courseTitle = typeof record.courseTitle === 'string' ? record.courseTitle.trim() : '';
  if (courseTitle === '') throw new CertificateInputError('empty-course', 'courseTitle is empty');
  if (!isValidDate(record.issuedAt)) throw new CertificateInputError('invalid-date', 'issuedAt is not a valid Date');
  // null (and, leniently, undefined) mean "none".
  const expiresAt = record.expiresAt ?? null;
  const hours = record.hours ?? null;
  if (expiresAt !== null && !isValidDate(expiresAt)) {
    throw new CertificateInputError('invalid-date', 'expiresAt is not a valid Date');
  }
  if (hours !== null && !(typeof hours === 'number' && Number.isFinite(hours) && hours >= 0)) {
    throw new CertificateInputError('invalid-hours', 'hours must be a non-negative number or null');
  }
  const parsed = parseCode(record.code);
  if (!parsed.ok) throw new CertificateInputError('invalid-code', `code is not a valid certificate code (${parsed.reason})`);
  const code = parsed.code;

  // The name is drawn exactly as given, apart from surrounding whitespace.
  const name = holderName.trim();
  const lang = safeLocale(locale);
  const dateFormat = longUtcDateFormat(lang);
  const url = `${settings.baseUrl}/verify/${code}`;
  // Values are plain text, not HTML: never let i18next HTML-escape them.
  const tr = (key: string, vars: Record<string, unknown> = {}): string =>
    t(key, { ...vars, interpolation: { escapeValue: false } });

  const labels = {
    title: tr('certificate.pdf.documentTitle', { name, course: courseTitle }),
    heading: tr('certificate.pdf.heading'),
    presentedTo: tr('certificate.pdf.presentedTo'),
    forCompleting: tr('certificate.pdf.forCompleting'),
    hours: hours === null ? null : tr('certificate.pdf.hours', { count: hours }),
    completedOn: tr('certificate.pdf.completedOn', { date: dateFormat.format(record.issuedAt) }),
    expiresOn: expiresAt === null ? null : tr('certificate.pdf.expiresOn', { date: dateFormat.format(expiresAt) }),
    verify: tr('certificate.pdf.verify', { url }),
    code: tr('certificate.pdf.code', { code: formatCode(code) }),
    qrAlt: tr('certificate.pdf.qrAlt', { url }),
  };

  // ---- the document --------------------------------------------------------------------
  const [portraitW, portraitH] = PAPER[settings.paperSize];
  const doc = new PDFDocument({
    size: [portraitW, portraitH],
    layout: 'landscape',
    margin: 0,
    pdfVersion: '1.7',
    tagged: true,
    lang,
    displayTitle: true,
    // No default font: pdfkit would otherwise load Helvetica's metrics for every document.
    font: null as unknown as string,
    info: {
      Title: labels.title,
      Author: settings.organizationName,
      Subject: labels.heading,
      Keywords: formatCode(code),
      Creator: 'Bridgework',
      Producer: 'Bridgework (PDFKit)',
      CreationDate: record.issuedAt,
      ModDate: record.issuedAt,
    },
  });
  setDocumentId(doc, code);
  escapeXmpInfo(doc);
  for (const [alias, font] of settings.fontList) {
    // pdfkit's PDFFontFactory.open uses any object with a `layout` function (a fontkit font)
    // as-is; @types/pdfkit does not list that form. Registering costs nothing; a font is
    // embedded (as a subset) only once text is set in it.
    doc.registerFont(alias, font as unknown as PDFKit.Mixins.PDFFontSource);
  }

  const W = doc.page.width;
  const H = doc.page.height;
  const cx = W / 2;
  const vy = (designY: number): number => (designY * H) / DESIGN_HEIGHT;
  const contentLeft = 96;
  const contentWidth = W - 2 * contentLeft;

  const root = doc.struct('Document');
  doc.addStructure(root);

  // ---- helpers -------------------------------------------------------------------------
  /** Decoration: marked as an Artifact, so assistive technology and extraction skip it. */
  const artifact = (draw: () => void): void => {
    doc.markContent('Artifact', { type: 'Layout' });
    doc.save();
    draw();
    doc.restore();
    doc.endMarkedContent();
  };

  /** A structure element (P, H1, Figure...) under Document whose content `draw` draws. */
  const block = (tag: string, draw: () => void, options?: PDFKit.Mixins.StructureElementOptions): void => {
    root.add(doc.struct(tag, options ?? {}, () => draw()));
  };

  /**
   * P > Span with ActualText, the Span's content marked with the same ActualText: poppler and
   * other extractors read it from the marked content, assistive technology from the structure.
   */
  const spanWithActualText = (actual: string, draw: () => void): void => {
    const para = doc.struct('P');
    root.add(para);
    const span = doc.struct('Span', { actual });
    para.add(span);
    const content = doc.markStructureContent('Span', { actual });
    draw();
    doc.endMarkedContent();
    span.add(content);
    span.end();
    para.end();
  };

  type Box = { width: number; height: number; maxSize: number; minSingleLine: number; minSize: number };

  /** A grapheme cluster as drawn, in one font of its chain. */
  type Cluster = { text: string; entry: ChainEntry; space: boolean };
  /** Consecutive clusters of a line in one font: drawn (and shaped) by one `text()` call. */
  type Piece = { text: string; entry: ChainEntry };
  type Layout = { size: number; lines: Cluster[][]; singleLine: boolean; lineHeight: number; ascent: number };

  /** Widths at 1 pt, per font and text; widths are linear in the size (pdfkit shapes once per word). */
  const unitWidths = new Map<string, number>();
  const unitWidth = (entry: ChainEntry, text: string): number => {
    const key = `${entry.alias}\u0000${text}`;
    let w = unitWidths.get(key);
    if (w === undefined) {
      doc.font(entry.alias).fontSize(1);
      w = doc.widthOfString(text);
      unitWidths.set(key, w);
    }
    return w;
  };

  /**
   * The text's clusters, each in the first font of the face's chain that draws it (text-runs.ts).
   * Throws CertificateInputError(unprintable) listing what no font can draw.
   */
  const clustersOf = (text: string, face: Face, unprintable: CertificateInputReason): Cluster[] => {
    const chain = settings.chains[face];
    const split = splitIntoRuns(text, chain.map((e) => e.font));
    if (split.unprintable.length > 0) {
      throw new CertificateInputError(
        unprintable,
        `text has characters no certificate font can print: ${split.unprintable.map(describeCluster).join(', ')}`,
        split.unprintable,
      );
    }
    const clusters: Cluster[] = [];
    for (const run of split.runs) {
      for (const { segment } of GRAPHEMES.segment(run.text)) {
        clusters.push({ text: segment, entry: chain[run.font]!, space: WHITESPACE.test(segment) });
      }
    }
    return clusters;
  };

  const piecesOf = (clusters: Cluster[]): Piece[] => {
    const pieces: Piece[] = [];
    for (const c of clusters) {
      const last = pieces[pieces.length - 1];
      if (last && last.entry === c.entry) last.text += c.text;
      else pieces.push({ text: c.text, entry: c.entry });
    }
    return pieces;
  };

  /** Width at `size` with `spacing` after each character (pdfkit's characterSpacing). */
  const widthOf = (clusters: Cluster[], size: number, spacing: number): number =>
    piecesOf(clusters).reduce((sum, p) => sum + unitWidth(p.entry, p.text) * size + spacing * [...p.text].length, 0);

  const trimSpaces = (clusters: Cluster[]): Cluster[] => {
    let start = 0;
    let end = clusters.length;
    while (start < end && clusters[start]!.space) start++;
    while (end > start && clusters[end - 1]!.space) end--;
    return clusters.slice(start, end);
  };

  /**
   * Where a line may break: after spaces, after a hyphen before a letter, and between CJK
   * characters (not before punctuation, not after opening punctuation). A word too long for a
   * line on its own is broken between any two clusters, as pdfkit does.
   */
  const breakBefore = (prev: Cluster, next: Cluster): boolean => {
    if (next.space) return false;
    if (prev.space) return true;
    if (/[-\u2010]$/.test(prev.text) && /^\p{L}/u.test(next.text)) return true;
    if (/^\p{P}/u.test(next.text) || /\p{Ps}$/u.test(prev.text)) return false;
    return IDEOGRAPHIC.test(prev.text) || IDEOGRAPHIC.test(next.text);
  };

  /** Greedy line breaking of `clusters` at `size` within `width`. */
  const wrap = (clusters: Cluster[], size: number, width: number, spacing: number): Cluster[][] => {
    // Words: a body and the spaces after it.
    const words: { body: Cluster[]; spaces: Cluster[] }[] = [];
    clusters.forEach((c, i) => {
      if (i === 0 || breakBefore(clusters[i - 1]!, c)) words.push({ body: [], spaces: [] });
      const word = words[words.length - 1]!;
      if (c.space && word.body.length > 0) word.spaces.push(c);
      else word.body.push(c);
    });
    const lines: Cluster[][] = [];
    let line: Cluster[] = [];
    let used = 0; // width of `line`, trailing spaces included
    for (const { body, spaces } of words) {
      const w = widthOf(body, size, spacing);
      if (line.length > 0 && used + w > width) {
        lines.push(trimSpaces(line));
        line = [];
        used = 0;
      }
      if (w <= width) {
        line.push(...body);
        used += w;
      } else {
        // Too long for any line: break between clusters (widths measured one by one).
        for (const c of body) {
          const cw = widthOf([c], size, spacing);
          if (line.length > 0 && used + cw > width) {
            lines.push(line);
            line = [];
            used = 0;
          }
          line.push(c);
          used += cw;
        }
      }
      line.push(...spaces);
      used += widthOf(spaces, size, spacing);
    }
    if (line.length > 0) lines.push(trimSpaces(line));
    return lines.filter((l) => l.length > 0);
  };

  /**
   * The largest size at which the clusters fit: on one line if that is possible at
   * `minSingleLine` or more, otherwise wrapped within `width` and `height`, shrinking to
   * `minSize`. Throws CertificateInputError(tooLong) below that: the text would overflow.
   */
  const fit = (clusters: Cluster[], box: Box, tooLong: CertificateInputReason, spacing: number): Layout => {
    const entries = [...new Set(clusters.map((c) => c.entry))];
    if (entries.length === 0) entries.push(clusters[0]?.entry ?? settings.chains.regular[0]!);
    const lineHeight = Math.max(...entries.map((e) => e.ascent - e.descent + e.lineGap));
    const ascent = Math.max(...entries.map((e) => e.ascent));
    const text = trimSpaces(clusters);
    const unit = widthOf(text, 1, 0);
    const spacingTotal = spacing * text.reduce((n, c) => n + [...c.text].length, 0);
    const quarter = (n: number): number => Math.floor(n * 4) / 4;
    // Leave 1%, as the layout before fallback fonts did, for rounding in the content stream.
    const single = quarter(Math.min(box.maxSize, (box.width * 0.99 - spacingTotal) / Math.max(unit, 1e-6)));
    if (single >= box.minSingleLine && lineHeight * single <= box.height) {
      return { size: single, lines: [text], singleLine: true, lineHeight, ascent };
    }
    for (let size = Math.min(box.minSingleLine, box.maxSize); size >= box.minSize; size -= 0.5) {
      const lines = wrap(clusters, size, box.width * 0.99, spacing);
      if (lines.length * lineHeight * size <= box.height) return { size, lines, singleLine: false, lineHeight, ascent };
    }
    const plain = clusters.map((c) => c.text).join('');
    throw new CertificateInputError(tooLong, `text does not fit on the certificate: ${plain.slice(0, 80)}…`);
  };

  /**
   * Draw `text` in the face's font chain, fitted (see `fit`) and centred horizontally in a box of
   * `box.width` around `centerX`. Vertically: a single line is centred optically (cap height
   * around the middle), or stands on `baseline` when given; wrapped text is centred by its line
   * boxes; with `anchor: 'top'`, the first line box starts at `top`. Each line is drawn piece by
   * piece, one `text()` call per font, on a common baseline.
   */
  const fittedText = (
    text: string,
    face: Face,
    color: string,
    box: Box & { top: number; centerX?: number; baseline?: number; anchor?: 'top' },
    tooLong: CertificateInputReason,
    options: { characterSpacing?: number; unprintable?: CertificateInputReason } = {},
  ): void => {
    const spacing = options.characterSpacing ?? 0;
    const clusters = clustersOf(text, face, options.unprintable ?? 'unprintable-text');
    const layout = fit(clusters, box, tooLong, spacing);
    const { size, lines } = layout;
    const middle = box.top + box.height / 2;
    const lineStep = layout.lineHeight * size;
    const firstBaseline =
      box.anchor === 'top'
        ? box.top + layout.ascent * size
        : layout.singleLine
          ? (box.baseline ?? middle + (settings.chains[face][0]!.capHeight / 2) * size)
          : middle - (lines.length * lineStep) / 2 + layout.ascent * size;
    const centerX = box.centerX ?? cx;
    lines.forEach((line, i) => {
      const baseline = firstBaseline + i * lineStep;
      const pieces = piecesOf(line);
      const widths = pieces.map((p) => unitWidth(p.entry, p.text) * size + spacing * [...p.text].length);
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

  /**
   * Short runs on one centred line, separated by small gold dots; shrunk down to `minSize`, and
   * if they still do not fit, one centred line each. `mark` puts each run's drawing into the
   * structure tree. Returns each run's box (for link annotations).
   */
  type Run = { text: string; font: FontName; color: string; mark: (draw: () => void) => void };
  const inlineRuns = (runs: Run[], top: number, maxSize: number, minSize: number): { x: number; y: number; w: number; h: number }[] => {
    const gap = 26;
    const widths = (size: number): number[] =>
      runs.map((r) => {
        doc.font(r.font).fontSize(size);
        return doc.widthOfString(r.text);
      });
    let size = maxSize;
    const total = (size: number): number => widths(size).reduce((a, b) => a + b, 0) + gap * (runs.length - 1);
    while (size > minSize && total(size) > contentWidth) size -= 0.5;
    const boxes: { x: number; y: number; w: number; h: number }[] = [];
    if (total(size) <= contentWidth) {
      const ws = widths(size);
      doc.font(runs[0]!.font).fontSize(size);
      const lineH = doc.currentLineHeight();
      let x = cx - total(size) / 2;
      runs.forEach((r, i) => {
        const left = x;
        r.mark(() => {
          doc.font(r.font).fontSize(size).fillColor(r.color).text(r.text, left, top, { lineBreak: false });
        });
        boxes.push({ x: left, y: top, w: ws[i]!, h: lineH });
        x += ws[i]!;
        if (i < runs.length - 1) {
          const dotX = x + gap / 2;
          artifact(() => {
            doc.fillColor(GOLD).circle(dotX, top + lineH * 0.56, 1.7).fill();
          });
          x += gap;
        }
      });
    } else {
      let y = top;
      for (const r of runs) {
        doc.font(r.font).fontSize(size);
        const h = doc.heightOfString(r.text, { width: contentWidth });
        const w = Math.min(contentWidth, doc.widthOfString(r.text));
        const lineTop = y;
        r.mark(() => {
          doc.font(r.font).fontSize(size).fillColor(r.color).text(r.text, contentLeft, lineTop, { width: contentWidth, align: 'center' });
        });
        boxes.push({ x: cx - w / 2, y: lineTop, w, h });
        y += h;
      }
    }
    return boxes;
  };

  // ---- border (artifact) -----------------------------------------------------------------
  const inner = 29;
  artifact(() => {
    const outer = 20;
    doc.lineWidth(2.6).strokeColor(NAVY).rect(outer, outer, W - 2 * outer, H - 2 * outer).stroke();
    doc.lineWidth(0.8).strokeColor(GOLD).rect(inner, inner, W - 2 * inner, H - 2 * inner).stroke();
    // Corner ornaments: a small gold diamond on each corner of the inner rule.
    const d = 5.5;
    doc.fillColor(GOLD);
    for (const [x, y] of [
      [inner, inner],
      [W - inner, inner],
      [inner, H - inner],
      [W - inner, H - inner],
    ] as const) {
      doc.polygon([x, y - d], [x + d, y], [x, y + d], [x - d, y]).fill();
    }
  });

  // ---- organization, heading ------------------------------------------------------------
  // Set in spaced capitals; the Span's ActualText gives extraction and assistive technology
  // the name as written (letter-spacing would otherwise come out as "P A C E").
  spanWithActualText(settings.organizationName, () => {
    fittedText(
      settings.organizationName.toLocaleUpperCase(lang),
      'bold',
      NAVY,
      { top: vy(54), width: contentWidth, height: 28, maxSize: 12, minSingleLine: 8, minSize: 6.5 },
      'text-too-long',
      { characterSpacing: 2 },
    );
  });
  artifact(() => {
    const y = vy(88);
    doc.lineWidth(0.8).strokeColor(GOLD).moveTo(cx - 34, y).lineTo(cx - 6, y).stroke();
    doc.moveTo(cx + 6, y).lineTo(cx + 34, y).stroke();
    doc.fillColor(GOLD).polygon([cx, y - 3], [cx + 3, y], [cx, y + 3], [cx - 3, y]).fill();
  });
  block('H1', () => {
    fittedText(
      labels.heading,
      'regular',
      NAVY,
      { top: vy(98), width: contentWidth, height: 50, maxSize: 36, minSingleLine: 22, minSize: 16 },
      'text-too-long',
    );
  });

  // ---- the learner and the course ---------------------------------------------------------
  block('P', () => {
    fittedText(
      labels.presentedTo,
      'italic',
      GREY,
      { top: vy(158), width: contentWidth, height: 20, maxSize: 13, minSingleLine: 9, minSize: 8 },
      'text-too-long',
    );
  });
  spanWithActualText(name, () => {
    fittedText(
      name,
      'bold',
      INK,
      // One line stands 18 pt above the rule; wrapped lines fill the box above it.
      { top: vy(184), width: contentWidth, height: vy(80), baseline: vy(270) - 18, maxSize: 40, minSingleLine: 18, minSize: 6 },
      'name-too-long',
      { unprintable: 'unprintable-name' },
    );
  });
  artifact(() => {
    const y = vy(270);
    doc.lineWidth(0.75).strokeColor(GOLD).moveTo(cx - 230, y).lineTo(cx + 230, y).stroke();
  });
  block('P', () => {
    fittedText(
      labels.forCompleting,
      'italic',
      GREY,
      { top: vy(282), width: contentWidth, height: 20, maxSize: 13, minSingleLine: 9, minSize: 8 },
      'text-too-long',
    );
  });
  block('P', () => {
    fittedText(
      courseTitle,
      'bold',
      NAVY,
      { top: vy(304), width: contentWidth, height: vy(58), maxSize: 22, minSingleLine: 15, minSize: 8 },
      'text-too-long',
    );
  });

  // ---- details: hours · completed · expires -------------------------------------------------
  const paragraph = (draw: () => void): void => block('P', draw);
  inlineRuns(
    [labels.hours, labels.completedOn, labels.expiresOn]
      .filter((s): s is string => s !== null)
      .map((text) => ({ text, font: FONT.regular, color: INK, mark: paragraph })),
    vy(374),
    11.5,
    8,
  );

  // ---- bottom row: signatory (left), seal or logo (centre), QR code (right) -------------------
  const bottomMargin = 72;
  const rowMiddle = vy(470);
  const sigWidth = 220;
  const sigCenter = bottomMargin + sigWidth / 2;
  const lineY = rowMiddle + 10;
  if (settings.signatoryName) {
    block('P', () => {
      fittedText(
        settings.signatoryName,
        'italic',
        INK,
        { top: lineY - 26, centerX: sigCenter, width: sigWidth, height: 22, maxSize: 16, minSingleLine: 9, minSize: 7 },
        'text-too-long',
      );
    });
  }
  artifact(() => {
    doc.lineWidth(0.75).strokeColor(INK).moveTo(sigCenter - sigWidth / 2, lineY).lineTo(sigCenter + sigWidth / 2, lineY).stroke();
  });
  if (settings.signatoryTitle) {
    block('P', () => {
      fittedText(
        settings.signatoryTitle,
        'regular',
        GREY,
        { top: lineY + 5, anchor: 'top', centerX: sigCenter, width: sigWidth, height: 26, maxSize: 10, minSingleLine: 8, minSize: 6 },
        'text-too-long',
      );
    });
  }

  const logo = settings.logo;
  if (logo) {
    // The organization's logo takes the seal's place, scaled to fit its box, centred in it.
    const scale = Math.min(LOGO_BOX.width / logo.width, LOGO_BOX.height / logo.height);
    const w = round2(logo.width * scale);
    const h = round2(logo.height * scale);
    const x = round2(cx - w / 2);
    const y = round2(rowMiddle - h / 2);
    block(
      'Figure',
      () => {
        doc.image(logo.data, x, y, { width: w, height: h });
      },
      { alt: `${settings.organizationName} logo`, bbox: [x, y, x + w, y + h], placement: 'Block' } as PDFKit.Mixins.StructureElementOptions,
    );
  } else {
    artifact(() => drawSeal(doc, cx, rowMiddle));
  }

  const qrSize = 76;
  const qrX = W - bottomMargin - qrSize;
  const qrY = rowMiddle - qrSize / 2;
  block(
    'Figure',
    () => drawQr(doc, url, qrX, qrY, qrSize, INK),
    // pdfkit 0.20 supports bbox/placement (a Layout attribute); @types/pdfkit does not list them.
    { alt: labels.qrAlt, bbox: [qrX, qrY, qrX + qrSize, qrY + qrSize], placement: 'Block' } as PDFKit.Mixins.StructureElementOptions,
  );

  // ---- footer: code · verification link ---------------------------------------------------
  const verifyPara = doc.struct('P');
  const link = doc.struct('Link');
  const boxes = inlineRuns(
    [
      { text: labels.code, font: FONT.bold, color: INK, mark: paragraph },
      {
        text: labels.verify,
        font: FONT.regular,
        color: GREY,
        mark: (draw) => {
          root.add(verifyPara);
          verifyPara.add(link);
          link.add(draw);
        },
      },
    ],
    Math.max(qrY + qrSize + 12, vy(538)),
    9,
    6.5,
  );
  const linkOptions = { structParent: link, Contents: new String(labels.verify) } as unknown as PDFKit.Mixins.AnnotationOption;
  const verifyBox = boxes[1]!;
  doc.link(verifyBox.x, verifyBox.y, verifyBox.w, verifyBox.h, url, linkOptions);
  doc.link(qrX, qrY, qrSize, qrSize, url, linkOptions);
  link.end();
  verifyPara.end();

  root.end();
  const footerBottom = verifyBox.y + verifyBox.h;
  if (footerBottom > H - inner) throw new Error('certificate layout overflow at the footer');

  // ---- finish, synchronously --------------------------------------------------------------
  const pages = (doc as unknown as { _root: { data: { Pages: { data: { Count: number } } } } })._root.data.Pages.data.Count;
  if (pages !== 1) throw new Error(`certificate layout overflowed onto ${pages} pages`);
  return finish(doc);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A gold rosette with a check mark: decoration only. */
function drawSeal(doc: Doc, sx: number, sy: number): void {
  const points: [number, number][] = [];
  const spikes = 36;
  for (let i = 0; i < spikes * 2; i++) {
    const r = i % 2 === 0 ? SEAL_RADIUS : SEAL_RADIUS - 3.5;
    const a = (Math.PI * i) / spikes - Math.PI / 2;
    points.push([round2(sx + r * Math.cos(a)), round2(sy + r * Math.sin(a))]);
  }
  doc.fillColor(GOLD).polygon(...points).fill();
  doc.fillColor('#ffffff').circle(sx, sy, SEAL_RADIUS - 7).fill();
  doc.lineWidth(1.2).strokeColor(GOLD).circle(sx, sy, SEAL_RADIUS - 9.5).stroke();
  doc.lineWidth(0.5).strokeColor(GOLD).circle(sx, sy, SEAL_RADIUS - 12.5).stroke();
  doc
    .lineWidth(4)
    .lineCap('round')
    .lineJoin('round')
    .strokeColor(NAVY)
    .moveTo(sx - 11, sy + 1)
    .lineTo(sx - 3, sy + 9)
    .lineTo(sx + 12, sy - 9)
    .stroke();
}

/**
 * pdfkit's `end()` produces the whole file synchronously when nothing asynchronous was used (no
 * images from URLs, no piped streams): every object is ended and `_finalize()` pushes the xref,
 * the trailer and then `null` into the Readable. But a 'data' listener would receive those chunks
 * only on a later tick (measured: 0 chunks right after `end()`, all 61 on the next tick), so we
 * attach none and drain the Readable's buffer with `read()`, which is synchronous. We check the
 * result really ends with %%EOF rather than trusting that.
 */
function finish(doc: Doc): Buffer {
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) {
    chunks.push(chunk);
  }
  const out = Buffer.concat(chunks);
  if (out.subarray(-6).toString('latin1') !== '%%EOF\n') {
    throw new Error('pdfkit did not finish the document synchronously');
  }
  return out;
}

/**
 * The QR code as vector rectangles: each run of dark modules in a row is one rectangle, all in
 * one path filled once (no seams between modules). Quiet zone: the white space around it.
 */
function drawQr(doc: Doc, text: string, x: number, y: number, size: number, color: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const m = size / n;
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      // Round the edges, not the sizes, so neighbouring modules share exact edges.
      const x0 = round2(x + start * m);
      const y0 = round2(y + row * m);
      doc.rect(x0, y0, round2(x + col * m) - x0, round2(y + (row + 1) * m) - y0);
    }
  }
  doc.fillColor(color).fill();
}

/**
 * The certificate PDF: a pure, synchronous function of its record.
 *
 * - One landscape page (US Letter or A4), BC Sans throughout (fonts parsed once, see fonts.ts;
 *   pdfkit subsets them per document).
 * - Byte-identical for the same record, labels and locale: dates come from the record, the
 *   trailer /ID from the code (see `setDocumentId`), nothing reads the clock or randomness.
 * - Tagged: a structure tree (Document > H1, P, Figure, Link), every other mark an Artifact,
 *   the learner's name in a Span whose ActualText is the name exactly as given, so text
 *   extraction returns it intact even where shaping reorders or combines glyphs.
 * - The QR code (to `${baseUrl}/verify/${code}`) is drawn as vector rectangles.
 *
 * The renderer is built once with the organization's settings and the parsed fonts; `render()`
 * then costs a few milliseconds.
 */
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';
import { formatCode, parseCode } from './codes';
import type { CertificateFonts } from './fonts';

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
};

export type CertificateRenderer = {
  render(record: CertificateRecord, t: Translate, locale: string): Buffer;
};

export type CertificateInputReason =
  | 'empty-name'
  | 'empty-course'
  | 'name-too-long'
  | 'text-too-long'
  | 'invalid-date'
  | 'invalid-hours'
  | 'invalid-code';

/** A record the renderer refuses. The app validates before issuing, so this means a bug or bad data. */
export class CertificateInputError extends Error {
  constructor(
    readonly reason: CertificateInputReason,
    message: string,
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
type FontName = (typeof FONT)[keyof typeof FONT];

/** The layout is designed on a 612 pt high page; vertical positions scale to the real height. */
const DESIGN_HEIGHT = 612;
const SEAL_RADIUS = 38;

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
  const metricsOf = (font: CertificateFonts[keyof CertificateFonts]): FontMetrics => ({
    ascent: font.ascent / font.unitsPerEm,
    capHeight: font.capHeight / font.unitsPerEm,
  });
  const metrics: Record<FontName, FontMetrics> = {
    [FONT.regular]: metricsOf(fonts.regular),
    [FONT.bold]: metricsOf(fonts.bold),
    [FONT.italic]: metricsOf(fonts.italic),
  };

  return {
    render(record: CertificateRecord, t: Translate, locale: string): Buffer {
      return renderCertificate(
        { fonts, metrics, paperSize, organizationName, signatoryName, signatoryTitle, baseUrl },
        record,
        t,
        locale,
      );
    },
  };
}

/** Per em: pdfkit puts a line's baseline `ascent` below the y it is given. */
type FontMetrics = { ascent: number; capHeight: number };
type Settings = CertificateRendererOptions & { metrics: Record<FontName, FontMetrics> };

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
  for (const [face, alias] of Object.entries(FONT) as [keyof typeof FONT, FontName][]) {
    // pdfkit's PDFFontFactory.open uses any object with a `layout` function (a fontkit font)
    // as-is; @types/pdfkit does not list that form.
    doc.registerFont(alias, settings.fonts[face] as unknown as PDFKit.Mixins.PDFFontSource);
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

  /**
   * The largest size at which `text` fits: on one line if that is possible at `minSingleLine` or
   * more, otherwise wrapped within `width` and `height`, shrinking to `minSize`. Throws
   * CertificateInputError(tooLong) below that: the text would overflow.
   */
  const fit = (
    text: string,
    font: FontName,
    box: Box,
    tooLong: CertificateInputReason,
    textOptions: PDFKit.Mixins.TextOptions = {},
  ): { size: number; height: number; singleLine: boolean } => {
    doc.font(font).fontSize(1);
    // Glyph widths are linear in the size (measure, i.e. shape, once); character spacing is not.
    const unitWidth = doc.widthOfString(text);
    const spacing = (textOptions.characterSpacing ?? 0) * (text.length - 1);
    const quarter = (n: number): number => Math.floor(n * 4) / 4;
    // Leave 1% so pdfkit's line wrapper never breaks a line we measured as fitting.
    const single = quarter(Math.min(box.maxSize, (box.width * 0.99 - spacing) / Math.max(unitWidth, 1e-6)));
    if (single >= box.minSingleLine) {
      doc.fontSize(single);
      const h = doc.currentLineHeight(true);
      if (h <= box.height) return { size: single, height: h, singleLine: true };
    }
    for (let size = Math.min(box.minSingleLine, box.maxSize); size >= box.minSize; size -= 0.5) {
      doc.fontSize(size);
      const h = doc.heightOfString(text, { ...textOptions, width: box.width });
      if (h <= box.height) return { size, height: h, singleLine: false };
    }
    throw new CertificateInputError(tooLong, `text does not fit on the certificate: ${text.slice(0, 80)}…`);
  };

  /**
   * Draw `text` centred horizontally in a box of `box.width` around `centerX`, vertically centred
   * in [top, top + height]. A single line is centred optically (cap height around the middle),
   * or stands on `baseline` when given; wrapped text is centred by its line boxes.
   */
  const fittedText = (
    text: string,
    font: FontName,
    color: string,
    box: Box & { top: number; centerX?: number; baseline?: number },
    tooLong: CertificateInputReason,
    textOptions: PDFKit.Mixins.TextOptions = {},
  ): void => {
    const { size, height, singleLine } = fit(text, font, box, tooLong, textOptions);
    const middle = box.top + box.height / 2;
    const metrics = settings.metrics[font];
    const top = !singleLine
      ? middle - height / 2
      : box.baseline !== undefined
        ? box.baseline - metrics.ascent * size
        : middle + (metrics.capHeight / 2 - metrics.ascent) * size;
    const left = (box.centerX ?? cx) - box.width / 2;
    doc
      .font(font)
      .fontSize(size)
      .fillColor(color)
      .text(text, left, top, { align: 'center', width: box.width, ...textOptions });
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
      FONT.bold,
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
      FONT.regular,
      NAVY,
      { top: vy(98), width: contentWidth, height: 50, maxSize: 36, minSingleLine: 22, minSize: 16 },
      'text-too-long',
    );
  });

  // ---- the learner and the course ---------------------------------------------------------
  block('P', () => {
    fittedText(
      labels.presentedTo,
      FONT.italic,
      GREY,
      { top: vy(158), width: contentWidth, height: 20, maxSize: 13, minSingleLine: 9, minSize: 8 },
      'text-too-long',
    );
  });
  spanWithActualText(name, () => {
    fittedText(
      name,
      FONT.bold,
      INK,
      // One line stands 18 pt above the rule; wrapped lines fill the box above it.
      { top: vy(184), width: contentWidth, height: vy(80), baseline: vy(270) - 18, maxSize: 40, minSingleLine: 18, minSize: 6 },
      'name-too-long',
    );
  });
  artifact(() => {
    const y = vy(270);
    doc.lineWidth(0.75).strokeColor(GOLD).moveTo(cx - 230, y).lineTo(cx + 230, y).stroke();
  });
  block('P', () => {
    fittedText(
      labels.forCompleting,
      FONT.italic,
      GREY,
      { top: vy(282), width: contentWidth, height: 20, maxSize: 13, minSingleLine: 9, minSize: 8 },
      'text-too-long',
    );
  });
  block('P', () => {
    fittedText(
      courseTitle,
      FONT.bold,
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

  // ---- bottom row: signatory (left), seal (centre), QR code (right) ---------------------------
  const bottomMargin = 72;
  const rowMiddle = vy(470);
  const sigWidth = 220;
  const sigCenter = bottomMargin + sigWidth / 2;
  const lineY = rowMiddle + 10;
  if (settings.signatoryName) {
    block('P', () => {
      fittedText(
        settings.signatoryName,
        FONT.italic,
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
      const { size } = fit(
        settings.signatoryTitle,
        FONT.regular,
        { width: sigWidth, height: 26, maxSize: 10, minSingleLine: 8, minSize: 6 },
        'text-too-long',
      );
      doc
        .font(FONT.regular)
        .fontSize(size)
        .fillColor(GREY)
        .text(settings.signatoryTitle, sigCenter - sigWidth / 2, lineY + 5, { width: sigWidth, align: 'center' });
    });
  }

  artifact(() => drawSeal(doc, cx, rowMiddle));

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

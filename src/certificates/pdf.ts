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

/** Labels the renderer asks `t()` for; English strings in pdf-strings.en.json. */
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

  return {
    render(record: CertificateRecord, t: Translate, locale: string): Buffer {
      return renderCertificate(
        { fonts, paperSize, organizationName, signatoryName, signatoryTitle, baseUrl },
        record,
        t,
        locale,
      );
    },
  };
}

type Settings = Omit<CertificateRendererOptions, 'baseUrl'> & { baseUrl: string };

function renderCertificate(settings: Settings, record: CertificateRecord, t: Translate, locale: string): Buffer {
  // ---- validate the record -------------------------------------------------------------
  const holderName = typeof record.holderName === 'string' ? record.holderName : '';
  if (holderName.trim() === '') throw new CertificateInputError('empty-name', 'holderName is empty');
  const courseTitle = typeof record.courseTitle === 'string' ? record.courseTitle.trim() : '';
  if (courseTitle === '') throw new CertificateInputError('empty-course', 'courseTitle is empty');
  if (!isValidDate(record.issuedAt)) throw new CertificateInputError('invalid-date', 'issuedAt is not a valid Date');
  if (record.expiresAt !== null && !isValidDate(record.expiresAt)) {
    throw new CertificateInputError('invalid-date', 'expiresAt is not a valid Date');
  }
  if (record.hours !== null && !(typeof record.hours === 'number' && Number.isFinite(record.hours) && record.hours >= 0)) {
    throw new CertificateInputError('invalid-hours', 'hours must be a non-negative number or null');
  }
  const parsed = parseCode(record.code);
  if (!parsed.ok) throw new CertificateInputError('invalid-code', `code is not a valid certificate code (${parsed.reason})`);
  const code = parsed.code;

  // The name is drawn exactly as given, apart from surrounding whitespace.
  const name = holderName.trim();
  const lang = safeLocale(locale);
  const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  const url = `${settings.baseUrl}/verify/${code}`;
  // Values are plain text, not HTML: never let i18next HTML-escape them.
  const tr = (key: string, vars: Record<string, unknown> = {}): string =>
    t(key, { ...vars, interpolation: { escapeValue: false } });

  const labels = {
    title: tr('certificate.pdf.documentTitle', { name, course: courseTitle }),
    heading: tr('certificate.pdf.heading'),
    presentedTo: tr('certificate.pdf.presentedTo'),
    forCompleting: tr('certificate.pdf.forCompleting'),
    hours: record.hours === null ? null : tr('certificate.pdf.hours', { count: record.hours }),
    completedOn: tr('certificate.pdf.completedOn', { date: dateFormat.format(record.issuedAt) }),
    expiresOn: record.expiresAt === null ? null : tr('certificate.pdf.expiresOn', { date: dateFormat.format(record.expiresAt) }),
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

  const artifact = (draw: () => void): void => {
    doc.markContent('Artifact', { type: 'Layout' });
    doc.save();
    draw();
    doc.restore();
    doc.endMarkedContent();
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

  /** A paragraph-like element whose content is drawn by `draw`. */
  const block = (tag: string, draw: () => void, options?: PDFKit.Mixins.StructureElementOptions): void => {
    root.add(doc.struct(tag, options ?? {}, () => draw()));
  };

  const fit = (
    text: string,
    font: FontName,
    box: { width: number; height: number; maxSize: number; minSingleLine: number; minSize: number },
    tooLong: CertificateInputReason,
    textOptions: PDFKit.Mixins.TextOptions = {},
  ): { size: number; height: number } => {
    doc.font(font).fontSize(1);
    const unitWidth = doc.widthOfString(text, textOptions);
    const floorQ = (n: number): number => Math.floor(n * 4) / 4;
    // Leave 1% so pdfkit's line wrapper never breaks a line we measured as fitting.
    const single = floorQ(Math.min(box.maxSize, (box.width * 0.99) / Math.max(unitWidth, 1e-6)));
    if (single >= box.minSingleLine) {
      doc.fontSize(single);
      const h = doc.currentLineHeight(true);
      if (h <= box.height) return { size: single, height: h };
    }
    for (let size = Math.min(box.minSingleLine, box.maxSize); size >= box.minSize; size -= 0.5) {
      doc.fontSize(size);
      const h = doc.heightOfString(text, { ...textOptions, width: box.width });
      if (h <= box.height) return { size, height: h };
    }
    throw new CertificateInputError(tooLong, `text does not fit on the certificate: ${text.slice(0, 80)}…`);
  };

  /** Draw `text` centred in a box, shrunk (then wrapped) to fit; returns nothing. */
  const fittedText = (
    text: string,
    font: FontName,
    color: string,
    box: { top: number; width: number; height: number; maxSize: number; minSingleLine: number; minSize: number; left?: number },
    tooLong: CertificateInputReason,
    textOptions: PDFKit.Mixins.TextOptions = {},
  ): { size: number; top: number; height: number } => {
    const { size, height } = fit(text, font, box, tooLong, textOptions);
    const top = box.top + (box.height - height) / 2;
    doc
      .font(font)
      .fontSize(size)
      .fillColor(color)
      .text(text, box.left ?? cx - box.width / 2, top, { align: 'center', width: box.width, ...textOptions });
    return { size, top, height };
  };

  // ---- border (artifact) -----------------------------------------------------------------
  artifact(() => {
    const outer = 20;
    const inner = 29;
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
  const orgText = settings.organizationName.toLocaleUpperCase(lang);
  spanWithActualText(settings.organizationName, () => {
    fittedText(
      orgText,
      FONT.bold,
      NAVY,
      { top: vy(58), width: contentWidth, height: 24, maxSize: 12, minSingleLine: 8, minSize: 6.5 },
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
      { top: vy(96), width: contentWidth, height: 52, maxSize: 36, minSingleLine: 22, minSize: 16 },
      'text-too-long',
    );
  });

  // ---- the learner ------------------------------------------------------------------------
  block('P', () => {
    fittedText(
      labels.presentedTo,
      FONT.italic,
      GREY,
      { top: vy(160), width: contentWidth, height: 20, maxSize: 13, minSingleLine: 9, minSize: 8 },
      'text-too-long',
    );
  });

  spanWithActualText(name, () => {
    fittedText(
      name,
      FONT.bold,
      INK,
      { top: vy(182), width: contentWidth, height: vy(84), maxSize: 40, minSingleLine: 18, minSize: 6 },
      'name-too-long',
    );
  });

  artifact(() => {
    const y = vy(272);
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
  const details = [labels.hours, labels.completedOn, labels.expiresOn].filter((s): s is string => s !== null);
  {
    const gap = 26;
    let size = 11.5;
    doc.font(FONT.regular);
    const widthAt = (s: number): number => {
      doc.fontSize(s);
      return details.reduce((sum, d) => sum + doc.widthOfString(d), 0) + gap * (details.length - 1);
    };
    while (size > 8 && widthAt(size) > contentWidth) size -= 0.5;
    const total = widthAt(size);
    const top = vy(372);
    if (total <= contentWidth) {
      let x = cx - total / 2;
      const lineH = doc.currentLineHeight();
      details.forEach((d, i) => {
        const w = doc.widthOfString(d);
        const left = x;
        block('P', () => {
          doc.font(FONT.regular).fontSize(size).fillColor(INK).text(d, left, top, { lineBreak: false });
        });
        x += w;
        if (i < details.length - 1) {
          const dotX = x + gap / 2;
          artifact(() => {
            doc.fillColor(GOLD).circle(dotX, top + lineH * 0.55, 1.8).fill();
          });
          x += gap;
        }
      });
    } else {
      // Long translations: one line each.
      details.forEach((d, i) => {
        block('P', () => {
          doc
            .font(FONT.regular)
            .fontSize(size)
            .fillColor(INK)
            .text(d, contentLeft, top + i * size * 1.4, { width: contentWidth, align: 'center' });
        });
      });
    }
  }

  // ---- signatory (left) -----------------------------------------------------------------
  const bottomMargin = 72;
  const sigWidth = 220;
  const sigCenter = bottomMargin + sigWidth / 2;
  const lineY = vy(498);
  if (settings.signatoryName) {
    block('P', () => {
      fittedText(
        settings.signatoryName,
        FONT.italic,
        INK,
        { top: lineY - 26, left: sigCenter - sigWidth / 2, width: sigWidth, height: 24, maxSize: 16, minSingleLine: 9, minSize: 7 },
        'text-too-long',
      );
    });
  }
  artifact(() => {
    doc.lineWidth(0.75).strokeColor(INK).moveTo(sigCenter - sigWidth / 2, lineY).lineTo(sigCenter + sigWidth / 2, lineY).stroke();
  });
  if (settings.signatoryTitle) {
    block('P', () => {
      doc.font(FONT.regular);
      const { size } = fit(
        settings.signatoryTitle,
        FONT.regular,
        { width: sigWidth, height: 28, maxSize: 10, minSingleLine: 8, minSize: 6 },
        'text-too-long',
      );
      doc
        .fontSize(size)
        .fillColor(GREY)
        .text(settings.signatoryTitle, sigCenter - sigWidth / 2, lineY + 5, { width: sigWidth, align: 'center' });
    });
  }

  // ---- seal (centre, artifact) ----------------------------------------------------------
  artifact(() => {
    const sx = cx;
    const sy = vy(486);
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
    // A check mark: completed.
    doc
      .lineWidth(4)
      .lineCap('round')
      .lineJoin('round')
      .strokeColor(NAVY)
      .moveTo(sx - 11, sy + 1)
      .lineTo(sx - 3, sy + 9)
      .lineTo(sx + 12, sy - 9)
      .stroke();
  });

  // ---- verification (right): QR, code, link ------------------------------------------------
  const qrSize = 76;
  const qrX = W - bottomMargin - qrSize;
  const qrY = vy(486) - qrSize / 2;
  block(
    'Figure',
    () => {
      drawQr(doc, url, qrX, qrY, qrSize, INK);
    },
    // pdfkit 0.20 supports bbox/placement (a Layout attribute); @types/pdfkit does not list them.
    { alt: labels.qrAlt, bbox: [qrX, qrY, qrX + qrSize, qrY + qrSize], placement: 'Block' } as PDFKit.Mixins.StructureElementOptions,
  );

  const textRight = qrX - 12;
  const textLeft = cx + SEAL_RADIUS + 18;
  const textWidth = textRight - textLeft;
  let codeBottom = 0;
  block('P', () => {
    const { size } = fit(
      labels.code,
      FONT.bold,
      { width: textWidth, height: 30, maxSize: 10, minSingleLine: 7.5, minSize: 6 },
      'text-too-long',
    );
    doc.font(FONT.bold).fontSize(size);
    const h = doc.heightOfString(labels.code, { width: textWidth });
    const top = qrY + qrSize / 2 - h - 1;
    doc.fillColor(INK).text(labels.code, textLeft, top, { width: textWidth, align: 'right' });
    codeBottom = top + h;
  });

  const verifyPara = doc.struct('P');
  root.add(verifyPara);
  const link = doc.struct('Link');
  verifyPara.add(link);
  let verifyBox = { x: textLeft, y: 0, w: textWidth, h: 0 };
  link.add(() => {
    const { size } = fit(
      labels.verify,
      FONT.regular,
      { width: textWidth, height: 36, maxSize: 8.5, minSingleLine: 6.5, minSize: 5 },
      'text-too-long',
    );
    doc.font(FONT.regular).fontSize(size);
    const h = doc.heightOfString(labels.verify, { width: textWidth });
    const top = codeBottom + 3;
    doc.fillColor(GREY).text(labels.verify, textLeft, top, { width: textWidth, align: 'right' });
    const w = Math.min(textWidth, doc.widthOfString(labels.verify));
    verifyBox = { x: textRight - w, y: top, w, h };
  });
  const linkOptions = { structParent: link, Contents: new String(labels.verify) } as unknown as PDFKit.Mixins.AnnotationOption;
  doc.link(verifyBox.x, verifyBox.y, verifyBox.w, verifyBox.h, url, linkOptions);
  doc.link(qrX, qrY, qrSize, qrSize, url, linkOptions);
  link.end();
  verifyPara.end();

  root.end();

  // ---- finish, synchronously --------------------------------------------------------------
  const pages = (doc as unknown as { _root: { data: { Pages: { data: { Count: number } } } } })._root.data.Pages.data.Count;
  if (pages !== 1) throw new Error(`certificate layout overflowed onto ${pages} pages`);
  return finish(doc);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * pdfkit's `end()` writes everything synchronously when nothing asynchronous was used (no
 * images from URLs, no streams): every object is ended and `_finalize()` pushes the xref and
 * trailer and then `null`. The pushed chunks sit in the Readable's buffer (pushes before the
 * first read are buffered even with a 'data' listener), so `read()` right after `end()` returns
 * the whole file. We check it really ends with %%EOF rather than trusting that.
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

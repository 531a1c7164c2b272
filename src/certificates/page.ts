/**
 * The certificate page: where each part goes and how it is tagged. One landscape page laid out
 * on a 612 pt high design (vertical positions scale to the paper's real height): the border,
 * the organization and heading, the learner's name on a rule, the course, a row of details,
 * then the signatory, the seal or logo and the QR code, and a footer with the code and link.
 *
 * The texts are fitted and drawn by typeset.ts (layout.ts decides sizes and lines); ornaments
 * come from ornaments.ts; tagging from tagging.ts; the pdfkit internals relied on are in
 * pdfkit-patches.ts. The order of the calls below is part of the output: pdfkit numbers objects
 * and fonts as they are made, and the same record must give the same bytes.
 */
import PDFDocument from 'pdfkit';
import { formatCode } from './codes';
import { chainEntries, Shaper, type FontChains, type LaidLine } from './layout';
import { LOGO_BOX, type PreparedLogo } from './logo';
import { drawBorder, drawDividerWithDiamond, drawQr, drawSeal, drawSeparatorDot, logoPlacement } from './ornaments';
import type { CertificateRecord, PaperSize, Translate } from './pdf';
import { escapeXmpInfo, finish, freshGlyphCaches, pageCount, setDocumentId } from './pdfkit-patches';
import { certificateLabels, checkRecord, safeLocale } from './record';
import { tagging } from './tagging';
import { typesetter, type InlineRun } from './typeset';

/** The renderer's settings, checked once (see createCertificateRenderer). */
export type PageSettings = {
  chains: FontChains;
  paperSize: PaperSize;
  organizationName: string;
  signatoryName: string;
  signatoryTitle: string;
  /** Without a trailing slash. */
  baseUrl: string;
  logo: PreparedLogo | null;
};

// Points, portrait [width, height].
export const PAPER: Record<PaperSize, [number, number]> = {
  LETTER: [612, 792],
  A4: [595.28, 841.89],
};

const NAVY = '#1f3a5f';
const GOLD = '#b08a2e';
const INK = '#1c2530';
const GREY = '#545e69';
const PALETTE = { navy: NAVY, gold: GOLD };

/** The layout is designed on a 612 pt high page; vertical positions scale to the real height. */
const DESIGN_HEIGHT = 612;

/** The PDF, and the lines of the learner's name as drawn (for the test against HarfBuzz). */
export type RenderedCertificate = { pdf: Buffer; nameLines: LaidLine[] };

export function renderCertificate(settings: PageSettings, record: CertificateRecord, t: Translate, locale: string): RenderedCertificate {
  const checked = checkRecord(record);
  const { name, courseTitle, code } = checked;
  const lang = safeLocale(locale);
  const url = `${settings.baseUrl}/verify/${code}`;
  const labels = certificateLabels(checked, url, t, lang);

  // ---- the document --------------------------------------------------------------------
  // Empty glyph caches, as in a process that just started: see pdfkit-patches.ts. Fonts not
  // parsed yet are fresh when they are.
  freshGlyphCaches(chainEntries(settings.chains).filter((e) => e.loaded).map((e) => e.font));
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

  const W = doc.page.width;
  const H = doc.page.height;
  const cx = W / 2;
  const vy = (designY: number): number => (designY * H) / DESIGN_HEIGHT;
  const contentLeft = 96;
  const contentWidth = W - 2 * contentLeft;

  const root = doc.struct('Document');
  doc.addStructure(root);
  const { artifact, block, withActualText } = tagging(doc, root);
  const { fittedText, inlineRuns } = typesetter(doc, settings.chains, new Shaper(), { centerX: cx, left: contentLeft, width: contentWidth });
  const dot = (x: number, y: number): void => artifact(() => drawSeparatorDot(doc, x, y, GOLD));

  // ---- border (artifact) -----------------------------------------------------------------
  const inner = 29;
  artifact(() => drawBorder(doc, W, H, inner, PALETTE));

  // ---- organization, heading ------------------------------------------------------------
  // Set in spaced capitals; the Span's ActualText gives extraction and assistive technology
  // the name as written (letter-spacing would otherwise come out as "P A C E").
  withActualText(settings.organizationName, () => {
    fittedText(
      settings.organizationName.toLocaleUpperCase(lang),
      'bold',
      NAVY,
      { top: vy(54), width: contentWidth, height: 28, maxSize: 12, minSingleLine: 8, minSize: 6.5 },
      'text-too-long',
      { characterSpacing: 2 },
    );
  });
  artifact(() => drawDividerWithDiamond(doc, cx, vy(88), GOLD));
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
  let nameLines: LaidLine[] = [];
  withActualText(name, () => {
    nameLines = fittedText(
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
      .map((text): InlineRun => ({ text, face: 'regular', color: INK, mark: paragraph })),
    vy(374),
    11.5,
    8,
    dot,
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
  // A line to sign on only under someone who signs: without a signatory it would be a blank
  // that anyone could fill in.
  if (settings.signatoryName || settings.signatoryTitle) {
    artifact(() => {
      doc.lineWidth(0.75).strokeColor(INK).moveTo(sigCenter - sigWidth / 2, lineY).lineTo(sigCenter + sigWidth / 2, lineY).stroke();
    });
  }
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
    const { x, y, w, h } = logoPlacement(logo, cx, rowMiddle, LOGO_BOX);
    block(
      'Figure',
      () => {
        doc.image(logo.data, x, y, { width: w, height: h });
      },
      { alt: `${settings.organizationName} logo`, bbox: [x, y, x + w, y + h], placement: 'Block' } as PDFKit.Mixins.StructureElementOptions,
    );
  } else {
    artifact(() => drawSeal(doc, cx, rowMiddle, PALETTE));
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
      { text: labels.code, face: 'bold', color: INK, mark: paragraph },
      {
        text: labels.verify,
        face: 'regular',
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
    dot,
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
  const pages = pageCount(doc);
  if (pages !== 1) throw new Error(`certificate layout overflowed onto ${pages} pages`);
  return { pdf: finish(doc), nameLines };
}

/**
 * The certificate's drawn ornaments and figures, all vectors: the double border, the rule under
 * the organization's name, the separator dots, the gold seal, and the QR code. The caller marks
 * each as an Artifact (decoration) or a Figure (the QR code).
 */
import * as QRCode from 'qrcode';
import type { PreparedLogo } from './logo';

type Doc = PDFKit.PDFDocument;

export type Palette = { navy: string; gold: string };

/** Positions are rounded to 1/100 pt where they are computed, so the content stream is short and stable. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A navy outer rule, a gold inner rule `inner` pt from the edge, a gold diamond on each inner corner. */
export function drawBorder(doc: Doc, width: number, height: number, inner: number, palette: Palette): void {
  const outer = 20;
  doc.lineWidth(2.6).strokeColor(palette.navy).rect(outer, outer, width - 2 * outer, height - 2 * outer).stroke();
  doc.lineWidth(0.8).strokeColor(palette.gold).rect(inner, inner, width - 2 * inner, height - 2 * inner).stroke();
  const d = 5.5;
  doc.fillColor(palette.gold);
  for (const [x, y] of [
    [inner, inner],
    [width - inner, inner],
    [inner, height - inner],
    [width - inner, height - inner],
  ] as const) {
    doc.polygon([x, y - d], [x + d, y], [x, y + d], [x - d, y]).fill();
  }
}

/** Two short gold rules with a small diamond between them, centred on `cx`. */
export function drawDividerWithDiamond(doc: Doc, cx: number, y: number, gold: string): void {
  doc.lineWidth(0.8).strokeColor(gold).moveTo(cx - 34, y).lineTo(cx - 6, y).stroke();
  doc.moveTo(cx + 6, y).lineTo(cx + 34, y).stroke();
  doc.fillColor(gold).polygon([cx, y - 3], [cx + 3, y], [cx, y + 3], [cx - 3, y]).fill();
}

/** The small dot between the runs of a row (hours · completed · expires). */
export function drawSeparatorDot(doc: Doc, x: number, y: number, gold: string): void {
  doc.fillColor(gold).circle(x, y, 1.7).fill();
}

const SEAL_RADIUS = 38;

/** A gold rosette with a check mark: decoration only. */
export function drawSeal(doc: Doc, sx: number, sy: number, palette: Palette): void {
  const points: [number, number][] = [];
  const spikes = 36;
  for (let i = 0; i < spikes * 2; i++) {
    const r = i % 2 === 0 ? SEAL_RADIUS : SEAL_RADIUS - 3.5;
    const a = (Math.PI * i) / spikes - Math.PI / 2;
    points.push([round2(sx + r * Math.cos(a)), round2(sy + r * Math.sin(a))]);
  }
  doc.fillColor(palette.gold).polygon(...points).fill();
  doc.fillColor('#ffffff').circle(sx, sy, SEAL_RADIUS - 7).fill();
  doc.lineWidth(1.2).strokeColor(palette.gold).circle(sx, sy, SEAL_RADIUS - 9.5).stroke();
  doc.lineWidth(0.5).strokeColor(palette.gold).circle(sx, sy, SEAL_RADIUS - 12.5).stroke();
  doc
    .lineWidth(4)
    .lineCap('round')
    .lineJoin('round')
    .strokeColor(palette.navy)
    .moveTo(sx - 11, sy + 1)
    .lineTo(sx - 3, sy + 9)
    .lineTo(sx + 12, sy - 9)
    .stroke();
}

/** Where the logo goes in the seal's place: scaled to fit `box`, centred on (cx, cy). */
export function logoPlacement(
  logo: PreparedLogo,
  cx: number,
  cy: number,
  box: { width: number; height: number },
): { x: number; y: number; w: number; h: number } {
  const scale = Math.min(box.width / logo.width, box.height / logo.height);
  const w = round2(logo.width * scale);
  const h = round2(logo.height * scale);
  return { x: round2(cx - w / 2), y: round2(cy - h / 2), w, h };
}

/**
 * The QR code as vector rectangles: each run of dark modules in a row is one rectangle, all in
 * one path filled once (no seams between modules). Quiet zone: the white space around it.
 */
export function drawQr(doc: Doc, text: string, x: number, y: number, size: number, color: string): void {
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

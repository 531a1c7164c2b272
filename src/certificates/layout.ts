/**
 * Text layout for the certificate, with no PDF document: which font draws each grapheme
 * cluster, how wide a text is, where its lines break, and the size at which it fits its box.
 *
 * - A text is cut into grapheme clusters (a letter with its combining marks, a Gurmukhi
 *   consonant with its vowel signs), each in the first font of its face's chain that draws it
 *   (BC Sans, then the fallbacks: see text-runs.ts). A line never breaks inside a cluster.
 * - Neighbouring clusters in one font form a piece: what one `text()` call draws and the font
 *   shapes as a whole. A line of several pieces is set on one baseline and centred by its total
 *   width (pdfkit cannot centre a line made of several fonts, so lines are broken here).
 * - Widths come from a Measure: TextMeasure computes them from the fonts alone, exactly as pdfkit
 *   does (to the last bit of the floating-point result), so what is laid out is what pdfkit draws.
 */
import type * as fontkit from 'fontkit';
import type { CertificateFonts } from './fonts';
import { splitIntoRuns } from './text-runs';

/** The faces a certificate sets text in, by their pdfkit alias (BC Sans). */
export const FACE_ALIASES = { regular: 'BCSans', bold: 'BCSans-Bold', italic: 'BCSans-Italic' } as const;
export type Face = keyof typeof FACE_ALIASES;

/** One font of a chain with its pdfkit alias and its metrics per em. */
export type ChainEntry = {
  alias: string;
  font: fontkit.Font;
  /** pdfkit puts a line's baseline `ascent` below the y it is given. */
  ascent: number;
  descent: number;
  lineGap: number;
  capHeight: number;
};

export type FontChains = Record<Face, ChainEntry[]>;

/** Per face: BC Sans, then each fallback (regular weight for italic: those scripts have no italic). */
export function fontChains(fonts: CertificateFonts): FontChains {
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
    entry(FACE_ALIASES[face], fonts[face]),
    ...fallbacks.map((f) => entry(`${f.family}-${weight === 'bold' ? 'Bold' : 'Regular'}`, f[weight])),
  ];
  return { regular: chain('regular', 'regular'), bold: chain('bold', 'bold'), italic: chain('italic', 'regular') };
}

/** Every alias of the chains with its font, each once, in chain order (to register with a document). */
export function chainFonts(chains: FontChains): [string, fontkit.Font][] {
  return [...new Map(Object.values(chains).flat().map((e) => [e.alias, e.font])).entries()];
}

/**
 * How wide texts are, in points. Two implementations give the same numbers to the last bit:
 * TextMeasure below (fontkit only), and the certificate page's, which asks its pdfkit document
 * so that pdfkit shapes each word once for both measuring and drawing (see typeset.ts).
 */
export interface Measure {
  /** The width at 1 pt of a chain entry's text; widths are linear in the size. */
  unitWidth(entry: ChainEntry, text: string): number;
  /** The width of `text` in the entry's font at `size`, with no extra character spacing. */
  width(entry: ChainEntry, text: string, size: number): number;
}

/**
 * Widths from the fonts alone, computed as pdfkit computes them (`doc.widthOfString`,
 * EmbeddedFont.layout): the text shaped word by word (cut after each space or tab), each glyph's
 * advance scaled to 1000 units per em and summed in order, then scaled to the size. The same
 * operations in the same order give the same bits (layout.test.ts compares it with the
 * document's measure), so a layout made with it is the one a certificate draws. Each word is
 * shaped once per measure and kept: make one measure per document or task, not one per process.
 */
export class TextMeasure implements Measure {
  private readonly advances = new Map<fontkit.Font, Map<string, number>>();

  width(entry: ChainEntry, text: string, size: number): number {
    // doc.widthOfString: (font width + characterSpacing × (length − 1)) × horizontalScaling / 100.
    return ((this.advance(entry.font, text) * (size / 1000) + 0 * (text.length - 1)) * 100) / 100;
  }

  unitWidth(entry: ChainEntry, text: string): number {
    return this.width(entry, text, 1);
  }

  /** The advance of `text` in 1000 units per em, summed word by word as pdfkit does. */
  private advance(font: fontkit.Font, text: string): number {
    let advance = 0;
    let last = 0;
    let index = 0;
    while (index <= text.length) {
      if ((index === text.length && last < index) || text.charAt(index) === ' ' || text.charAt(index) === '\t') {
        advance += this.wordAdvance(font, text.slice(last, ++index));
        last = index;
      } else {
        index++;
      }
    }
    return advance;
  }

  /** One word shaped (cached per word, as pdfkit caches its layouts). */
  private wordAdvance(font: fontkit.Font, word: string): number {
    let byWord = this.advances.get(font);
    if (!byWord) this.advances.set(font, (byWord = new Map()));
    let advance = byWord.get(word);
    if (advance === undefined) {
      const scale = 1000 / font.unitsPerEm;
      advance = 0;
      for (const position of font.layout(word).positions) advance += position.xAdvance * scale;
      byWord.set(word, advance);
    }
    return advance;
  }
}

/** pdfkit's `currentLineHeight()` for `font` at `size` (ascender to descender, no line gap). */
export function lineHeightOf(font: fontkit.Font, size: number): number {
  const scale = 1000 / font.unitsPerEm;
  return ((font.ascent * scale + 0 - font.descent * scale) / 1000) * size;
}

/** A grapheme cluster as drawn, in one font of its chain. */
export type Cluster = { text: string; entry: ChainEntry; space: boolean };
/** Consecutive clusters of a line in one font: drawn (and shaped) by one `text()` call. */
export type Piece = { text: string; entry: ChainEntry };

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
const WHITESPACE = /^\s+$/u;
/** Scripts whose lines may break between any two characters. */
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

/**
 * The text's clusters, each in the first font of `chain` that draws it (see text-runs.ts), and
 * the clusters no font can draw (`unprintable`, each once; the caller refuses the text).
 */
export function clustersOf(text: string, chain: readonly ChainEntry[]): { clusters: Cluster[]; unprintable: string[] } {
  const split = splitIntoRuns(text, chain.map((e) => e.font));
  const clusters: Cluster[] = [];
  for (const run of split.runs) {
    for (const { segment } of GRAPHEMES.segment(run.text)) {
      clusters.push({ text: segment, entry: chain[run.font]!, space: WHITESPACE.test(segment) });
    }
  }
  return { clusters, unprintable: split.unprintable };
}

export function piecesOf(clusters: readonly Cluster[]): Piece[] {
  const pieces: Piece[] = [];
  for (const c of clusters) {
    const last = pieces[pieces.length - 1];
    if (last && last.entry === c.entry) last.text += c.text;
    else pieces.push({ text: c.text, entry: c.entry });
  }
  return pieces;
}

/** The width of one piece at `size` with `spacing` after each character (pdfkit's characterSpacing). */
export function pieceWidth(measure: Measure, piece: Piece, size: number, spacing: number): number {
  return measure.unitWidth(piece.entry, piece.text) * size + spacing * [...piece.text].length;
}

/** Width of clusters at `size` with `spacing` after each character. */
export function widthOf(measure: Measure, clusters: readonly Cluster[], size: number, spacing: number): number {
  return piecesOf(clusters).reduce((sum, p) => sum + pieceWidth(measure, p, size, spacing), 0);
}

function trimSpaces(clusters: Cluster[]): Cluster[] {
  let start = 0;
  let end = clusters.length;
  while (start < end && clusters[start]!.space) start++;
  while (end > start && clusters[end - 1]!.space) end--;
  return clusters.slice(start, end);
}

/**
 * Where a line may break: after spaces, after a hyphen before a letter, and between CJK
 * characters (not before punctuation, not after opening punctuation). A word too long for a
 * line on its own is broken between any two clusters, as pdfkit does.
 */
function breakBefore(prev: Cluster, next: Cluster): boolean {
  if (next.space) return false;
  if (prev.space) return true;
  if (/[-\u2010]$/.test(prev.text) && /^\p{L}/u.test(next.text)) return true;
  if (/^\p{P}/u.test(next.text) || /\p{Ps}$/u.test(prev.text)) return false;
  return IDEOGRAPHIC.test(prev.text) || IDEOGRAPHIC.test(next.text);
}

/** Greedy line breaking of `clusters` at `size` within `width`; lines carry no outer spaces. */
export function wrap(measure: Measure, clusters: Cluster[], size: number, width: number, spacing: number): Cluster[][] {
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
    const w = widthOf(measure, body, size, spacing);
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
        const cw = widthOf(measure, [c], size, spacing);
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
    used += widthOf(measure, spaces, size, spacing);
  }
  if (line.length > 0) lines.push(trimSpaces(line));
  return lines.filter((l) => l.length > 0);
}

/** Sizes in points: the largest wanted, the least for one line, the least wrapped; the box's. */
export type FitBox = { width: number; height: number; maxSize: number; minSingleLine: number; minSize: number };

export type FittedText = {
  size: number;
  lines: Cluster[][];
  singleLine: boolean;
  /** Per point of size: the tallest line box and the tallest ascent of the fonts used. */
  lineHeight: number;
  ascent: number;
};

/**
 * The largest size at which the clusters fit: on one line if that is possible at
 * `minSingleLine` or more, otherwise wrapped within `width` and `height`, shrinking in half
 * points to `minSize`. Null below that: the text would overflow its box. `emptyEntry` gives the
 * metrics of a text that draws nothing (only invisible characters).
 */
export function fit(measure: Measure, clusters: Cluster[], box: FitBox, spacing: number, emptyEntry: ChainEntry): FittedText | null {
  const entries = [...new Set(clusters.map((c) => c.entry))];
  if (entries.length === 0) entries.push(emptyEntry);
  const lineHeight = Math.max(...entries.map((e) => e.ascent - e.descent + e.lineGap));
  const ascent = Math.max(...entries.map((e) => e.ascent));
  const text = trimSpaces(clusters);
  const unit = widthOf(measure, text, 1, 0);
  const spacingTotal = spacing * text.reduce((n, c) => n + [...c.text].length, 0);
  const quarter = (n: number): number => Math.floor(n * 4) / 4;
  // Leave 1%, as the layout before fallback fonts did, for rounding in the content stream.
  const single = quarter(Math.min(box.maxSize, (box.width * 0.99 - spacingTotal) / Math.max(unit, 1e-6)));
  if (single >= box.minSingleLine && lineHeight * single <= box.height) {
    return { size: single, lines: [text], singleLine: true, lineHeight, ascent };
  }
  for (let size = Math.min(box.minSingleLine, box.maxSize); size >= box.minSize; size -= 0.5) {
    const lines = wrap(measure, clusters, size, box.width * 0.99, spacing);
    if (lines.length * lineHeight * size <= box.height) return { size, lines, singleLine: false, lineHeight, ascent };
  }
  return null;
}

/** A short text in one font (no fallbacks), for a row of them. */
export type InlineText = { text: string; entry: ChainEntry };

/**
 * The size at which short texts fit on one line of `width`, `gap` apart: `maxSize`, shrunk in
 * half points down to `minSize`. `oneLine` is false when they do not fit even then (the caller
 * sets them one a line); `widths` are each text's width at `size`.
 */
export function fitInline(
  measure: Measure,
  texts: readonly InlineText[],
  width: number,
  gap: number,
  maxSize: number,
  minSize: number,
): { size: number; widths: number[]; total: number; oneLine: boolean } {
  const widths = (size: number): number[] => texts.map((r) => measure.width(r.entry, r.text, size));
  const total = (size: number): number => widths(size).reduce((a, b) => a + b, 0) + gap * (texts.length - 1);
  let size = maxSize;
  while (size > minSize && total(size) > width) size -= 0.5;
  return { size, widths: widths(size), total: total(size), oneLine: total(size) <= width };
}

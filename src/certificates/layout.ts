/**
 * Text layout for the certificate, with no PDF document: which font draws each grapheme
 * cluster, in which direction, how the runs are shaped, how wide a text is, where its lines
 * break, the size at which it fits its box, and, line by line, the glyphs drawn and where.
 *
 * - A text is cut into grapheme clusters, each in one font of its face's chain (BC Sans, then
 *   the fallbacks: see text-runs.ts). A line never breaks inside a cluster.
 * - Each character gets its bidi embedding level (bidi.ts: the Unicode Bidirectional Algorithm
 *   over the whole text, its direction from its first strong character).
 * - Neighbouring clusters in one font, at one level and in one script form an item, shaped as a
 *   whole (shaping.ts), right to left at an odd level. A line's items are put in visual order
 *   (rule L2), set on one baseline and centred by their total width.
 * - `layLine` returns exactly what typeset.ts draws: per run, its font and glyphs (ids,
 *   advances, offsets) and its x; test/certificates/harfbuzz.test.ts compares those glyphs with
 *   HarfBuzz's for the same text and font.
 */
import type * as fontkit from 'fontkit';
import { embeddingLevels, mirrored, visualOrder } from './bidi';
import type { CertificateFonts, FallbackFont } from './fonts';
import { shape, type Direction, type ShapedGlyph, type ShapedRun } from './shaping';
import { chooseFonts, scriptOf, type ChainFont } from './text-runs';

/** The faces a certificate sets text in, by their pdfkit alias (BC Sans). */
export const FACE_ALIASES = { regular: 'BCSans', bold: 'BCSans-Bold', italic: 'BCSans-Italic' } as const;
export type Face = keyof typeof FACE_ALIASES;

/** One font of a chain: its pdfkit alias, what it covers, and (parsed on first use) the font and its metrics per em. */
export type ChainEntry = ChainFont & {
  readonly alias: string;
  readonly family: string;
  readonly scripts: readonly string[];
  readonly font: fontkit.Font;
  /** Whether `font` has been parsed (a document resets the glyph caches of parsed fonts only). */
  readonly loaded: boolean;
  /** pdfkit puts a line's baseline `ascent` below the y it is given. */
  readonly ascent: number;
  readonly descent: number;
  readonly lineGap: number;
  readonly capHeight: number;
};

export type FontChains = Record<Face, ChainEntry[]>;

function chainEntry(alias: string, family: string, scripts: readonly string[], covers: (cp: number) => boolean, load: () => fontkit.Font, isLoaded: () => boolean): ChainEntry {
  const perEm = (pick: (f: fontkit.Font) => number): number => pick(load()) / load().unitsPerEm;
  return {
    alias,
    family,
    scripts,
    covers,
    get font() {
      return load();
    },
    get loaded() {
      return isLoaded();
    },
    get ascent() {
      return perEm((f) => f.ascent);
    },
    get descent() {
      return perEm((f) => f.descent);
    },
    get lineGap() {
      return perEm((f) => f.lineGap);
    },
    get capHeight() {
      return perEm((f) => f.capHeight);
    },
  };
}

/** Per face: BC Sans, then each fallback (regular weight for italic: those scripts have no italic). */
export function fontChains(fonts: CertificateFonts): FontChains {
  const bcSans = (face: Face): ChainEntry => {
    const font = fonts[face];
    return chainEntry(FACE_ALIASES[face], 'BCSans', ['Latin', 'Greek', 'Canadian_Aboriginal'], (cp) => font.hasGlyphForCodePoint(cp), () => font, () => true);
  };
  const fallbackEntries = (weight: 'regular' | 'bold'): ChainEntry[] =>
    (fonts.fallbacks ?? []).map((f: FallbackFont) =>
      chainEntry(`${f.family}-${weight === 'bold' ? 'Bold' : 'Regular'}`, f.family, f.scripts, (cp) => f.covers(cp), () => f[weight], () => f.loaded(weight)),
    );
  const regular = fallbackEntries('regular');
  const bold = fallbackEntries('bold');
  return { regular: [bcSans('regular'), ...regular], bold: [bcSans('bold'), ...bold], italic: [bcSans('italic'), ...regular] };
}

/**
 * Every alias of the chains with its font, each once, in chain order. This parses every
 * fallback font: a document should register only the fonts it uses (see drawLine in typeset.ts).
 */
export function chainFonts(chains: FontChains): [string, fontkit.Font][] {
  return chainEntries(chains).map((e) => [e.alias, e.font]);
}

/** Every entry of the chains, each once (entries are shared between chains), in chain order. */
export function chainEntries(chains: FontChains): ChainEntry[] {
  return [...new Set(Object.values(chains).flat())];
}

/** pdfkit's `currentLineHeight()` for `font` at `size` (ascender to descender, no line gap). */
export function lineHeightOf(font: fontkit.Font, size: number): number {
  const scale = 1000 / font.unitsPerEm;
  return ((font.ascent * scale + 0 - font.descent * scale) / 1000) * size;
}

/** A grapheme cluster as drawn, in one font of its chain, at its bidi level. */
export type Cluster = {
  /** As given (what extraction must return). */
  text: string;
  /** As shaped: the form the font covers, mirrored in right-to-left text. */
  drawn: string;
  entry: ChainEntry;
  space: boolean;
  level: number;
  /** Its script among those text-runs.ts knows, null for common characters (digits, punctuation, spaces). */
  script: string | null;
};

const WHITESPACE = /^\s+$/u;
/** Scripts whose lines may break between any two characters. */
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
/** Scripts whose letters join: no letter-spacing inside their runs. */
const JOINING = new Set(['Arabic']);

/**
 * The text's clusters, each in the first suitable font of `chain` (see text-runs.ts) and at its
 * bidi level, and the clusters no font can draw (`unprintable`, each once; the caller refuses
 * the text).
 */
export function clustersOf(text: string, chain: readonly ChainEntry[]): { clusters: Cluster[]; unprintable: string[] } {
  const chosen = chooseFonts(text, chain);
  const { levels } = embeddingLevels(text);
  const clusters = chosen.clusters.map((c): Cluster => {
    const level = levels[c.start] ?? 0;
    const entry = chain[c.font]!;
    let drawn = c.drawn;
    if (level % 2 === 1) {
      drawn = [...drawn].map((ch) => {
        const m = mirrored(ch);
        return m && entry.covers(m.codePointAt(0)!) ? m : ch;
      }).join('');
    }
    return { text: c.text, drawn, entry, space: c.space || WHITESPACE.test(c.text), level, script: scriptOf(c.text) };
  });
  // A space between texts of two directions goes with the one at its own level (the bidi
  // algorithm decided which it belongs to), so it is shaped and placed with that text.
  clusters.forEach((c, i) => {
    const prev = clusters[i - 1];
    const next = clusters[i + 1];
    if (c.space && next && (!prev || prev.level !== c.level) && next.level === c.level && next.entry !== c.entry && [...c.drawn].every((ch) => next.entry.covers(ch.codePointAt(0)!))) {
      c.entry = next.entry;
    }
  });
  return { clusters, unprintable: chosen.unprintable };
}

/** Clusters shaped together: one font, one level, one script. */
export type Item = { entry: ChainEntry; level: number; direction: Direction; script: string | null; clusters: Cluster[] };

/** A line's clusters as items, in logical order. */
export function itemsOf(clusters: readonly Cluster[]): Item[] {
  const items: Item[] = [];
  for (const c of clusters) {
    const last = items[items.length - 1];
    if (last && last.entry === c.entry && last.level === c.level && (c.script === null || last.script === null || c.script === last.script)) {
      last.clusters.push(c);
      last.script ??= c.script;
    } else {
      items.push({ entry: c.entry, level: c.level, direction: c.level % 2 === 1 ? 'rtl' : 'ltr', script: c.script, clusters: [c] });
    }
  }
  return items;
}

/** The text an item shapes, and the text it stands for. */
export const drawnText = (item: Item): string => item.clusters.map((c) => c.drawn).join('');
export const logicalText = (item: Item): string => item.clusters.map((c) => c.text).join('');

/**
 * Shapes items, keeping each result for the life of the object: make one per document (glyph
 * objects carry the characters they were first made for, and a document starts from fresh
 * glyph caches: see pdfkit-patches.ts), or per task in tests.
 */
export class Shaper {
  private readonly runs = new Map<string, ShapedRun>();

  run(entry: ChainEntry, text: string, direction: Direction): ShapedRun {
    const key = `${entry.alias}\u0000${direction}\u0000${text}`;
    let run = this.runs.get(key);
    if (!run) this.runs.set(key, (run = shape(entry.font, text, direction)));
    return run;
  }

  item(item: Item): ShapedRun {
    return this.run(item.entry, drawnText(item), item.direction);
  }
}

/** How many places letter-spacing goes in an item: after each glyph that advances, but in joining scripts. */
function spacedGlyphs(shaper: Shaper, item: Item): number {
  if (item.script !== null && JOINING.has(item.script)) return 0;
  return shaper.item(item).glyphs.filter((g) => g.xAdvance !== 0).length;
}

/** Width in points of `clusters` set on one line at `size`, `spacing` between glyphs. */
export function widthOf(shaper: Shaper, clusters: readonly Cluster[], size: number, spacing: number): number {
  let width = 0;
  let spaced = 0;
  for (const item of itemsOf(clusters)) {
    width += (shaper.item(item).advance / item.entry.font.unitsPerEm) * size;
    if (spacing) spaced += spacedGlyphs(shaper, item);
  }
  return width + spacing * Math.max(0, spaced - 1);
}

/** One run of a laid-out line: what one font draws, where. */
export type PlacedRun = {
  entry: ChainEntry;
  direction: Direction;
  /** What it stands for, as given, in logical order. */
  text: string;
  /** What was shaped (HarfBuzz is given `text` and must agree). */
  drawn: string;
  glyphs: ShapedGlyph[];
  /** Left edge, in points from the line's left edge. */
  x: number;
  width: number;
  /** Extra advance after each glyph, in points (letter-spacing). */
  spacingAfter: number[];
};

export type LaidLine = { runs: PlacedRun[]; width: number; size: number };

/** A line of clusters in visual order, shaped and placed at `size` (what typeset.ts draws). */
export function layLine(shaper: Shaper, clusters: readonly Cluster[], size: number, spacing = 0): LaidLine {
  const items = visualOrder(itemsOf(clusters), (i) => i.level);
  let spaced = spacing ? items.reduce((n, i) => n + spacedGlyphs(shaper, i), 0) : 0;
  let x = 0;
  const runs = items.map((item): PlacedRun => {
    const shaped = shaper.item(item);
    const scale = size / item.entry.font.unitsPerEm;
    const joins = item.script !== null && JOINING.has(item.script);
    const spacingAfter = shaped.glyphs.map((g) => (spacing && !joins && g.xAdvance !== 0 && --spaced > 0 ? spacing : 0));
    const width = shaped.advance * scale + spacingAfter.reduce((a, b) => a + b, 0);
    const run: PlacedRun = { entry: item.entry, direction: item.direction, text: logicalText(item), drawn: drawnText(item), glyphs: shaped.glyphs, x, width, spacingAfter };
    x += width;
    return run;
  });
  return { runs, width: x, size };
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
 * line on its own is broken between any two clusters.
 */
function breakBefore(prev: Cluster, next: Cluster): boolean {
  if (next.space) return false;
  if (prev.space) return true;
  if (/[-\u2010]$/.test(prev.text) && /^\p{L}/u.test(next.text)) return true;
  if (/^\p{P}/u.test(next.text) || /\p{Ps}$/u.test(prev.text)) return false;
  return IDEOGRAPHIC.test(prev.text) || IDEOGRAPHIC.test(next.text);
}

/**
 * Greedy line breaking of `clusters` (logical order) at `size` within `width`; lines carry no
 * outer spaces. Each word is measured shaped on its own; a line is then shaped whole.
 */
export function wrap(shaper: Shaper, clusters: Cluster[], size: number, width: number, spacing: number): Cluster[][] {
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
  const w = (cs: readonly Cluster[]): number => (cs.length ? widthOf(shaper, cs, size, spacing) + spacing : 0);
  for (const { body, spaces } of words) {
    const bodyWidth = w(body);
    if (line.length > 0 && used + bodyWidth > width) {
      lines.push(trimSpaces(line));
      line = [];
      used = 0;
    }
    if (bodyWidth <= width) {
      line.push(...body);
      used += bodyWidth;
    } else {
      // Too long for any line: break between clusters (widths measured one by one).
      for (const c of body) {
        const cw = w([c]);
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
    used += w(spaces);
  }
  if (line.length > 0) lines.push(trimSpaces(line));
  return lines.filter((l) => l.length > 0);
}

/** Sizes in points: the largest wanted, the least for one line, the least wrapped; the box's. */
export type FitBox = { width: number; height: number; maxSize: number; minSingleLine: number; minSize: number };

export type FittedText = {
  size: number;
  /** Lines of clusters in logical order (layLine puts each in visual order). */
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
export function fit(shaper: Shaper, clusters: Cluster[], box: FitBox, spacing: number, emptyEntry: ChainEntry): FittedText | null {
  const entries = [...new Set(clusters.map((c) => c.entry))];
  if (entries.length === 0) entries.push(emptyEntry);
  const lineHeight = Math.max(...entries.map((e) => e.ascent - e.descent + e.lineGap));
  const ascent = Math.max(...entries.map((e) => e.ascent));
  const text = trimSpaces(clusters);
  const unit = widthOf(shaper, text, 1, 0);
  const spacingTotal = widthOf(shaper, text, 0, spacing);
  const quarter = (n: number): number => Math.floor(n * 4) / 4;
  // Leave 1% for rounding in the content stream.
  const single = quarter(Math.min(box.maxSize, (box.width * 0.99 - spacingTotal) / Math.max(unit, 1e-6)));
  if (single >= box.minSingleLine && lineHeight * single <= box.height) {
    return { size: single, lines: [text], singleLine: true, lineHeight, ascent };
  }
  for (let size = Math.min(box.minSingleLine, box.maxSize); size >= box.minSize; size -= 0.5) {
    const lines = wrap(shaper, clusters, size, box.width * 0.99, spacing);
    if (lines.length * lineHeight * size <= box.height) return { size, lines, singleLine: false, lineHeight, ascent };
  }
  return null;
}

/**
 * The size at which short texts fit on one line of `width`, `gap` apart: `maxSize`, shrunk in
 * half points down to `minSize`. `oneLine` is false when they do not fit even then (the caller
 * sets them one a line); `widths` are each text's width at `size`.
 */
export function fitInline(
  shaper: Shaper,
  texts: readonly Cluster[][],
  width: number,
  gap: number,
  maxSize: number,
  minSize: number,
): { size: number; widths: number[]; total: number; oneLine: boolean } {
  const widths = (size: number): number[] => texts.map((t) => widthOf(shaper, t, size, 0));
  const total = (size: number): number => widths(size).reduce((a, b) => a + b, 0) + gap * (texts.length - 1);
  let size = maxSize;
  while (size > minSize && total(size) > width) size -= 0.5;
  return { size, widths: widths(size), total: total(size), oneLine: total(size) <= width };
}

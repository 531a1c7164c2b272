/**
 * Shaping one run of text in one font: fontkit's OpenType engine (GSUB substitutions such as
 * Arabic joining forms and ligatures, Indic conjuncts and reordering; GPOS kerning and mark
 * positioning), given the run's direction, with the few steps HarfBuzz (the reference shaper,
 * which test/certificates/harfbuzz.test.ts compares with) takes before shaping and fontkit does
 * not:
 *
 * - Thai and Lao SARA AM is decomposed into NIKHAHIT + SARA AA, the NIKHAHIT moved before the
 *   tone marks above the consonant (HarfBuzz's preprocess_text_thai), so "น้ำ" stacks its marks
 *   as every Thai reader expects;
 * - Hebrew points and Arabic harakat are put in the order HarfBuzz's modified combining classes
 *   give them (shin and sin dots before vowels; shadda before fatha), the order fonts are made for.
 *
 * A right-to-left run comes back in visual order (left to right on the page), as fontkit and
 * HarfBuzz both give it. Glyphs of invisible characters (ZWJ, ZWNJ...) are fontkit's space
 * glyph with no advance, as in HarfBuzz; where a font has no space glyph they are left out.
 */
import type * as fontkit from 'fontkit';

export type Direction = 'ltr' | 'rtl';

/** One glyph as drawn: font units (advances and offsets at `unitsPerEm`). */
export type ShapedGlyph = {
  id: number;
  xAdvance: number;
  xOffset: number;
  yOffset: number;
  /** The glyph's own advance in the font (hmtx), for the PDF's width table. */
  advanceWidth: number;
  /** The characters it stands for, for the PDF's ToUnicode map. */
  codePoints: number[];
};

export type ShapedRun = {
  glyphs: ShapedGlyph[];
  /** Sum of the glyphs' xAdvance, font units. */
  advance: number;
};

const ABOVE_BASE_THAI = (cp: number): boolean => {
  const c = cp & ~0x80;
  return c === 0x0e31 || (c >= 0x0e34 && c <= 0x0e37) || (c >= 0x0e47 && c <= 0x0e4e) || c === 0x0e3b;
};

/** HarfBuzz's SARA AM decomposition and NIKHAHIT reordering, for Thai (U+0E33) and Lao (U+0EB3). */
export function decomposeSaraAm(text: string): string {
  if (!/[\u0e33\u0eb3]/u.test(text)) return text;
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp & ~0x80) !== 0x0e33) {
      out.push(cp);
      continue;
    }
    const nikhahit = cp - 0x0e33 + 0x0e4d;
    let start = out.length;
    while (start > 0 && ABOVE_BASE_THAI(out[start - 1]!)) start--;
    out.splice(start, 0, nikhahit);
    out.push(cp - 1); // SARA AA
  }
  return String.fromCodePoint(...out);
}

/**
 * HarfBuzz's modified combining classes for Hebrew points (Unicode classes 10-26 permuted into
 * the SBL Hebrew order) and Arabic harakat (shadda first), by code point.
 */
const MODIFIED_CLASS = new Map<number, number>([
  [0x05b0, 22], [0x05b1, 15], [0x05b2, 16], [0x05b3, 17], [0x05b4, 23], [0x05b5, 18], [0x05b6, 19], [0x05b7, 20],
  [0x05b8, 21], [0x05c7, 21], [0x05b9, 14], [0x05ba, 14], [0x05bb, 24], [0x05bc, 12], [0x05bd, 25], [0x05bf, 13],
  [0x05c1, 10], [0x05c2, 11], [0xfb1e, 26],
  [0x064b, 28], [0x064c, 29], [0x064d, 30], [0x064e, 31], [0x064f, 32], [0x0650, 33], [0x0651, 27], [0x0652, 34], [0x0670, 35],
]);

/** Hebrew points and Arabic harakat in HarfBuzz's order (a stable sort of each run of them). */
export function reorderMarks(text: string): string {
  if (!/[\u05b0-\u05c7\ufb1e\u064b-\u0652\u0670]/u.test(text)) return text;
  const cps = [...text].map((ch) => ch.codePointAt(0)!);
  for (let i = 0; i < cps.length; ) {
    if (!MODIFIED_CLASS.has(cps[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < cps.length && MODIFIED_CLASS.has(cps[end]!)) end++;
    const sorted = cps.slice(i, end).map((cp, k) => ({ cp, k })).sort((a, b) => MODIFIED_CLASS.get(a.cp)! - MODIFIED_CLASS.get(b.cp)! || a.k - b.k);
    sorted.forEach((s, k) => (cps[i + k] = s.cp));
    i = end;
  }
  return String.fromCodePoint(...cps);
}

/** The text fontkit is given for `text`: see the module comment. */
export function textForShaping(text: string): string {
  return reorderMarks(decomposeSaraAm(text));
}

/** Shaped runs kept per font, at most this many each (labels recur on every certificate; names do not). */
const KEPT_PER_FONT = 2000;
const kept = new WeakMap<fontkit.Font, Map<string, ShapedRun>>();

/**
 * Shape `text` (one font, one direction) into glyphs in visual order. A run is a pure function
 * of its font, text and direction, so runs are kept and shared (treat them as read-only): a
 * certificate's labels are shaped once per process, not once per document. What makes it pure:
 * fontkit keeps one glyph object per glyph id in each font, holding the characters it was first
 * made for (see freshGlyphCaches in pdfkit-patches.ts), and hands those back; shaping here starts
 * from an empty glyph cache of its own, so the characters each glyph stands for (the PDF's
 * ToUnicode map) come from this text alone, whatever was shaped or embedded before.
 */
export function shape(font: fontkit.Font, text: string, direction: Direction): ShapedRun {
  let byText = kept.get(font);
  if (!byText) kept.set(font, (byText = new Map()));
  const key = `${direction}\u0000${text}`;
  const known = byText.get(key);
  if (known) return known;
  const run = shapeNow(font, text, direction);
  if (byText.size >= KEPT_PER_FONT) byText.clear();
  byText.set(key, run);
  return run;
}

function shapeNow(font: fontkit.Font, text: string, direction: Direction): ShapedRun {
  const f = font as unknown as { _glyphs?: Record<number, unknown> };
  if (typeof f._glyphs !== 'object' || f._glyphs === null) {
    throw new Error('fontkit internals changed: font._glyphs not found (see certificates/shaping.ts)');
  }
  const glyphCache = f._glyphs;
  f._glyphs = {};
  let run: fontkit.GlyphRun;
  try {
    run = font.layout(textForShaping(text), [], undefined, undefined, direction);
  } finally {
    f._glyphs = glyphCache;
  }
  const glyphs: ShapedGlyph[] = [];
  let advance = 0;
  run.glyphs.forEach((glyph, i) => {
    // Only an invisible character the font has no glyph (and no space) for comes out as .notdef.
    if (glyph.id === 0) return;
    const p = run.positions[i]!;
    glyphs.push({ id: glyph.id, xAdvance: p.xAdvance, xOffset: p.xOffset, yOffset: p.yOffset, advanceWidth: glyph.advanceWidth, codePoints: [...glyph.codePoints] });
    advance += p.xAdvance;
  });
  return { glyphs, advance };
}

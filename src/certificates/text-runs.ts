/**
 * Which font draws which part of a text: split it into runs, one font each.
 *
 * A text is cut into grapheme clusters (a base character with its combining marks, a Gurmukhi
 * consonant with its vowel sign, an emoji sequence...), so a mark always goes with its base.
 * Each cluster is drawn by the first font of the chain (BC Sans, then the fallbacks in order)
 * that has a glyph for every visible character in it, as given, or else in its composed (NFC)
 * or decomposed (NFD) form; neighbouring clusters in the same font form one run, which the font
 * then shapes as a whole (OpenType GSUB/GPOS through fontkit: conjuncts, reordered vowel signs,
 * mark positioning). Whitespace stays in the run it is in when that font has it.
 *
 * A cluster no font covers is unprintable: the caller refuses the text with those clusters
 * rather than drawing missing-glyph boxes. So is right-to-left text (Hebrew, Arabic and the
 * other RTL scripts, and the explicit RTL embedding and override controls): we ship no font for
 * it, and pdfkit 0.20 has no bidirectional layout (fontkit shapes one run, in the order given),
 * so it is refused whatever fonts are added to the chain.
 *
 * Invisible characters (Unicode's default-ignorables: joiners, variation selectors, bidi marks,
 * soft hyphens...) never make a text unprintable; they are drawn when the font has them (ZWJ and
 * ZWNJ matter to Indic shaping) and left out of the drawing otherwise, where the font would show
 * its missing-glyph box. The caller keeps the text exactly as given for extraction (ActualText).
 */
import type * as fontkit from 'fontkit';

/** The primary font first, then the fallbacks in the order they are tried. */
export type FontChain = readonly fontkit.Font[];

export type TextRun = {
  /** What to draw in this font (see above: invisible characters the font lacks are left out). */
  text: string;
  /** Index of the font in the chain. */
  font: number;
};

export type RunSplit = {
  runs: TextRun[];
  /** Clusters no font in the chain can draw, each once, in order of appearance. */
  unprintable: string[];
};

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const CONTROL = /^\p{Cc}$/u;
const WHITESPACE = /^\s+$/u;
/**
 * Right-to-left: the Unicode ranges whose characters default to bidi class R or AL (Hebrew,
 * Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, their presentation forms, and the historic
 * and newer RTL scripts of planes 1), less U+FEFF (an invisible BOM); and the controls that
 * open a right-to-left embedding, override or isolate (RLE, RLO, RLI), which would reorder
 * even Latin text in a bidi-aware display.
 */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}\u202b\u202e\u2067]/u;

/** True when the character draws nothing and may be left out of the drawing. */
export const isIgnorable = (ch: string): boolean => IGNORABLE.test(ch);

/** Split `text` into font runs over `chain`, and list what no font can draw. */
export function splitIntoRuns(text: string, chain: FontChain): RunSplit {
  const runs: TextRun[] = [];
  const unprintable: string[] = [];
  const push = (drawn: string, font: number): void => {
    if (drawn === '') return;
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += drawn;
    else runs.push({ text: drawn, font });
  };

  for (const { segment } of graphemes.segment(text)) {
    const current = runs.length > 0 ? runs[runs.length - 1]!.font : 0;
    if (WHITESPACE.test(segment) && ![...segment].some(isIgnorable)) {
      // Line breaks, tabs and other control whitespace are drawn as a space.
      const drawn = [...segment].map((ch) => (CONTROL.test(ch) ? ' ' : ch)).join('');
      const covers = (i: number): boolean => [...drawn].every((ch) => chain[i]!.hasGlyphForCodePoint(ch.codePointAt(0)!));
      const font = covers(current) ? current : chain.findIndex((_, i) => covers(i));
      if (font >= 0) push(drawn, font);
      else push(' '.repeat([...drawn].length), current);
      continue;
    }
    const chosen = RIGHT_TO_LEFT.test(segment) ? null : chooseFont(segment, chain);
    if (chosen === null) {
      if (!unprintable.includes(segment)) unprintable.push(segment);
      continue;
    }
    push(chosen.drawn, chosen.font);
  }
  return { runs, unprintable };
}

/** The first font (and form of the cluster) that draws every visible character of it. */
function chooseFont(cluster: string, chain: FontChain): { font: number; drawn: string } | null {
  const chars = [...cluster];
  // Control characters draw nothing useful (some fonts map NUL or CR to a glyph all the same).
  if (chars.some((ch) => CONTROL.test(ch))) return null;
  if (chars.every(isIgnorable)) return { font: 0, drawn: '' };
  const forms = [...new Set([cluster, cluster.normalize('NFC'), cluster.normalize('NFD')])];
  for (let font = 0; font < chain.length; font++) {
    const has = (ch: string): boolean => chain[font]!.hasGlyphForCodePoint(ch.codePointAt(0)!);
    for (const form of forms) {
      const formChars = [...form];
      if (formChars.every((ch) => isIgnorable(ch) || has(ch))) {
        return { font, drawn: formChars.filter((ch) => !isIgnorable(ch) || has(ch)).join('') };
      }
    }
  }
  return null;
}

/** The clusters of `text` that no font of `chain` can draw (see splitIntoRuns). */
export function unprintableIn(text: string, chain: FontChain): string[] {
  return splitIntoRuns(text, chain).unprintable;
}

/**
 * How to show an unprintable cluster in a message: as itself when it is visible, as U+XXXX
 * code points when it is a control or formatting character a reader could not see.
 */
export function describeCluster(cluster: string): string {
  const chars = [...cluster];
  if (chars.some((ch) => !CONTROL.test(ch) && !isIgnorable(ch) && !WHITESPACE.test(ch))) return cluster;
  return chars.map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

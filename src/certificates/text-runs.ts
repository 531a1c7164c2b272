/**
 * Which font draws which part of a text, and what cannot be printed at all.
 *
 * A text is cut into grapheme clusters (a base character with its combining marks, an Indic
 * consonant with its vowel signs, an emoji sequence...), so a mark always goes with its base.
 * Each cluster is drawn by one font of the chain (BC Sans, then the fallbacks), the first of:
 * - for punctuation, digits and other characters every script uses (Unicode's Common and
 *   Inherited scripts), the font of the text around it, when it has them (so "محمد-علی" and
 *   "王（小明）" stay in one font, which shapes them together);
 * - BC Sans;
 * - the font made for the cluster's script (`scripts` of the chain entry: Cyrillic in Noto Sans,
 *   Arabic in Noto Naskh...). Han characters take the family the rest of the text points to
 *   (see `hanFamily`);
 * - any font of the chain, in order;
 * that has a glyph for every visible character in it, composed (NFC), as given, or decomposed
 * (NFD), in that order: HarfBuzz also prefers a font's precomposed letters. Neighbouring
 * clusters in the same font form one run, which the font then shapes as a whole.
 *
 * Unprintable, and so refused by the caller (never drawn as missing-glyph boxes): a cluster no
 * font covers (emoji, scripts we ship no font for), control characters, a combining mark with
 * no letter to sit on, and the explicit bidirectional embedding, override and isolate controls
 * (U+202A-U+202E, U+2066-U+2069), which would make a name display differently from what it
 * says. Right-to-left text is printable: layout.ts orders it with the Unicode Bidirectional
 * Algorithm. Invisible characters (joiners, variation selectors, the bidi marks LRM and RLM,
 * soft hyphens...) are kept: they shape the text around them (ZWNJ keeps Persian letters apart,
 * ZWJ shapes Indic conjuncts) and draw nothing.
 */
import type * as fontkit from 'fontkit';

/** A font as text-runs sees it: what it covers, and which scripts it is made for. */
export type ChainFont = {
  covers(codePoint: number): boolean;
  readonly family?: string;
  readonly scripts?: readonly string[];
};

/**
 * The primary font first, then the fallbacks in the order they are tried. Parsed fontkit fonts
 * are accepted too (with no script preferences), as callers before chain entries passed them.
 */
export type FontChain = readonly (ChainFont | fontkit.Font)[];

const coversIn = (font: ChainFont | fontkit.Font, cp: number): boolean =>
  'covers' in font ? font.covers(cp) : font.hasGlyphForCodePoint(cp);
const familyOf = (font: ChainFont | fontkit.Font): string | undefined => ('covers' in font ? font.family : undefined);
const scriptsOf = (font: ChainFont | fontkit.Font): readonly string[] | undefined => ('covers' in font ? font.scripts : undefined);

/** A parsed fontkit font as a chain entry (tests, and chains without lazy fallbacks). */
export function chainFontOf(font: fontkit.Font, family?: string, scripts?: readonly string[]): ChainFont {
  return { covers: (cp) => font.hasGlyphForCodePoint(cp), family, scripts };
}

export type ChosenCluster = {
  /** The cluster as given. */
  text: string;
  /** What to shape in its font: the form (NFC, as given, NFD) the font has every glyph of. */
  drawn: string;
  /** Index of the font in the chain. */
  font: number;
  /** Offset of the cluster in the text, in UTF-16 code units. */
  start: number;
  space: boolean;
};

export type TextRun = {
  /** What to draw in this font (see ChosenCluster.drawn). */
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
const MARK = /^\p{M}/u;
/** Embedding, override and isolate controls: they would reorder what is around them. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
const COMMON = /^[\p{Script=Common}\p{Script=Inherited}]/u;

/** The scripts chain entries are made for, tested in this order. */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Tamil', 'Thai', 'Lao', 'Khmer',
  'Ethiopic', 'Hebrew', 'Arabic', 'Hangul', 'Hiragana', 'Katakana', 'Han', 'Canadian_Aboriginal',
].map((name) => ({ name, test: new RegExp(`^\\p{Script=${name}}`, 'u') }));

/** The Unicode script of a cluster's first character, among SCRIPTS; null for the others. */
export function scriptOf(cluster: string): string | null {
  return SCRIPTS.find((s) => s.test.test(cluster))?.name ?? null;
}

/** True when the character draws nothing. */
export const isIgnorable = (ch: string): boolean => IGNORABLE.test(ch);

let gb2312: Set<string> | undefined;
/** The 6,763 hanzi of GB 2312, the basic set of Simplified Chinese (decoded once, on demand). */
function simplifiedSet(): Set<string> {
  if (!gb2312) {
    gb2312 = new Set();
    const decoder = new TextDecoder('gb18030');
    for (let a = 0xb0; a <= 0xf7; a++) {
      for (let b = 0xa1; b <= 0xfe; b++) {
        const ch = decoder.decode(Uint8Array.of(a, b));
        if (/^\p{Script=Han}$/u.test(ch)) gb2312.add(ch);
      }
    }
  }
  return gb2312;
}

/**
 * The family whose glyph shapes suit the Han characters of `text`: Japanese when it has kana,
 * Korean when it has Hangul, Traditional Chinese when a Han character is outside GB 2312 (陳,
 * 黃, 劉... where Simplified writes 陈, 黄, 刘), otherwise Simplified Chinese.
 */
export function hanFamily(text: string): string {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'NotoSansJP';
  if (/\p{Script=Hangul}/u.test(text)) return 'NotoSansKR';
  const simplified = simplifiedSet();
  for (const ch of text.match(/\p{Script=Han}/gu) ?? []) if (!simplified.has(ch)) return 'NotoSansTC';
  return 'NotoSansSC';
}

/** Printable ASCII and Latin-1 to Latin Extended-B, but spaces and the soft hyphen. */
const isPlainLatin = (c: number): boolean => (c > 0x20 && c < 0x7f) || (c > 0xa0 && c < 0x250 && c !== 0xad);

/** Why a cluster can never be printed, whatever the fonts; null when fonts decide. */
function neverPrintable(cluster: string): boolean {
  return [...cluster].some((ch) => CONTROL.test(ch)) || BIDI_CONTROL.test(cluster) || baseless(cluster);
}

/** A combining mark with no letter under it: at the start of the text, or after a space. */
const baseless = (cluster: string): boolean => MARK.test(cluster) || (/^\s/u.test(cluster) && /\p{M}/u.test(cluster));

/** Every cluster of `text` with its font, and what no font can draw (each once, in order). */
export function chooseFonts(text: string, chain: FontChain): { clusters: ChosenCluster[]; unprintable: string[] } {
  const clusters: ChosenCluster[] = [];
  const unprintable: string[] = [];
  let han: string | undefined;
  for (const { segment, index } of graphemes.segment(text)) {
    const current = clusters.length > 0 ? clusters[clusters.length - 1]!.font : 0;
    // Most clusters are one printable Latin character in BC Sans: decided without the rules below.
    if (current === 0 && segment.length === 1 && isPlainLatin(segment.charCodeAt(0)) && coversIn(chain[0]!, segment.charCodeAt(0))) {
      clusters.push({ text: segment, drawn: segment, font: 0, start: index, space: false });
      continue;
    }
    if (segment === ' ' && clusters.length > 0 && coversIn(chain[current]!, 0x20)) {
      clusters.push({ text: segment, drawn: segment, font: current, start: index, space: true });
      continue;
    }
    if (WHITESPACE.test(segment) && ![...segment].some(isIgnorable)) {
      // Line breaks, tabs and other control whitespace are drawn as a space.
      const drawn = [...segment].map((ch) => (CONTROL.test(ch) ? ' ' : ch)).join('');
      const covers = (i: number): boolean => [...drawn].every((ch) => coversIn(chain[i]!, ch.codePointAt(0)!));
      const font = covers(current) ? current : chain.findIndex((_, i) => covers(i));
      clusters.push({ text: segment, drawn: font >= 0 ? drawn : ' '.repeat([...drawn].length), font: font >= 0 ? font : current, start: index, space: true });
      continue;
    }
    if (neverPrintable(segment)) {
      if (!unprintable.includes(segment)) unprintable.push(segment);
      continue;
    }
    if ([...segment].every(isIgnorable)) {
      clusters.push({ text: segment, drawn: segment, font: current, start: index, space: false });
      continue;
    }
    const script = scriptOf(segment);
    const preferred: number[] = [];
    if (script === null && COMMON.test(segment)) preferred.push(current);
    preferred.push(0);
    if (script === 'Han') {
      han ??= hanFamily(text);
      preferred.push(chain.findIndex((f) => familyOf(f) === han));
    }
    if (script !== null) chain.forEach((f, i) => scriptsOf(f)?.includes(script) && preferred.push(i));
    const chosen = chooseFont(segment, chain, [...preferred, ...chain.keys()]);
    if (chosen === null) {
      if (!unprintable.includes(segment)) unprintable.push(segment);
      continue;
    }
    clusters.push({ text: segment, drawn: chosen.drawn, font: chosen.font, start: index, space: false });
  }
  return { clusters, unprintable };
}

/** The first font of `order` (indexes into the chain) that draws every visible character. */
function chooseFont(cluster: string, chain: FontChain, order: number[]): { font: number; drawn: string } | null {
  const forms = [...new Set([cluster.normalize('NFC'), cluster, cluster.normalize('NFD')])];
  for (const font of order) {
    if (font < 0 || font >= chain.length) continue;
    const has = (ch: string): boolean => coversIn(chain[font]!, ch.codePointAt(0)!);
    for (const form of forms) {
      if ([...form].every((ch) => isIgnorable(ch) || has(ch))) return { font, drawn: form };
    }
  }
  return null;
}

/** Split `text` into font runs over `chain`, and list what no font can draw. */
export function splitIntoRuns(text: string, chain: FontChain): RunSplit {
  const { clusters, unprintable } = chooseFonts(text, chain);
  const runs: TextRun[] = [];
  for (const c of clusters) {
    const last = runs[runs.length - 1];
    if (last && last.font === c.font) last.text += c.drawn;
    else runs.push({ text: c.drawn, font: c.font });
  }
  return { runs, unprintable };
}

/** The clusters of `text` that no font of `chain` can draw (see chooseFonts). */
export function unprintableIn(text: string, chain: FontChain): string[] {
  return chooseFonts(text, chain).unprintable;
}

/** True when `text` has nothing a reader would see: only spaces, invisible characters, marks with no letter. */
export function hasNothingVisible(text: string): boolean {
  for (const { segment } of graphemes.segment(text)) {
    if (MARK.test(segment) || WHITESPACE.test(segment)) continue;
    if ([...segment].every((ch) => isIgnorable(ch) || CONTROL.test(ch) || WHITESPACE.test(ch) || ch === '\u3164' || ch === '\u115f' || ch === '\u1160' || ch === '\uffa0')) continue;
    return false;
  }
  return true;
}

/**
 * How to show an unprintable cluster in a message: as itself when it is visible and stands on
 * its own, as U+XXXX code points when it is a control or formatting character a reader could
 * not see (or a message would misdraw: a bidi control reorders the message around it, a lone
 * combining mark lands on the quote before it).
 */
export function describeCluster(cluster: string): string {
  const chars = [...cluster];
  const visible = chars.some((ch) => !CONTROL.test(ch) && !isIgnorable(ch) && !WHITESPACE.test(ch));
  if (visible && !BIDI_CONTROL.test(cluster) && !baseless(cluster) && !chars.some((ch) => CONTROL.test(ch))) return cluster;
  return chars.map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

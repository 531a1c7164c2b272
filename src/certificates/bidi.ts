/**
 * The Unicode Bidirectional Algorithm (UAX #9, through bidi-js) for the certificate's texts:
 * each character's embedding level (odd: right to left), the paragraph's direction taken from
 * its first strong character (rules P2-P3), and the reordering of a line's runs into the order
 * they are drawn in (rule L2). Mirrored characters (rule L4: "(" in right-to-left text is drawn
 * as ")") are given by `mirrored`.
 */
import bidiFactory from 'bidi-js';

const bidi = bidiFactory();

/**
 * Characters that can make a text anything but left to right: right-to-left letters (Hebrew,
 * Arabic and the other scripts of those blocks), Arabic digits, and the marks and controls that
 * set a direction. A text with none of them is all at level 0 (checked in bidi.test.ts).
 */
const MAY_BE_RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u200f\u061c\u202a-\u202e\u2066-\u2069\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

/** Embedding levels of `text`, one per UTF-16 code unit, and the paragraph's level. */
export function embeddingLevels(text: string): { levels: Uint8Array; paragraph: number } {
  if (!MAY_BE_RTL.test(text)) return { levels: new Uint8Array(text.length), paragraph: 0 };
  const { levels, paragraphs } = bidi.getEmbeddingLevels(text);
  return { levels, paragraph: paragraphs[0]?.level ?? 0 };
}

/** The mirror image of a character in right-to-left text ("(" for ")"), or null. */
export function mirrored(ch: string): string | null {
  return bidi.getMirroredCharacter(ch);
}

/**
 * Rule L2: from the highest level down to the lowest odd level, reverse every maximal sequence
 * of items at that level or higher. `items` are a line's runs in logical order, each at one level.
 */
export function visualOrder<T>(items: readonly T[], levelOf: (item: T) => number): T[] {
  const out = [...items];
  if (out.length < 2) return out;
  const levels = out.map(levelOf);
  const highest = Math.max(...levels);
  const lowestOdd = Math.min(...levels.map((l) => (l % 2 === 1 ? l : Infinity)));
  for (let level = highest; level >= lowestOdd && level > 0; level--) {
    for (let i = 0; i < out.length; ) {
      if (levels[i]! < level) {
        i++;
        continue;
      }
      let end = i;
      while (end < out.length && levels[end]! >= level) end++;
      out.splice(i, end - i, ...out.slice(i, end).reverse());
      levels.splice(i, end - i, ...levels.slice(i, end).reverse());
      i = end;
    }
  }
  return out;
}

const typeOf = (ch: string): 'R' | 'L' | 'N' | 'other' => {
  const t = bidi.getBidiCharTypeName(ch);
  if (t === 'R' || t === 'AL') return 'R';
  if (t === 'L') return 'L';
  if (t === 'EN' || t === 'AN') return 'N';
  return 'other';
};
const LRM = '\u200e';

/**
 * `text` (logical order) as text extractors that reorder what they extract expect to find it
 * in a PDF's marked-content ActualText. poppler (pdftotext) takes a span's ActualText as though
 * it were drawn left to right and, on a left-to-right page, reverses every run that starts with
 * a right-to-left letter and goes on until the next left-to-right letter or digit. So each
 * such run of the logical text is written reversed, and where a right-to-left run is followed
 * by a space or punctuation before the next left-to-right text, an invisible LEFT-TO-RIGHT MARK
 * ends it (otherwise the space would be carried to the other side of the run). Extraction then
 * gives `text` exactly, apart from those marks. Text with no right-to-left letter is unchanged.
 * The structure tree keeps `text` as it is (tagging.ts): assistive technology reads that.
 */
export function extractionOrder(text: string): string {
  const chars = [...text];
  if (!chars.some((ch) => typeOf(ch) === 'R')) return text;
  let out = '';
  let i = 0;
  while (i < chars.length) {
    // Left to right (and neutrals), up to the next right-to-left letter: as it is.
    let j = i;
    while (j < chars.length && typeOf(chars[j]!) !== 'R') j++;
    out += chars.slice(i, j).join('');
    if (j >= chars.length) break;
    // A right-to-left run: letters and neutrals up to the next left-to-right letter or digit,
    // less its trailing neutrals (which would otherwise end up before it).
    let k = j;
    while (k < chars.length && typeOf(chars[k]!) !== 'L' && typeOf(chars[k]!) !== 'N') k++;
    let end = k;
    while (end > j && typeOf(chars[end - 1]!) !== 'R') end--;
    out += chars.slice(j, end).reverse().join('');
    if (end < chars.length && typeOf(chars[end]!) === 'other') out += LRM;
    i = end;
  }
  return out;
}

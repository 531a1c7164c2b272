/**
 * Fonts for certificates: BC Sans, and fallback fonts for the scripts BC Sans lacks.
 *
 * `@bcgov/bc-sans` ships only WOFF and WOFF2. fontkit parses WOFF about 1000x slower than a
 * plain TrueType file and crashes when subsetting WOFF2, so `build-fonts.ts` converts the WOFF
 * (version 1) files to TTF at build time (`dist/fonts/`), removing the TrueType hinting on the
 * way (see stripHinting in woff.ts: it makes every certificate a third smaller). The fallbacks
 * from `@fontsource` packages are WOFF too and go through the same converter; the CJK fallbacks
 * are TrueType in their packages and are read as they are. This module says which font files
 * are used and where they are, and `loadCertificateFonts()` parses them into fontkit font
 * objects that every document reuses (see registerParsedFonts in pdfkit-patches.ts).
 *
 * BC Sans covers Latin (Vietnamese included), Greek, Canadian Aboriginal syllabics and the BC
 * First Nations orthographies. FALLBACK_FONTS covers the other scripts learners' names are
 * written in; text-runs.ts picks a font per grapheme cluster. A fallback is parsed only when a
 * text first needs it ("lazy"): which characters each one covers is known without parsing it,
 * from `dist/fonts/coverage.json`, written by the build (or, when that is missing, read from
 * the font itself). A process that prints only Latin names never reads the 30 MB of CJK fonts.
 *
 * If the TTFs have not been built (tests run from source), the same converter builds them in
 * memory from the WOFF files: nothing here depends on a prior build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fontkit from 'fontkit';
import { applyMarkFilteringSets, guardNullAnchors, memoizeGlyphDecoding, memoizeSubsets } from './pdfkit-patches';
import { readWoff, stripHinting, WoffFormatError, writeSfnt } from './woff';

/** The faces a certificate uses, by the file stem that `@bcgov/bc-sans` ships. */
export const CERTIFICATE_FACES = {
  regular: 'BCSans-Regular',
  bold: 'BCSans-Bold',
  italic: 'BCSans-Italic',
} as const;

export type CertificateFace = keyof typeof CERTIFICATE_FACES;

const fontsource = (pkg: string, subset: string) => ({
  package: `@fontsource/${pkg}`,
  regular: `files/${pkg}-${subset}-400-normal.woff`,
  bold: `files/${pkg}-${subset}-700-normal.woff`,
});
const expo = (pkg: string, stem: string) => ({
  package: `@expo-google-fonts/${pkg}`,
  regular: `400Regular/${stem}_400Regular.ttf`,
  bold: `700Bold/${stem}_700Bold.ttf`,
});

/**
 * Fallback fonts, in the order they are tried for a character BC Sans lacks (after the font
 * made for the character's script: `scripts`, Unicode script names). Only the regular and bold
 * weights are used (italic text falls back to the regular weight: these scripts have no
 * italics, or none in these packages). Files are paths inside the package; `.woff` files are
 * converted to TTF like BC Sans.
 *
 * - `@fontsource` packages (WOFF only, 0.5-7 MB each): each "subset" file holds one script's
 *   letters, signs and conjunct forms with its GSUB/GPOS shaping tables (the same glyphs and
 *   positions as the full font). Noto Naskh Arabic covers Arabic, Persian and Urdu letters
 *   (Urdu in Naskh rather than Nastaliq, which is still readable to every Urdu reader).
 * - CJK from `@expo-google-fonts` (TrueType outlines, 5-10 MB a weight): pdfkit's subset of a
 *   CFF CJK font embeds about 40 KB for three characters, of a TrueType one about 2 KB. Han
 *   characters are shared by Chinese, Japanese and Korean, with regional glyph shapes: the
 *   family for them is chosen from the rest of the text (kana: Japanese; Hangul: Korean; a
 *   character outside the GB 2312 set of simplified characters: Traditional; otherwise
 *   Simplified; see text-runs.ts).
 */
export const FALLBACK_FONTS = [
  { family: 'NotoSansCyrillic', scripts: ['Cyrillic'], ...fontsource('noto-sans', 'cyrillic') },
  { family: 'NotoSansCyrillicExt', scripts: ['Cyrillic'], ...fontsource('noto-sans', 'cyrillic-ext') },
  { family: 'NotoSansDevanagari', scripts: ['Devanagari'], ...fontsource('noto-sans-devanagari', 'devanagari') },
  { family: 'NotoSansBengali', scripts: ['Bengali'], ...fontsource('noto-sans-bengali', 'bengali') },
  { family: 'NotoSansGurmukhi', scripts: ['Gurmukhi'], ...fontsource('noto-sans-gurmukhi', 'gurmukhi') },
  { family: 'NotoSansGujarati', scripts: ['Gujarati'], ...fontsource('noto-sans-gujarati', 'gujarati') },
  { family: 'NotoSansTamil', scripts: ['Tamil'], ...fontsource('noto-sans-tamil', 'tamil') },
  { family: 'NotoSansThai', scripts: ['Thai'], ...fontsource('noto-sans-thai', 'thai') },
  { family: 'NotoSansLao', scripts: ['Lao'], ...fontsource('noto-sans-lao', 'lao') },
  { family: 'NotoSansKhmer', scripts: ['Khmer'], ...fontsource('noto-sans-khmer', 'khmer') },
  { family: 'NotoSansEthiopic', scripts: ['Ethiopic'], ...fontsource('noto-sans-ethiopic', 'ethiopic') },
  { family: 'NotoSansHebrew', scripts: ['Hebrew'], ...fontsource('noto-sans-hebrew', 'hebrew') },
  { family: 'NotoNaskhArabic', scripts: ['Arabic'], ...fontsource('noto-naskh-arabic', 'arabic') },
  { family: 'NotoSansKR', scripts: ['Hangul'], ...expo('noto-sans-kr', 'NotoSansKR') },
  { family: 'NotoSansJP', scripts: ['Hiragana', 'Katakana'], ...expo('noto-sans-jp', 'NotoSansJP') },
  { family: 'NotoSansTC', scripts: [], ...expo('noto-sans-tc', 'NotoSansTC') },
  { family: 'NotoSansSC', scripts: ['Han'], ...expo('noto-sans-sc', 'NotoSansSC') },
] as const;

export type FallbackSource = (typeof FALLBACK_FONTS)[number];
export type FallbackWeight = 'regular' | 'bold';
export type FallbackFamily = FallbackSource['family'];

/** One fallback family: its weights parsed on first use, its coverage known without parsing. */
export type FallbackFont = {
  readonly family: string;
  /** Unicode scripts this family is the first choice for. */
  readonly scripts: readonly string[];
  readonly regular: fontkit.Font;
  readonly bold: fontkit.Font;
  /** Whether both weights have a glyph for the code point (parses nothing). */
  covers(codePoint: number): boolean;
  /** Whether a weight has been parsed yet (for tests and the bench). */
  loaded(weight: FallbackWeight): boolean;
};

/**
 * Parsed fontkit fonts, built once per process and shared by every rendered document. Without
 * `fallbacks`, a certificate can print only what BC Sans covers.
 */
export type CertificateFonts = { readonly [K in CertificateFace]: fontkit.Font } & {
  readonly fallbacks?: readonly FallbackFont[];
};

/** Where the `@bcgov/bc-sans` WOFF files are. */
export function bcSansWoffDir(): string {
  return path.join(path.dirname(require.resolve('@bcgov/bc-sans/package.json')), 'fonts');
}

/** Every WOFF 1.0 face the package ships, as file stems (e.g. `BCSans-Regular`). */
export function shippedFaces(): string[] {
  return fs
    .readdirSync(bcSansWoffDir())
    .filter((f) => f.endsWith('.woff'))
    .map((f) => f.slice(0, -'.woff'.length))
    .sort();
}

/** Build the TTF for one face in memory from the package's WOFF (hinting removed). */
export function buildTtf(stem: string): Buffer {
  return ttfFromWoff(path.join(bcSansWoffDir(), `${stem}.woff`));
}

/** A WOFF 1.0 file converted to TTF, hinting removed. */
export function ttfFromWoff(file: string): Buffer {
  return writeSfnt(stripHinting(readWoff(fs.readFileSync(file))));
}

/** The absolute path of one weight of a fallback font, inside its package. */
export function fallbackFile(source: FallbackSource, weight: FallbackWeight): string {
  return path.join(path.dirname(require.resolve(`${source.package}/package.json`)), source[weight]);
}

/** The file stem of a converted fallback (WOFF) face in `dist/fonts`, e.g. `NotoSansGurmukhi-Bold`. */
export function fallbackStem(source: { family: string }, weight: FallbackWeight): string {
  return `${source.family}-${weight === 'bold' ? 'Bold' : 'Regular'}`;
}

/** Fallback faces that are WOFF in their package and so are converted at build time. */
export function convertedFallbacks(): { stem: string; file: string }[] {
  const out: { stem: string; file: string }[] = [];
  for (const source of FALLBACK_FONTS) {
    for (const weight of ['regular', 'bold'] as const) {
      if (source[weight].endsWith('.woff')) out.push({ stem: fallbackStem(source, weight), file: fallbackFile(source, weight) });
    }
  }
  return out;
}

/**
 * `dist/fonts`, whether this module runs compiled (dist/src/certificates) or from source
 * under ts-jest (src/certificates).
 */
export function defaultFontDir(): string {
  const root = path.resolve(__dirname, '..', '..');
  return path.basename(root) === 'dist' ? path.join(root, 'fonts') : path.join(root, 'dist', 'fonts');
}

/** The name of the coverage file in the font directory (see `fontCoverage`). */
export const COVERAGE_FILE = 'coverage.json';

/** Code points as sorted, disjoint [first, last] ranges. */
export type CodePointRanges = [number, number][];

/** The code points a font maps to a glyph, as ranges. */
export function coverageOf(font: fontkit.Font): CodePointRanges {
  const points = [...new Set(font.characterSet)].sort((a, b) => a - b);
  const ranges: CodePointRanges = [];
  for (const cp of points) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === cp - 1) last[1] = cp;
    else ranges.push([cp, cp]);
  }
  return ranges;
}

/** The code points in both `a` and `b`. */
function intersect(a: CodePointRanges, b: CodePointRanges): CodePointRanges {
  const out: CodePointRanges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

function inRanges(ranges: CodePointRanges, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = ranges[mid]!;
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return true;
  }
  return false;
}

function readTtf(dir: string, stem: string): Buffer {
  try {
    return fs.readFileSync(path.join(dir, `${stem}.ttf`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return buildTtf(stem);
    throw err;
  }
}

function parseFont(buffer: Buffer, stem: string): fontkit.Font {
  const font = fontkit.create(buffer);
  if (!('layout' in font) || typeof font.layout !== 'function') {
    throw new WoffFormatError(`${stem}: expected a single font, got a collection`);
  }
  guardNullAnchors(font);
  applyMarkFilteringSets(font);
  memoizeGlyphDecoding(font);
  memoizeSubsets(font);
  return font;
}

/** One weight of a fallback as TTF bytes: converted in `dir`, or from its package. */
export function readFallbackFace(dir: string, source: FallbackSource, weight: FallbackWeight): Buffer {
  const file = fallbackFile(source, weight);
  if (!file.endsWith('.woff')) return fs.readFileSync(file);
  try {
    return fs.readFileSync(path.join(dir, `${fallbackStem(source, weight)}.ttf`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ttfFromWoff(file);
    throw err;
  }
}

/** The coverage of every fallback family (both weights), by family: what the build writes. */
export function fallbackCoverage(dir: string): Record<string, CodePointRanges> {
  const out: Record<string, CodePointRanges> = {};
  for (const source of FALLBACK_FONTS) {
    const [regular, bold] = (['regular', 'bold'] as const).map((w) => coverageOf(parseFont(readFallbackFace(dir, source, w), fallbackStem(source, w))));
    out[source.family] = intersect(regular!, bold!);
  }
  return out;
}

function readCoverageFile(dir: string): Record<string, CodePointRanges> {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, COVERAGE_FILE), 'utf8')) as Record<string, CodePointRanges>;
  } catch {
    return {};
  }
}

function lazyFallback(dir: string, source: FallbackSource, known: CodePointRanges | undefined): FallbackFont {
  const parsed: Partial<Record<FallbackWeight, fontkit.Font>> = {};
  const load = (weight: FallbackWeight): fontkit.Font =>
    (parsed[weight] ??= parseFont(readFallbackFace(dir, source, weight), fallbackStem(source, weight)));
  let ranges = known;
  return {
    family: source.family,
    scripts: source.scripts,
    get regular() {
      return load('regular');
    },
    get bold() {
      return load('bold');
    },
    covers(codePoint: number): boolean {
      // Without the build's coverage file, the fonts themselves say (parsing them once).
      ranges ??= intersect(coverageOf(load('regular')), coverageOf(load('bold')));
      return inRanges(ranges, codePoint);
    },
    loaded: (weight) => parsed[weight] !== undefined,
  };
}

function loadFonts(dir: string): CertificateFonts {
  const coverage = readCoverageFile(dir);
  return {
    regular: parseFont(readTtf(dir, CERTIFICATE_FACES.regular), CERTIFICATE_FACES.regular),
    bold: parseFont(readTtf(dir, CERTIFICATE_FACES.bold), CERTIFICATE_FACES.bold),
    italic: parseFont(readTtf(dir, CERTIFICATE_FACES.italic), CERTIFICATE_FACES.italic),
    fallbacks: FALLBACK_FONTS.map((source) => lazyFallback(dir, source, coverage[source.family])),
  };
}

let shared: CertificateFonts | undefined;

/**
 * The certificate faces, parsed, and the fallback fonts, parsed when first used. Call at
 * start-up and pass the result to `createCertificateRenderer`. Without a directory, the fonts of
 * `dist/fonts` are loaded on the first call and that same object is returned afterwards (fonts
 * are immutable, so the app, `unprintableCharacters()` and any other PDF share one copy).
 */
export function loadCertificateFonts(dir?: string): CertificateFonts {
  if (dir !== undefined) return loadFonts(dir);
  shared ??= loadFonts(defaultFontDir());
  return shared;
}

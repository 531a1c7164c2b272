/**
 * Fonts for certificates: BC Sans, and fallback fonts for scripts BC Sans lacks.
 *
 * `@bcgov/bc-sans` ships only WOFF and WOFF2. fontkit parses WOFF about 1000x slower than a
 * plain TrueType file and crashes when subsetting WOFF2, so `build-fonts.ts` converts the WOFF
 * (version 1) files to TTF at build time (`dist/fonts/`), removing the TrueType hinting on the
 * way (see stripHinting in woff.ts, the converter: it makes every certificate a third smaller).
 * This module says which font files are used and where they are, and `loadCertificateFonts()`
 * reads the TTFs once and parses them into fontkit font objects that every document reuses (see
 * registerParsedFonts in pdfkit-patches.ts), so no document pays for parsing a font again.
 *
 * BC Sans covers Latin (Vietnamese included: every precomposed letter and the combining marks)
 * and the BC First Nations orthographies. FALLBACK_FONTS covers other scripts learners' names are
 * written in; the renderer picks a font per grapheme (see text-runs.ts). WOFF fallbacks go
 * through the same converter; TTF fallbacks are read from their package as they are.
 *
 * If the TTFs have not been built (tests run from source), the same converter builds them in
 * memory from the WOFF files: nothing here depends on a prior build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fontkit from 'fontkit';
import { guardNullAnchors } from './pdfkit-patches';
import { readWoff, stripHinting, WoffFormatError, writeSfnt } from './woff';

/** The faces a certificate uses, by the file stem that `@bcgov/bc-sans` ships. */
export const CERTIFICATE_FACES = {
  regular: 'BCSans-Regular',
  bold: 'BCSans-Bold',
  italic: 'BCSans-Italic',
} as const;

export type CertificateFace = keyof typeof CERTIFICATE_FACES;

/**
 * Fallback fonts, in the order they are tried for a character BC Sans lacks. Only the regular and
 * bold weights are used (italic text falls back to the regular weight: these scripts have no
 * italics). Files are paths inside the package; `.woff` files are converted to TTF like BC Sans.
 *
 * - Noto Sans Gurmukhi (Punjabi), from `@fontsource/noto-sans-gurmukhi` (0.6 MB package, WOFF
 *   only): its "gurmukhi" subset files hold every Gurmukhi letter, sign and conjunct form with the
 *   GSUB/GPOS shaping tables (same glyphs and positions as the full font; 15 KB each).
 * - Noto Sans SC, from `@expo-google-fonts/noto-sans-sc` (TrueType outlines, 10.5 MB a weight):
 *   the whole URO block of CJK ideographs (20,976 of 20,992: Simplified and Traditional) and
 *   Extension A, plus Japanese kana. Glyph shapes follow the mainland (PRC) standard. TrueType,
 *   because pdfkit's subset of a CFF CJK font embeds about 40 KB for three characters; this
 *   one about 2 KB.
 */
export const FALLBACK_FONTS = [
  {
    family: 'NotoSansGurmukhi',
    package: '@fontsource/noto-sans-gurmukhi',
    regular: 'files/noto-sans-gurmukhi-gurmukhi-400-normal.woff',
    bold: 'files/noto-sans-gurmukhi-gurmukhi-700-normal.woff',
  },
  {
    family: 'NotoSansSC',
    package: '@expo-google-fonts/noto-sans-sc',
    regular: '400Regular/NotoSansSC_400Regular.ttf',
    bold: '700Bold/NotoSansSC_700Bold.ttf',
  },
] as const;

export type FallbackSource = (typeof FALLBACK_FONTS)[number];
export type FallbackWeight = 'regular' | 'bold';

/** One fallback family, parsed. */
export type FallbackFont = { readonly family: string; readonly regular: fontkit.Font; readonly bold: fontkit.Font };

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
export function fallbackStem(source: FallbackSource, weight: FallbackWeight): string {
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
  return font;
}

function readFallbackFace(dir: string, source: FallbackSource, weight: FallbackWeight): Buffer {
  const file = fallbackFile(source, weight);
  if (!file.endsWith('.woff')) return fs.readFileSync(file);
  try {
    return fs.readFileSync(path.join(dir, `${fallbackStem(source, weight)}.ttf`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ttfFromWoff(file);
    throw err;
  }
}

function loadFonts(dir: string): CertificateFonts {
  return {
    regular: parseFont(readTtf(dir, CERTIFICATE_FACES.regular), CERTIFICATE_FACES.regular),
    bold: parseFont(readTtf(dir, CERTIFICATE_FACES.bold), CERTIFICATE_FACES.bold),
    italic: parseFont(readTtf(dir, CERTIFICATE_FACES.italic), CERTIFICATE_FACES.italic),
    fallbacks: FALLBACK_FONTS.map((source) => ({
      family: source.family,
      regular: parseFont(readFallbackFace(dir, source, 'regular'), fallbackStem(source, 'regular')),
      bold: parseFont(readFallbackFace(dir, source, 'bold'), fallbackStem(source, 'bold')),
    })),
  };
}

let shared: CertificateFonts | undefined;

/**
 * Read and parse the certificate faces and the fallback fonts once. Call at start-up and pass the
 * result to `createCertificateRenderer`; parsing costs tens of milliseconds, a render a few.
 * Without a directory, the fonts of `dist/fonts` are parsed on the first call and that same
 * object is returned afterwards (fonts are immutable, so the app, `unprintableCharacters()`
 * and any other PDF share one copy: the CJK fallback alone is 21 MB).
 */
export function loadCertificateFonts(dir?: string): CertificateFonts {
  if (dir !== undefined) return loadFonts(dir);
  shared ??= loadFonts(defaultFontDir());
  return shared;
}

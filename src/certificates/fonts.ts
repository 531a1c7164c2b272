/**
 * Fonts for certificates: BC Sans, and fallback fonts for scripts BC Sans lacks.
 *
 * `@bcgov/bc-sans` ships only WOFF and WOFF2. fontkit parses WOFF about 1000x slower than a
 * plain TrueType file and crashes when subsetting WOFF2, so `build-fonts.ts` converts the WOFF
 * (version 1) files to TTF at build time (`dist/fonts/`), removing the TrueType hinting on the
 * way (see stripHinting: it makes every certificate a third smaller). This module holds that
 * converter, and `loadCertificateFonts()` reads the TTFs once and parses them into fontkit font
 * objects that pdfkit's `registerFont(name, fontObject)` accepts (pdfkit's PDFFontFactory.open uses any
 * object with a `layout` function as-is), so no document pays for parsing the font again.
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
import * as zlib from 'node:zlib';
import * as fontkit from 'fontkit';

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

export class WoffFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WoffFormatError';
  }
}

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER_SIZE = 44;
const WOFF_DIR_ENTRY_SIZE = 20;
const SFNT_HEADER_SIZE = 12;
const SFNT_DIR_ENTRY_SIZE = 16;
const HEAD_CHECKSUM_ADJUSTMENT_OFFSET = 8;

/** OpenType table checksum: sum of big-endian uint32 words, the last one zero-padded. */
function tableChecksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    sum = (sum + data.readUInt32BE(i)) >>> 0;
  }
  if (whole < data.length) {
    const tail = Buffer.alloc(4);
    data.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** An sfnt's tables by tag (`'glyf'`, `'cvt '`...), and its version tag (`flavor`). */
export type SfntTables = { flavor: number; tables: Map<string, Buffer> };

const tagName = (tag: number): string =>
  String.fromCharCode(tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff);
const tagNumber = (name: string): number =>
  ((name.charCodeAt(0) << 24) | (name.charCodeAt(1) << 16) | (name.charCodeAt(2) << 8) | name.charCodeAt(3)) >>> 0;

/**
 * Read a WOFF 1.0 file into its sfnt tables: every table is inflated (when compLength <
 * origLength) and checked against its length and the checksum the WOFF directory records.
 * WOFF metadata and private blocks are not part of the sfnt and are dropped.
 */
export function readWoff(woff: Buffer): SfntTables {
  if (woff.length < WOFF_HEADER_SIZE || woff.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new WoffFormatError('not a WOFF 1.0 file (bad signature)');
  }
  const flavor = woff.readUInt32BE(4);
  const declaredLength = woff.readUInt32BE(8);
  const numTables = woff.readUInt16BE(12);
  if (declaredLength !== woff.length) {
    throw new WoffFormatError(`WOFF length field ${declaredLength} != file size ${woff.length}`);
  }
  if (numTables === 0 || WOFF_HEADER_SIZE + numTables * WOFF_DIR_ENTRY_SIZE > woff.length) {
    throw new WoffFormatError(`bad table count ${numTables}`);
  }
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < numTables; i++) {
    const entry = WOFF_HEADER_SIZE + i * WOFF_DIR_ENTRY_SIZE;
    const tag = tagName(woff.readUInt32BE(entry));
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const origChecksum = woff.readUInt32BE(entry + 16);
    if (offset + compLength > woff.length || compLength > origLength) {
      throw new WoffFormatError(`table ${tag}: bad offset or length`);
    }
    const stored = woff.subarray(offset, offset + compLength);
    let data: Buffer;
    try {
      data = compLength < origLength ? zlib.inflateSync(stored) : Buffer.from(stored);
    } catch (err) {
      throw new WoffFormatError(`table ${tag}: ${(err as Error).message}`);
    }
    if (data.length !== origLength) {
      throw new WoffFormatError(`table ${tag}: inflated to ${data.length} bytes, expected ${origLength}`);
    }
    if (tableChecksumOf(tag, data) !== origChecksum) {
      throw new WoffFormatError(`table ${tag}: checksum mismatch`);
    }
    if (tables.has(tag)) throw new WoffFormatError(`table ${tag} appears twice`);
    tables.set(tag, data);
  }
  return { flavor, tables };
}

/** A table's checksum; head's is computed with checkSumAdjustment taken as zero. */
function tableChecksumOf(tag: string, data: Buffer): number {
  if (tag !== 'head') return tableChecksum(data);
  if (data.length < 12) throw new WoffFormatError('head table too short');
  const copy = Buffer.from(data);
  copy.writeUInt32BE(0, HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  return tableChecksum(copy);
}

/**
 * Lay out an sfnt file: the table directory sorted by tag with searchRange/entrySelector/
 * rangeShift, each table 4-byte aligned and zero-padded, fresh table checksums, and
 * head.checkSumAdjustment set so the whole file sums to 0xB1B0AFBA.
 */
export function writeSfnt({ flavor, tables }: SfntTables): Buffer {
  const sorted = [...tables.entries()]
    .map(([tag, data]) => ({ tag, num: tagNumber(tag), data }))
    .sort((a, b) => a.num - b.num);
  const numTables = sorted.length;
  let maxPow2 = 1;
  let entrySelector = 0;
  while (maxPow2 * 2 <= numTables) {
    maxPow2 *= 2;
    entrySelector++;
  }
  const searchRange = maxPow2 * 16;
  const rangeShift = numTables * 16 - searchRange;

  const directorySize = SFNT_HEADER_SIZE + numTables * SFNT_DIR_ENTRY_SIZE;
  let total = directorySize;
  for (const t of sorted) total += pad4(t.data.length);

  const out = Buffer.alloc(total); // zero-filled, so padding bytes are zero
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(rangeShift, 10);

  let offset = directorySize;
  let headOffset = -1;
  sorted.forEach((t, i) => {
    const entry = SFNT_HEADER_SIZE + i * SFNT_DIR_ENTRY_SIZE;
    t.data.copy(out, offset);
    if (t.tag === 'head') {
      headOffset = offset;
      out.writeUInt32BE(0, offset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
    }
    out.writeUInt32BE(t.num, entry);
    out.writeUInt32BE(tableChecksum(out.subarray(offset, offset + pad4(t.data.length))), entry + 4);
    out.writeUInt32BE(offset, entry + 8);
    out.writeUInt32BE(t.data.length, entry + 12);
    offset += pad4(t.data.length);
  });

  if (headOffset >= 0) {
    const adjustment = (0xb1b0afba - tableChecksum(out)) >>> 0;
    out.writeUInt32BE(adjustment, headOffset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  }
  return out;
}

/** Convert a WOFF 1.0 file to the sfnt (TrueType or CFF OpenType) file it wraps, unchanged. */
export function woffToSfnt(woff: Buffer): Buffer {
  return writeSfnt(readWoff(woff));
}

// glyf component flags
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

/**
 * Remove TrueType hinting: the instructions of every glyph, and the fpgm, prep and cvt
 * tables (and DSIG, which no longer matches). Outlines, metrics, cmap and the OpenType layout
 * tables are untouched. 61% of BC Sans's glyf bytes are instructions; PDF viewers render
 * at print and zoom resolutions where hinting does nothing useful, so every certificate's
 * embedded subsets shrink by about a third for no visible change. loca is rewritten in the long
 * format (head.indexToLocFormat = 1), each glyph 4-byte aligned.
 */
export function stripHinting({ flavor, tables }: SfntTables): SfntTables {
  const glyf = tables.get('glyf');
  const loca = tables.get('loca');
  const head = tables.get('head');
  const maxp = tables.get('maxp');
  if (!glyf || !loca || !head || !maxp) return { flavor, tables: new Map(tables) }; // not TrueType outlines
  const numGlyphs = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const offsetOf = (i: number): number => (longLoca ? loca.readUInt32BE(i * 4) : loca.readUInt16BE(i * 2) * 2);

  const glyphs: Buffer[] = [];
  for (let i = 0; i < numGlyphs; i++) {
    const start = offsetOf(i);
    const end = offsetOf(i + 1);
    if (end < start || end > glyf.length) throw new WoffFormatError(`glyph ${i}: bad loca offsets`);
    glyphs.push(end === start ? Buffer.alloc(0) : stripGlyph(glyf.subarray(start, end), i));
  }

  const newLoca = Buffer.alloc((numGlyphs + 1) * 4);
  let size = 0;
  glyphs.forEach((g, i) => {
    newLoca.writeUInt32BE(size, i * 4);
    size += pad4(g.length);
  });
  newLoca.writeUInt32BE(size, numGlyphs * 4);
  const newGlyf = Buffer.alloc(size);
  glyphs.forEach((g, i) => g.copy(newGlyf, newLoca.readUInt32BE(i * 4)));

  const newHead = Buffer.from(head);
  newHead.writeInt16BE(1, 50); // indexToLocFormat: long
  const newMaxp = Buffer.from(maxp);
  if (newMaxp.readUInt32BE(0) === 0x00010000 && newMaxp.length >= 28) newMaxp.writeUInt16BE(0, 26); // maxSizeOfInstructions

  const out = new Map(tables);
  for (const tag of ['fpgm', 'prep', 'cvt ', 'DSIG', 'hdmx', 'LTSH', 'VDMX']) out.delete(tag);
  out.set('glyf', newGlyf);
  out.set('loca', newLoca);
  out.set('head', newHead);
  out.set('maxp', newMaxp);
  return { flavor, tables: out };
}

function stripGlyph(g: Buffer, index: number): Buffer {
  const numberOfContours = g.readInt16BE(0);
  if (numberOfContours >= 0) {
    // header (10) + endPtsOfContours + instructionLength + instructions + flags/coordinates
    const ilAt = 10 + 2 * numberOfContours;
    const il = g.readUInt16BE(ilAt);
    if (ilAt + 2 + il > g.length) throw new WoffFormatError(`glyph ${index}: bad instruction length`);
    const out = Buffer.concat([g.subarray(0, ilAt), Buffer.alloc(2), g.subarray(ilAt + 2 + il)]);
    return out;
  }
  // Composite: walk the components, clear WE_HAVE_INSTRUCTIONS, cut what follows the last.
  const out = Buffer.from(g);
  let pos = 10;
  for (;;) {
    const flags = out.readUInt16BE(pos);
    out.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, pos);
    pos += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) pos += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) pos += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) pos += 8;
    if (pos > out.length) throw new WoffFormatError(`glyph ${index}: bad composite glyph`);
    if (!(flags & MORE_COMPONENTS)) break;
  }
  return out.subarray(0, pos);
}

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

const guardedPrototypes = new WeakSet<object>();

/**
 * fontkit 2.0.4 crashes ("Cannot read properties of null (reading 'xCoordinate')") when a GPOS
 * mark-attachment subtable has a NULL anchor, which the OpenType spec allows and means "no
 * anchor here" (foliojs/fontkit#367, fix proposed in #374). It happens in BC Sans Regular and Bold
 * for Vietnamese in decomposed form (a dot below followed by a circumflex or breve: "ệ", "ậ",
 * "ặ", "ộ" as NFD), and in Noto Sans Gurmukhi for most words with a vowel sign. We wrap
 * GPOSProcessor.prototype.applyAnchor (shared by every font, so once per process) to skip the
 * attachment when either anchor is missing, as HarfBuzz does: the mark keeps the position an
 * earlier lookup gave it (e.g. the circumflex above its base letter). If fontkit's internals
 * change, this throws and the tests say so.
 */
export function guardNullAnchors(font: fontkit.Font): void {
  if (!(font as unknown as { GPOS?: unknown }).GPOS) return;
  const engine = (font as unknown as { _layoutEngine?: { engine?: { GPOSProcessor?: object } } })._layoutEngine?.engine;
  const processor = engine?.GPOSProcessor;
  const proto = processor ? (Object.getPrototypeOf(processor) as Record<string, unknown>) : undefined;
  if (!proto || typeof proto.applyAnchor !== 'function') {
    throw new Error('fontkit internals changed: GPOSProcessor.applyAnchor not found (see certificates/fonts.ts)');
  }
  if (guardedPrototypes.has(proto)) return;
  const original = proto.applyAnchor as (this: unknown, markRecord: unknown, baseAnchor: unknown, index: number) => void;
  proto.applyAnchor = function (this: unknown, markRecord: { markAnchor?: unknown } | null, baseAnchor: unknown, index: number): void {
    if (!baseAnchor || !markRecord || !markRecord.markAnchor) return;
    original.call(this, markRecord, baseAnchor, index);
  };
  guardedPrototypes.add(proto);
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

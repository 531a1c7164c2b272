import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fontkit from 'fontkit';
import { buildFonts } from '../../src/certificates/build-fonts';
import {
  CERTIFICATE_FACES,
  COVERAGE_FILE,
  FALLBACK_FONTS,
  bcSansWoffDir,
  convertedFallbacks,
  coverageOf,
  fallbackFile,
  fallbackStem,
  loadCertificateFonts,
  shippedFaces,
  type CertificateFonts,
  type FallbackFont,
} from '../../src/certificates/fonts';
import { guardNullAnchors } from '../../src/certificates/pdfkit-patches';
import { WoffFormatError, readWoff, stripHinting, woffToSfnt, writeSfnt } from '../../src/certificates/woff';
import { tempDir } from './helpers';

const woffPath = (stem: string): string => path.join(bcSansWoffDir(), `${stem}.woff`);
const fallback = (fonts: CertificateFonts, family: string): FallbackFont => fonts.fallbacks!.find((f) => f.family === family)!;

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i += 4) {
    const word = Buffer.alloc(4);
    buf.copy(word, 0, i, Math.min(i + 4, buf.length));
    sum = (sum + word.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

/** Check an sfnt's structure the way a strict font loader would. */
function assertValidSfnt(ttf: Buffer): string[] {
  const numTables = ttf.readUInt16BE(4);
  const searchRange = ttf.readUInt16BE(6);
  const entrySelector = ttf.readUInt16BE(8);
  const rangeShift = ttf.readUInt16BE(10);
  expect(2 ** entrySelector * 16).toBe(searchRange);
  expect(searchRange).toBeLessThanOrEqual(numTables * 16);
  expect(searchRange * 2).toBeGreaterThan(numTables * 16);
  expect(rangeShift).toBe(numTables * 16 - searchRange);
  const tags: string[] = [];
  let prevTag = -1;
  for (let i = 0; i < numTables; i++) {
    const e = 12 + i * 16;
    const tagNum = ttf.readUInt32BE(e);
    const tag = ttf.toString('latin1', e, e + 4);
    const sum = ttf.readUInt32BE(e + 4);
    const offset = ttf.readUInt32BE(e + 8);
    const length = ttf.readUInt32BE(e + 12);
    expect(tagNum).toBeGreaterThan(prevTag); // sorted, no duplicates
    prevTag = tagNum;
    expect(offset % 4).toBe(0);
    expect(offset + length).toBeLessThanOrEqual(ttf.length);
    const data = Buffer.from(ttf.subarray(offset, offset + length));
    if (tag === 'head') data.writeUInt32BE(0, 8);
    expect(checksum(data)).toBe(sum);
    tags.push(tag);
  }
  expect(checksum(ttf)).toBe(0xb1b0afba); // whole file, with head.checkSumAdjustment
  return tags;
}

describe('WOFF → TTF', () => {
  test('the package ships the faces we use', () => {
    const faces = shippedFaces();
    for (const stem of Object.values(CERTIFICATE_FACES)) expect(faces).toContain(stem);
  });

  test('a faithful conversion is a valid sfnt of the size the WOFF header announces', () => {
    const woff = fs.readFileSync(woffPath('BCSans-Regular'));
    const ttf = woffToSfnt(woff);
    expect(ttf.length).toBe(woff.readUInt32BE(16)); // totalSfntSize
    const tags = assertValidSfnt(ttf);
    expect(tags).toEqual(expect.arrayContaining(['glyf', 'loca', 'cmap', 'GPOS', 'GSUB', 'fpgm']));
    const font = fontkit.create(ttf) as fontkit.Font;
    expect(font.postscriptName).toBe('BCSans-Regular');
  });

  test('stripping hinting keeps every outline and advance, drops the programs', () => {
    const original = readWoff(fs.readFileSync(woffPath('BCSans-Bold')));
    const stripped = stripHinting(original);
    const ttf = writeSfnt(stripped);
    const tags = assertValidSfnt(ttf);
    for (const gone of ['fpgm', 'prep', 'cvt ', 'DSIG']) expect(tags).not.toContain(gone);
    expect(ttf.length).toBeLessThan(writeSfnt(original).length * 0.6);

    const a = fontkit.create(writeSfnt(original)) as fontkit.Font;
    const b = fontkit.create(ttf) as fontkit.Font;
    expect(b.numGlyphs).toBe(a.numGlyphs);
    for (let i = 0; i < a.numGlyphs; i++) {
      const ga = a.getGlyph(i);
      const gb = b.getGlyph(i);
      if (ga.path.toSVG() !== gb.path.toSVG() || ga.advanceWidth !== gb.advanceWidth) {
        throw new Error(`glyph ${i} changed`);
      }
    }
    // Shaping (GSUB/GPOS) is untouched: the same glyphs at the same positions.
    const text = 'Sḵwx̱wú7mesh xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ';
    const ra = a.layout(text);
    const rb = b.layout(text);
    expect(rb.glyphs.map((g) => g.id)).toEqual(ra.glyphs.map((g) => g.id));
    expect(rb.positions).toEqual(ra.positions);
    expect(ra.glyphs.some((g) => g.id === 0)).toBe(false); // BC Sans covers every character
  });

  test('refuses what is not WOFF 1.0', () => {
    expect(() => woffToSfnt(Buffer.from('not a font at all, just some bytes for the header check.'))).toThrow(WoffFormatError);
    const woff2 = fs.readFileSync(path.join(bcSansWoffDir(), 'BCSans-Regular.woff2'));
    expect(() => woffToSfnt(woff2)).toThrow(WoffFormatError);
    const truncated = fs.readFileSync(woffPath('BCSans-Regular')).subarray(0, 5000);
    expect(() => woffToSfnt(truncated)).toThrow(WoffFormatError);
    const corrupt = Buffer.from(fs.readFileSync(woffPath('BCSans-Italic')));
    corrupt[corrupt.length - 100] ^= 0xff; // inside the last table's data
    expect(() => woffToSfnt(corrupt)).toThrow(WoffFormatError);
  });
});

describe('loadCertificateFonts', () => {
  test('reads the built TTFs from a directory', () => {
    const dir = tempDir('bw-fonts-');
    const written = buildFonts(dir);
    expect(written.map((f) => path.basename(f)).sort()).toEqual(
      [...[...shippedFaces(), ...convertedFallbacks().map((f) => f.stem)].map((s) => `${s}.ttf`), COVERAGE_FILE].sort(),
    );
    for (const file of written.filter((f) => f.endsWith('.ttf'))) assertValidSfnt(fs.readFileSync(file));
    const fonts = loadCertificateFonts(dir);
    expect(fonts.regular.postscriptName).toBe('BCSans-Regular');
    expect(fonts.bold.postscriptName).toBe('BCSans-Bold');
    expect(fonts.italic.postscriptName).toBe('BCSans-Italic');
    // Coverage comes from the build: no fallback is parsed to know what it prints.
    expect(fallback(fonts, 'NotoSansKR').covers('김'.codePointAt(0)!)).toBe(true);
    expect(fallback(fonts, 'NotoNaskhArabic').covers('ی'.codePointAt(0)!)).toBe(true);
    expect(fonts.fallbacks!.some((f) => f.loaded('regular') || f.loaded('bold'))).toBe(false);
    expect(fonts.fallbacks!.map((f) => [f.regular.postscriptName, f.bold.postscriptName])).toEqual(
      FALLBACK_FONTS.map(() => [expect.stringMatching(/^Noto\w+-Regular$/), expect.stringMatching(/^Noto\w+-Bold$/)]),
    );
    expect(fallback(fonts, 'NotoNaskhArabic').bold.postscriptName).toBe('NotoNaskhArabic-Bold');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the coverage file says what each fallback prints, in both weights', () => {
    const dir = tempDir('bw-fonts-');
    buildFonts(dir);
    const coverage = JSON.parse(fs.readFileSync(path.join(dir, COVERAGE_FILE), 'utf8')) as Record<string, [number, number][]>;
    expect(Object.keys(coverage)).toEqual(FALLBACK_FONTS.map((f) => f.family));
    const fonts = loadCertificateFonts(dir);
    for (const source of FALLBACK_FONTS) {
      const regular = new Set(coverageOf(fallback(fonts, source.family).regular).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
      for (const [first, last] of coverage[source.family]!.slice(0, 50)) {
        for (let cp = first; cp <= last; cp++) expect([source.family, cp, regular.has(cp)]).toEqual([source.family, cp, true]);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('without a directory, one shared copy is parsed once', () => {
    expect(loadCertificateFonts()).toBe(loadCertificateFonts());
  });

  test('builds them in memory when they have not been built', () => {
    const fonts = loadCertificateFonts(path.join(tempDir('bw-nofonts-'), 'missing'));
    expect(typeof fonts.regular.layout).toBe('function');
    expect(fonts.bold.layout('Stó:lō').glyphs.length).toBeGreaterThan(0);
    expect(fallback(fonts, 'NotoSansGurmukhi').bold.layout('ਸਿੰਘ').glyphs.length).toBe(4);
  });
});

describe('fallback font files', () => {
  test('every fallback face is in its package: WOFF 1.0 (converted) or TrueType', () => {
    for (const source of FALLBACK_FONTS) {
      for (const weight of ['regular', 'bold'] as const) {
        const data = fs.readFileSync(fallbackFile(source, weight));
        const signature = data.readUInt32BE(0);
        expect([0x774f4646 /* wOFF */, 0x00010000 /* TrueType */]).toContain(signature);
      }
    }
    // Every @fontsource package ships WOFF only: those are converted; the CJK TrueType files are not.
    expect(convertedFallbacks().map((f) => f.stem)).toEqual(
      FALLBACK_FONTS.filter((f) => f.package.startsWith('@fontsource/')).flatMap((f) => [fallbackStem(f, 'regular'), fallbackStem(f, 'bold')]),
    );
  });
});

describe('fontkit and mark filtering sets (applyMarkFilteringSets)', () => {
  test('a lookup that skips only the marks outside its set positions the glyph after them, as HarfBuzz does', () => {
    const bengali = fallback(loadCertificateFonts(), 'NotoSansBengali').bold;
    // ক্তা: the conjunct, its arm (a mark outside the distance lookup's set), then the headline.
    const run = bengali.layout('ক্তা');
    expect(run.glyphs.map((g) => g.id)).toEqual([141, 308, 334, 59]);
    expect(run.positions.map((p) => [p.xAdvance, p.xOffset])).toEqual([[959, 0], [0, -390], [0, -228], [283, 0]]);
  });
});

describe('fontkit and NULL GPOS anchors (guardNullAnchors)', () => {
  test('decomposed Vietnamese and Gurmukhi vowel signs shape instead of crashing', () => {
    const fonts = loadCertificateFonts();
    // A dot below, then a circumflex or breve: BC Sans has no mark-to-mark anchor for that pair.
    for (const face of [fonts.regular, fonts.bold]) {
      const run = face.layout('ệ ậ ặ ộ'.normalize('NFD'));
      expect(run.glyphs.map((g) => g.id)).not.toContain(0);
      // The circumflex keeps its place above the letter (mark-to-base), not at the baseline.
      const circumflex = run.glyphs.findIndex((g) => g.codePoints.includes(0x302));
      expect(run.positions[circumflex]!.yOffset).toBeGreaterThanOrEqual(0);
      expect(run.positions[circumflex]!.xAdvance).toBe(0);
    }
    expect(fallback(fonts, 'NotoSansGurmukhi').bold.layout('ਗੁਰਪ੍ਰੀਤ').glyphs).toHaveLength(7);
  });

  test('the guard is installed once, on the shared prototype', () => {
    const fonts = loadCertificateFonts();
    const proto = Object.getPrototypeOf((fonts.bold as unknown as { _layoutEngine: { engine: { GPOSProcessor: object } } })._layoutEngine.engine.GPOSProcessor) as {
      applyAnchor: unknown;
    };
    const installed = proto.applyAnchor;
    guardNullAnchors(fonts.regular);
    guardNullAnchors(fallback(fonts, 'NotoSansSC').bold);
    expect(proto.applyAnchor).toBe(installed);
  });
});

// Names in every script we ship a font for: drawn in the right font, shaped, extracted exactly,
// with no missing-glyph box; and the names we cannot print refused with a typed error. (Their
// glyphs are checked against HarfBuzz in harfbuzz.test.ts.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FALLBACK_FONTS, loadCertificateFonts, type CertificateFonts, type FallbackFont } from '../../src/certificates/fonts';
import {
  CertificateConfigError,
  CertificateInputError,
  createCertificateRenderer,
  unprintableCharacters,
  type CertificateRenderer,
} from '../../src/certificates/pdf';
import { shape } from '../../src/certificates/shaping';
import { describeCluster, hasNothingVisible, splitIntoRuns, type ChainFont } from '../../src/certificates/text-runs';
import { drawnGlyphIds, englishT, poppler, sampleRecord, sampleRendererOptions, squash, tempDir } from './helpers';

const NAMES: Record<string, string> = {
  vietnamese: 'Nguyễn Thị Minh Khai',
  vietnameseNfd: 'Lê Văn Việt Phạm Thị Ngọc Ánh Đặng Quốc Bảo'.normalize('NFD'),
  simplified: '王秀英',
  traditional: '陳大文',
  gurmukhi: 'ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ',
  mixed: 'Amrit ਸਿੰਘ Sḵwx̱wú7mesh',
  cjkAndLatin: '欧阳娜娜 (Nana Ouyang)',
  korean: '김민준',
  hindi: 'प्रिया शर्मा',
  persian: 'سارا محمدی',
  persianAndLatin: 'Sara محمدی Tehrani',
  hebrew: 'דוד כהן',
  thai: 'สมชาย ใจดี',
  amharic: 'አበበ ቢቂላ',
  russian: 'Иван Петров',
  japanese: '山田 はなこ',
};

let fonts: CertificateFonts;
let renderer: CertificateRenderer;
let dir: string;
const t = englishT();

function makeRenderer(): CertificateRenderer {
  return createCertificateRenderer(sampleRendererOptions(fonts));
}

beforeAll(() => {
  fonts = loadCertificateFonts();
  renderer = makeRenderer();
  dir = tempDir('bw-scripts-');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const fallback = (family: string): FallbackFont => fonts.fallbacks!.find((f) => f.family === family)!;

describe('fallback fonts', () => {
  test('are listed in the documented order, both weights', () => {
    expect(fonts.fallbacks?.map((f) => f.family)).toEqual(FALLBACK_FONTS.map((f) => f.family));
    const [gurmukhi, han] = [fallback('NotoSansGurmukhi'), fallback('NotoSansSC')];
    expect(gurmukhi!.bold.postscriptName).toBe('NotoSansGurmukhi-Bold');
    expect(gurmukhi!.regular.postscriptName).toBe('NotoSansGurmukhi-Regular');
    expect(han!.bold.postscriptName).toBe('NotoSansSC-Bold');
    expect(han!.regular.postscriptName).toBe('NotoSansSC-Regular');
  });

  test('BC Sans covers every Vietnamese letter, precomposed and combining, in every face', () => {
    const bases = 'aăâeêioôơuưyAĂÂEÊIOÔƠUƯY';
    const tones = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
    const letters = ['đ', 'Đ'];
    for (const b of bases) for (const tone of tones) letters.push((b + tone).normalize('NFC'));
    expect(new Set(letters).size).toBe(146);
    for (const face of [fonts.regular, fonts.bold, fonts.italic]) {
      for (const letter of letters) {
        for (const form of [letter, letter.normalize('NFD')]) {
          for (const ch of form) expect(face.hasGlyphForCodePoint(ch.codePointAt(0)!)).toBe(true);
          // Shaping never falls back to .notdef and never crashes (see guardNullAnchors).
          expect(face.layout(form).glyphs.every((g) => g.id !== 0)).toBe(true);
        }
      }
    }
    // So Vietnamese never needs a fallback.
    expect(splitIntoRuns(letters.join(' '), [fonts.bold]).unprintable).toEqual([]);
  });
});

describe('runs', () => {
  const chain = (): ChainFont[] => [
    { covers: (cp) => fonts.bold.hasGlyphForCodePoint(cp), family: 'BCSans' },
    ...fonts.fallbacks!.map((f) => ({ covers: (cp: number) => f.covers(cp), family: f.family, scripts: f.scripts })),
  ];
  const familyRuns = (name: string) => splitIntoRuns(name, chain()).runs.map((r) => ({ text: r.text, family: chain()[r.font]!.family }));

  test('a mixed name splits by script, marks stay with their letters, spaces stay in their run', () => {
    expect(splitIntoRuns(NAMES.mixed!, chain()).unprintable).toEqual([]);
    expect(familyRuns(NAMES.mixed!)).toEqual([
      { text: 'Amrit ', family: 'BCSans' },
      { text: 'ਸਿੰਘ ', family: 'NotoSansGurmukhi' },
      { text: 'Sḵwx̱wú7mesh', family: 'BCSans' },
    ]);
    expect(familyRuns('王秀英 Wang')).toEqual([
      { text: '王秀英 ', family: 'NotoSansSC' },
      { text: 'Wang', family: 'BCSans' },
    ]);
  });

  test('each character is in a font that has a glyph for it, and shapes without .notdef', () => {
    const parsed = [fonts.bold, ...fonts.fallbacks!.map((f) => f.bold)];
    for (const name of Object.values(NAMES)) {
      for (const run of splitIntoRuns(name, chain()).runs) {
        const font = parsed[run.font]!;
        for (const ch of run.text) expect([ch, font.hasGlyphForCodePoint(ch.codePointAt(0)!)]).toEqual([ch, true]);
        expect(font.layout(run.text).glyphs.map((g) => g.id)).not.toContain(0);
      }
    }
  });

  test('Gurmukhi is shaped: conjuncts, reordered and stacked vowel signs', () => {
    const gurmukhi = fallback('NotoSansGurmukhi').bold;
    const names = (s: string): string[] => gurmukhi.layout(s).glyphs.map((g) => g.name);
    // ਪ੍ਰ: ra after a virama becomes a subscript form; ੀ follows.
    expect(names('ਪ੍ਰੀ')).toEqual(['paguru', 'rasubscriptguru', 'iimatraguru']);
    // ਿ (sihari) is written after ਸ but drawn before it; the tippi sits on the consonant.
    expect(names('ਸਿੰਘ')).toEqual(['imatraguru', 'saguru', 'tippiguru', 'ghaguru']);
    const run = gurmukhi.layout('ਗੁ');
    expect(run.glyphs.map((g) => g.name)).toEqual(['gaguru', 'umatraguru']);
    // The aunkar is a zero-width mark positioned under its consonant.
    expect(run.positions[1]!.xAdvance).toBe(0);
  });

  test('invisible characters: kept for shaping, drawn as nothing, never unprintable', () => {
    const name = 'A\u200bl\u00adex\u200e \ufeffE\u2060x';
    const { runs, unprintable } = splitIntoRuns(name, chain());
    expect(unprintable).toEqual([]);
    expect(runs).toEqual([{ text: name, font: 0 }]);
    // Shaped, each is a glyph with no advance (the font's space, as HarfBuzz does), or nothing.
    const shaped = shape(fonts.bold, name, 'ltr');
    expect(shaped.glyphs.map((g) => g.id)).not.toContain(0);
    expect(shaped.advance).toBe(shape(fonts.bold, 'Alex Ex', 'ltr').advance);
    // ZWJ and ZWNJ shape Indic scripts and keep Persian letters apart: they stay in their run.
    expect(familyRuns('ਕ\u0a4d\u200dਰ')).toEqual([{ text: 'ਕ\u0a4d\u200dਰ', family: 'NotoSansGurmukhi' }]);
    expect(familyRuns('رضایی\u200cنژاد')).toEqual([{ text: 'رضایی\u200cنژاد', family: 'NotoNaskhArabic' }]);
  });

  test('a line break or tab inside a name is drawn as a space', () => {
    expect(splitIntoRuns('Alex\tEx\nample', chain()).runs).toEqual([{ text: 'Alex Ex ample', font: 0 }]);
  });
});

describe('names in other scripts', () => {
  describe.each(Object.entries(NAMES))('%s', (label, name) => {
    let pdf: Buffer;
    let file: string;
    beforeAll(() => {
      pdf = renderer.render(sampleRecord({ holderName: name }), t, 'en-CA');
      file = path.join(dir, `${label}.pdf`);
      fs.writeFileSync(file, pdf);
    });

    test('pdftotext finds the name exactly', () => {
      // Less poppler's direction controls and the marks ending right-to-left runs (see bidi.ts).
      expect(squash(poppler('pdftotext', [file, '-']).replace(/[\u202a-\u202e\u200e]/g, ''))).toContain(squash(name));
    });

    test('every font is embedded as a subset with a ToUnicode map', () => {
      const rows = poppler('pdffonts', [file]).trim().split('\n').slice(2);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const row of rows) {
        expect(row).toMatch(/^[A-Z]{6}\+(BCSans|Noto\w+)-(Regular|Bold|Italic)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\b/);
      }
    });

    test('no missing-glyph box: no drawn glyph is .notdef', () => {
      const ids = drawnGlyphIds(pdf);
      expect(ids.length).toBeGreaterThan(100);
      expect(ids).not.toContain(0);
    });

    test('one page, under 40 KB, the same bytes on every render', () => {
      expect(poppler('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
      expect(pdf.length).toBeLessThan(40 * 1024);
      expect(makeRenderer().render(sampleRecord({ holderName: name }), englishT(), 'en-CA').equals(pdf)).toBe(true);
    });

    test('renders to PNG at 100 dpi', () => {
      const out = path.join(dir, `${label}-page`);
      poppler('pdftoppm', ['-png', '-r', '100', '-singlefile', file, out]);
      const png = fs.readFileSync(`${out}.png`);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1100); // 11 in at 100 dpi
    });
  });

  test('the fallback font is embedded only when used', () => {
    const fontsIn = (holderName: string): string =>
      poppler('pdffonts', [path.join(dir, `${holderName === NAMES.gurmukhi ? 'gurmukhi' : 'simplified'}.pdf`)]);
    expect(fontsIn(NAMES.gurmukhi!)).toContain('NotoSansGurmukhi-Bold');
    expect(fontsIn(NAMES.gurmukhi!)).not.toContain('NotoSansSC');
    expect(fontsIn(NAMES.simplified!)).toContain('NotoSansSC-Bold');
    expect(fontsIn(NAMES.simplified!)).not.toContain('Gurmukhi');
  });

  test('a long mixed name wraps onto lines and stays on the page', () => {
    const long = ('ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ 王秀英 Nguyễn Thị Minh Khai Sḵwx̱wú7mesh ').repeat(5).trim();
    const pdf = renderer.render(sampleRecord({ holderName: long }), t, 'en-CA');
    const file = path.join(dir, 'long-mixed.pdf');
    fs.writeFileSync(file, pdf);
    expect(poppler('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
    expect(squash(poppler('pdftotext', [file, '-']))).toContain(squash(long));
    expect(drawnGlyphIds(pdf)).not.toContain(0);
  });

  test('an unspaced CJK name too long for one line breaks between characters', () => {
    const long = '王秀英陳大文欧阳娜娜司马相如'.repeat(8);
    const pdf = renderer.render(sampleRecord({ holderName: long }), t, 'en-CA');
    const file = path.join(dir, 'long-cjk.pdf');
    fs.writeFileSync(file, pdf);
    expect(poppler('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
    expect(squash(poppler('pdftotext', [file, '-']))).toContain(long);
  });

  test('the course title and signatory may use the fallback fonts too', () => {
    const pdf = createCertificateRenderer({
      fonts,
      organizationName: '太平洋社區服務',
      signatoryName: 'ਹਰਪ੍ਰੀਤ ਕੌਰ',
      signatoryTitle: '培训主任',
      paperSize: 'A4',
      baseUrl: 'https://learn.example.org',
    }).render(sampleRecord({ courseTitle: '以权利为本的实践 ਪੰਜਾਬੀ' }), t, 'en-CA');
    const file = path.join(dir, 'config-scripts.pdf');
    fs.writeFileSync(file, pdf);
    const text = squash(poppler('pdftotext', [file, '-']));
    for (const s of ['太平洋社區服務', 'ਹਰਪ੍ਰੀਤ ਕੌਰ', '培训主任', '以权利为本的实践 ਪੰਜਾਬੀ']) expect(text).toContain(s);
    expect(drawnGlyphIds(pdf)).not.toContain(0);
    expect(poppler('pdffonts', [file])).toContain('NotoSansSC-Regular');
  });
});

describe('names we cannot print', () => {
  const cases: [string, string, string[]][] = [
    ['emoji', 'Alex 😀 Example', ['😀']],
    ['emoji sequences', 'Sam 👨‍👩‍👧 🇨🇦 👍🏽 👍🏽', ['👨‍👩‍👧', '🇨🇦', '👍🏽']],
    ['a right-to-left override', 'Alex\u202eelpmaxE', ['\u202e']],
    ['a right-to-left isolate', 'Alex \u2067محمد\u2069', ['\u2067', '\u2069']],
    ['a script we ship no font for (Georgian)', 'ნინო', ['ნ', 'ი', 'ო']],
    ['a control character', 'Alex\u0007Example', ['\u0007']],
    ['a combining mark with no letter', 'Alex \u0301Example', [' \u0301']],
  ];

  test.each(cases)('%s: listed by unprintableCharacters', (_label, name, expected) => {
    expect(unprintableCharacters(name)).toEqual(expected);
    expect(renderer.unprintableCharacters(name)).toEqual(expected);
  });

  test.each(cases)('%s: rendering throws the typed error with the characters', (_label, name, expected) => {
    let error: unknown;
    try {
      renderer.render(sampleRecord({ holderName: name }), t, 'en-CA');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CertificateInputError);
    expect((error as CertificateInputError).reason).toBe('unprintable-name');
    expect((error as CertificateInputError).characters).toEqual(expected);
  });

  test('a script we ship no font for (Sinhala): the whole word, in clusters', () => {
    // How conjuncts group into clusters depends on ICU's Unicode version, so only the characters are checked.
    const bad = unprintableCharacters('සුනිල් Perera');
    expect(bad.join('')).toBe('සුනිල්');
    expect(() => renderer.render(sampleRecord({ holderName: 'සුනිල් Perera' }), t, 'en-CA')).toThrow(
      expect.objectContaining({ reason: 'unprintable-name', characters: bad }),
    );
  });

  test('printable names have nothing to report', () => {
    for (const name of [...Object.values(NAMES), 'Alex Example', 'Zoë Côté-Nguyễn', 'xʷməθkʷəy̓əm', ' Stó:lō ', 'Ana\u200dMaria', 'ᐊᓂᔨᔅ', 'Γιώργος', 'ស្រីពៅ', 'ສົມພອນ', 'அருண்', 'ক্ষিতি', 'ક્ષિતિજ', 'Ali\u200fعلی']) {
      expect([name, unprintableCharacters(name)]).toEqual([name, []]);
    }
  });

  test('a name with nothing visible is told apart (the account forms refuse it)', () => {
    for (const name of ['\u200b', '\u3164', '\u0301', ' \u200d ', '\u115f\u1160', '\ufeff']) expect([name, hasNothingVisible(name)]).toEqual([name, true]);
    for (const name of ['A', 'ᐊ', 'ـا', '김', 'a\u0301']) expect([name, hasNothingVisible(name)]).toEqual([name, false]);
  });

  test('a message can show every unprintable character, invisible ones as code points', () => {
    expect(describeCluster('😀')).toBe('😀');
    expect(describeCluster('👨‍👩‍👧')).toBe('👨‍👩‍👧');
    expect(describeCluster('\u202e')).toBe('U+202E');
    expect(describeCluster('\u0007')).toBe('U+0007');
    expect(describeCluster('\u0301')).toBe('U+0301');
    expect(describeCluster(' \u0301')).toBe('U+0020 U+0301');
    expect(describeCluster('\u2067')).toBe('U+2067');
    try {
      renderer.render(sampleRecord({ holderName: 'Alex 😀\u0007' }), t, 'en-CA');
    } catch (err) {
      expect((err as Error).message).toContain('😀, U+0007');
    }
  });

  test('a course title with emoji is refused as unprintable text', () => {
    expect(() => renderer.render(sampleRecord({ courseTitle: 'Safety 🌈' }), t, 'en-CA')).toThrow(
      expect.objectContaining({ name: 'CertificateInputError', reason: 'unprintable-text', characters: ['🌈'] }),
    );
  });

  test('settings with unprintable characters fail at start-up', () => {
    const make = (organizationName: string, signatoryName = 'Jordan Rivera'): CertificateRenderer =>
      createCertificateRenderer({ fonts, organizationName, signatoryName, signatoryTitle: '', paperSize: 'LETTER', baseUrl: 'https://x.org' });
    expect(() => make('Pace 🌈 Society')).toThrow(CertificateConfigError);
    expect(() => make('Pace', 'ნინო')).toThrow(/signatoryName has characters no certificate font can print: ნ, ი, ნ|ნ, ი, ო/);
    // Right to left is printable now, in settings too.
    expect(() => make('Pace', 'שרה')).not.toThrow();
  });

  test('without fallback fonts, only what BC Sans covers is printable', () => {
    const bcSansOnly: CertificateFonts = { regular: fonts.regular, bold: fonts.bold, italic: fonts.italic };
    expect(unprintableCharacters('王 Amrit ਸਿੰਘ', bcSansOnly)).toEqual(['王', 'ਸਿੰ', 'ਘ']);
  });
});

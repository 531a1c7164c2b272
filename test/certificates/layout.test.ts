// The certificate's text layout without a PDF: font per cluster, bidi levels, items, widths,
// line breaks, fitting, and the laid-out lines. Real fonts (BC Sans and the fallbacks), so the
// widths are the ones the certificate uses.
import { defaultFontDir, loadCertificateFonts, type CertificateFonts } from '../../src/certificates/fonts';
import {
  Shaper,
  clustersOf,
  fit,
  fitInline,
  fontChains,
  itemsOf,
  layLine,
  widthOf,
  wrap,
  type Cluster,
  type FitBox,
  type FontChains,
} from '../../src/certificates/layout';

let fonts: CertificateFonts;
let chains: FontChains;

beforeAll(() => {
  fonts = loadCertificateFonts();
  chains = fontChains(fonts);
});

const textOf = (clusters: readonly Cluster[]): string => clusters.map((c) => c.text).join('');
const runsOf = (clusters: readonly Cluster[]): [string, string][] => itemsOf(clusters).map((i) => [i.entry.alias, textOf(i.clusters)]);
const graphemes = (s: string): string[] => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

/** The name's box on a Letter certificate (see page.ts). */
const NAME_BOX: FitBox = { width: 600, height: 80, maxSize: 40, minSingleLine: 18, minSize: 6 };

describe('font per cluster', () => {
  test('each cluster is drawn by BC Sans, or by the font made for its script', () => {
    const { clusters, unprintable } = clustersOf('Amrit ਸਿੰਘ 王秀英 Lê 김민준 Иван', chains.bold);
    expect(unprintable).toEqual([]);
    expect(runsOf(clusters)).toEqual([
      ['BCSans-Bold', 'Amrit '],
      ['NotoSansGurmukhi-Bold', 'ਸਿੰਘ '],
      // Han characters in a text with Hangul take the Korean family's shapes.
      ['NotoSansKR-Bold', '王秀英 '],
      ['BCSans-Bold', 'Lê '],
      ['NotoSansKR-Bold', '김민준 '],
      ['NotoSansCyrillic-Bold', 'Иван'],
    ]);
  });

  test('Han characters take the family the rest of the name points to', () => {
    const family = (name: string): string => itemsOf(clustersOf(name, chains.bold).clusters)[0]!.entry.family;
    expect(family('王秀英')).toBe('NotoSansSC');
    expect(family('陳美玲')).toBe('NotoSansTC'); // 陳 is not in GB 2312: Traditional
    expect(family('山田はなこ')).toBe('NotoSansJP');
  });

  test('punctuation and digits stay in the font of the text around them', () => {
    expect(runsOf(clustersOf('محمد، علی', chains.bold).clusters)).toEqual([['NotoNaskhArabic-Bold', 'محمد، علی']]);
    expect(runsOf(clustersOf('王（小明）', chains.bold).clusters)).toEqual([['NotoSansSC-Bold', '王（小明）']]);
  });

  test('italic text falls back to the regular weight of the fallbacks (they have no italics)', () => {
    expect(runsOf(clustersOf('Jordan ਕੌਰ', chains.italic).clusters).map(([a]) => a)).toEqual(['BCSans-Italic', 'NotoSansGurmukhi-Regular']);
    expect(runsOf(clustersOf('培训主任', chains.regular).clusters).map(([a]) => a)).toEqual(['NotoSansSC-Regular']);
  });

  test('a combining mark stays with its letter; a precomposed form is drawn where the font has it', () => {
    const name = 'Sḵwx̱wú7mesh l̓ w̓';
    const { clusters } = clustersOf(name, chains.bold);
    expect(clusters.map((c) => c.text)).toEqual(graphemes(name));
    expect(clusters.map((c) => c.text)).toContain('x\u0331');
    expect(clusters.map((c) => c.text)).toContain('l\u0313');
    const nfd = 'Việt'.normalize('NFD');
    const viet = clustersOf(nfd, chains.bold).clusters;
    expect(viet.map((c) => c.text)).toEqual(['V', 'i', 'e\u0323\u0302', 't']);
    // As HarfBuzz does: BC Sans has ệ, so that is what is shaped (the text stays as given).
    expect(viet.map((c) => c.drawn)).toEqual(['V', 'i', 'ệ', 't']);
  });

  test('what no font draws is listed, not drawn', () => {
    const { clusters, unprintable } = clustersOf('Alex 😀 Example 😀', chains.bold);
    expect(unprintable).toEqual(['😀']);
    expect(textOf(clusters)).toBe('Alex  Example ');
  });

  test('fallback fonts are parsed only when a text needs them', () => {
    const own = fontChains(loadCertificateFonts(defaultFontDir()));
    const thai = own.bold.find((e) => e.family === 'NotoSansThai')!;
    expect(thai.loaded).toBe(false);
    clustersOf('Somchai', own.bold);
    expect(thai.loaded).toBe(false);
    layLine(new Shaper(), clustersOf('สมชาย', own.bold).clusters, 20);
    expect(thai.loaded).toBe(true);
  });
});

describe('direction', () => {
  test('levels from the Unicode Bidirectional Algorithm; right-to-left items are shaped right to left', () => {
    const { clusters } = clustersOf('Sara محمدی Tehrani', chains.bold);
    const items = itemsOf(clusters);
    expect(items.map((i) => [textOf(i.clusters), i.level, i.direction])).toEqual([
      ['Sara ', 0, 'ltr'],
      ['محمدی', 1, 'rtl'],
      [' Tehrani', 0, 'ltr'],
    ]);
  });

  test('a right-to-left name with a Latin word: the line is set right to left, the Latin inside left to right', () => {
    const shaper = new Shaper();
    const line = layLine(shaper, clustersOf('سارا Sara محمدی', chains.bold).clusters, 20);
    // Visual order, left to right: محمدی, Sara, سارا (spaces belong to the right-to-left paragraph).
    expect(line.runs.map((r) => r.text.trim())).toEqual(['محمدی', 'Sara', 'سارا']);
    expect(line.runs.map((r) => r.direction)).toEqual(['rtl', 'ltr', 'rtl']);
    // Runs abut, left to right.
    line.runs.forEach((r, i) => i > 0 && expect(r.x).toBeCloseTo(line.runs[i - 1]!.x + line.runs[i - 1]!.width, 9));
  });

  test('brackets are mirrored in right-to-left text', () => {
    const { clusters } = clustersOf('علی (رضا)', chains.bold);
    expect(clusters.map((c) => c.drawn).join('')).toBe('علی )رضا(');
  });
});

describe('widths', () => {
  test('grow with the size, and a text costs the sum of its items', () => {
    const shaper = new Shaper();
    const { clusters } = clustersOf('Amrit ਸਿੰਘ', chains.bold);
    const [latin, gurmukhi] = itemsOf(clusters);
    const unit = (item: typeof latin) => shaper.item(item!).advance / item!.entry.font.unitsPerEm;
    expect(widthOf(shaper, clusters, 20, 0)).toBeCloseTo((unit(latin) + unit(gurmukhi)) * 20, 9);
    expect(widthOf(shaper, clusters, 20, 0)).toBeCloseTo(2 * widthOf(shaper, clusters, 10, 0), 9);
    // Letter-spacing goes between glyphs that advance (not after the last, not on marks).
    const advancing = itemsOf(clusters).flatMap((i) => shaper.item(i).glyphs).filter((g) => g.xAdvance !== 0).length;
    expect(widthOf(shaper, clusters, 10, 2) - widthOf(shaper, clusters, 10, 0)).toBeCloseTo(2 * (advancing - 1), 9);
  });

  test('a laid-out line is as wide as it was measured, and its runs draw what was shaped', () => {
    const shaper = new Shaper();
    for (const text of ['Sḵwx̱wú7mesh Snanáy̓', 'Sara محمدی Tehrani', 'ਗੁਰਪ੍ਰੀਤ ਕੌਰ 王秀英', 'BRIDGEWORK TRAINING']) {
      const { clusters } = clustersOf(text, chains.bold);
      for (const spacing of [0, 2]) {
        const line = layLine(shaper, clusters, 17.75, spacing);
        expect(line.width).toBeCloseTo(widthOf(shaper, clusters, 17.75, spacing), 9);
        for (const run of line.runs) expect(run.glyphs.map((g) => g.id)).not.toContain(0);
      }
    }
  });
});

describe('line breaking', () => {
  const shaper = new Shaper();
  const lines = (text: string, size: number, width: number): string[] => wrap(shaper, clustersOf(text, chains.bold).clusters, size, width, 0).map(textOf);

  test('a long name wraps at spaces, every line within the width', () => {
    const name = 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ Hul̓q̓umín̓um̓ Ktunaxa Nuxalk Secwépemc';
    const wrapped = wrap(shaper, clustersOf(name, chains.bold).clusters, 18, 300, 0);
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.map(textOf).join(' ')).toBe(name);
    for (const line of wrapped) expect(widthOf(shaper, line, 18, 0)).toBeLessThanOrEqual(300);
  });

  test('a word too long for a line breaks between clusters, never inside one', () => {
    for (const word of ['x̱'.repeat(120), 'ਗੁਰਪ੍ਰੀਤ'.repeat(30), 'ệ'.normalize('NFD').repeat(100)]) {
      const wrapped = wrap(shaper, clustersOf(word, chains.bold).clusters, 20, 200, 0);
      expect(wrapped.length).toBeGreaterThan(1);
      expect(wrapped.map(textOf).join('')).toBe(word);
      expect(wrapped.flat().map((c) => c.text)).toEqual(graphemes(word));
      for (const line of wrapped) expect(textOf(line)).not.toMatch(/^\p{M}/u);
    }
  });

  test('a right-to-left name wraps in logical order; each line is then set right to left', () => {
    const name = 'محمد علی رضایی نژاد سارا محمدی فاطمه زهرا';
    const wrapped = wrap(shaper, clustersOf(name, chains.bold).clusters, 20, 150, 0);
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.map(textOf).join(' ')).toBe(name);
    const first = layLine(shaper, wrapped[0]!, 20);
    expect(first.runs.every((r) => r.direction === 'rtl')).toBe(true);
  });

  test('breaks after a hyphen before a letter', () => {
    expect(lines('Côté-Nguyễn Côté-Nguyễn', 20, 80)).toEqual(['Côté-', 'Nguyễn', 'Côté-', 'Nguyễn']);
  });

  test('CJK breaks between characters, but not before closing punctuation', () => {
    const text = '王秀英陳大文。欧阳娜娜（司马）相如';
    const wrapped = lines(text, 20, 60);
    expect(wrapped.join('')).toBe(text);
    expect(wrapped.length).toBeGreaterThan(3);
    for (const line of wrapped) {
      expect(line).not.toMatch(/^[。）]/u);
      expect(line).not.toMatch(/（$/u);
    }
  });
});

describe('fitting a text to its box', () => {
  const shaper = new Shaper();
  const fitted = (text: string, box: FitBox = NAME_BOX) => fit(shaper, clustersOf(text, chains.bold).clusters, box, 0, chains.regular[0]!);

  test('a short name is set at the largest size, on one line', () => {
    const layout = fitted('Alex Example')!;
    expect(layout).toMatchObject({ size: 40, singleLine: true });
    expect(layout.lines.map(textOf)).toEqual(['Alex Example']);
  });

  test('a longer name shrinks (in quarter points) and stays on one line while it can', () => {
    const layout = fitted('Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ')!;
    expect(layout.singleLine).toBe(true);
    expect(layout.size).toBeLessThan(40);
    expect(layout.size).toBeGreaterThanOrEqual(18);
    expect(layout.size * 4).toBe(Math.floor(layout.size * 4));
    expect(widthOf(shaper, layout.lines[0]!, layout.size, 0)).toBeLessThanOrEqual(600 * 0.99);
  });

  test('a very long name wraps, shrinking in half points until the lines fit the box', () => {
    const name = 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ Zoë Côté-Nguyễn '.repeat(4).trim();
    const layout = fitted(name)!;
    expect(layout.singleLine).toBe(false);
    expect(layout.size).toBeLessThanOrEqual(18);
    expect(layout.size * 2).toBe(Math.floor(layout.size * 2));
    expect(layout.lines.length * layout.lineHeight * layout.size).toBeLessThanOrEqual(80);
    const larger = wrap(shaper, clustersOf(name, chains.bold).clusters, layout.size + 0.5, 600 * 0.99, 0);
    expect(larger.length * layout.lineHeight * (layout.size + 0.5)).toBeGreaterThan(80);
  });

  test('a text too long even at the least size does not fit', () => {
    expect(fitted('Sḵwx̱wú7mesh '.repeat(500))).toBeNull();
  });

  test('a line mixing scripts keeps one font per item, and the line height of the tallest font', () => {
    const layout = fitted('ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ 王秀英 Nguyễn')!;
    expect(layout.lines).toHaveLength(1);
    expect(itemsOf(layout.lines[0]!).map((i) => i.entry.alias)).toEqual(['NotoSansGurmukhi-Bold', 'NotoSansSC-Bold', 'BCSans-Bold']);
    const used = [...new Set(layout.lines[0]!.map((c) => c.entry))];
    expect(layout.lineHeight).toBe(Math.max(...used.map((e) => e.ascent - e.descent + e.lineGap)));
  });
});

describe('a row of short texts', () => {
  const shaper = new Shaper();
  const row = (texts: string[]) => texts.map((text) => clustersOf(text, chains.regular).clusters);

  test('fits at the largest size when it can', () => {
    const fitted = fitInline(shaper, row(['6.5 hours of training', 'Completed on March 14, 2025']), 600, 26, 11.5, 8);
    expect(fitted).toMatchObject({ size: 11.5, oneLine: true });
    expect(fitted.total).toBeCloseTo(fitted.widths[0]! + fitted.widths[1]! + 26, 9);
  });

  test('shrinks in half points, then gives up on one line', () => {
    const long = 'Completed on a date spelled out at considerable length';
    const shrunk = fitInline(shaper, row([long, long]), 600, 26, 11.5, 8);
    expect(shrunk.size).toBeLessThan(11.5);
    expect(shrunk.oneLine).toBe(true);
    expect(shrunk.total).toBeLessThanOrEqual(600);
    const tooLong = fitInline(shaper, row([long, long, long]), 600, 26, 11.5, 8);
    expect(tooLong).toMatchObject({ size: 8, oneLine: false });
  });
});

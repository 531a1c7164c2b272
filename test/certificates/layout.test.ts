// The certificate's text layout without a PDF: font per cluster, widths, line breaks, fitting.
// Real fonts (BC Sans and the fallbacks), so the widths are the ones the certificate uses.
import PDFDocument from 'pdfkit';
import { loadCertificateFonts, type CertificateFonts } from '../../src/certificates/fonts';
import {
  TextMeasure,
  chainFonts,
  clustersOf,
  fit,
  fitInline,
  fontChains,
  lineHeightOf,
  piecesOf,
  widthOf,
  wrap,
  type Cluster,
  type FitBox,
  type FontChains,
} from '../../src/certificates/layout';
import { registerParsedFonts } from '../../src/certificates/pdfkit-patches';
import { documentMeasure } from '../../src/certificates/typeset';

let fonts: CertificateFonts;
let chains: FontChains;

beforeAll(() => {
  fonts = loadCertificateFonts();
  chains = fontChains(fonts);
});

const textOf = (clusters: readonly Cluster[]): string => clusters.map((c) => c.text).join('');
const aliasesOf = (clusters: readonly Cluster[]): string[] => piecesOf(clusters).map((p) => p.entry.alias);
const graphemes = (s: string): string[] => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

/** The name's box on a Letter certificate (see page.ts). */
const NAME_BOX: FitBox = { width: 600, height: 80, maxSize: 40, minSingleLine: 18, minSize: 6 };

describe('font per cluster', () => {
  test('each cluster is drawn by the first font of the chain that has it', () => {
    const { clusters, unprintable } = clustersOf('Amrit ਸਿੰਘ 王秀英 Lê', chains.bold);
    expect(unprintable).toEqual([]);
    expect(piecesOf(clusters).map((p) => [p.entry.alias, p.text])).toEqual([
      ['BCSans-Bold', 'Amrit '],
      ['NotoSansGurmukhi-Bold', 'ਸਿੰਘ '],
      ['NotoSansSC-Bold', '王秀英 '],
      ['BCSans-Bold', 'Lê'],
    ]);
  });

  test('italic text falls back to the regular weight of the fallbacks (they have no italics)', () => {
    expect(aliasesOf(clustersOf('Jordan ਕੌਰ', chains.italic).clusters)).toEqual(['BCSans-Italic', 'NotoSansGurmukhi-Regular']);
    expect(aliasesOf(clustersOf('培训主任', chains.regular).clusters)).toEqual(['NotoSansSC-Regular']);
  });

  test('a combining mark stays with its letter, as given (no normalization)', () => {
    const name = 'Sḵwx̱wú7mesh l̓ w̓';
    const { clusters } = clustersOf(name, chains.bold);
    expect(clusters.map((c) => c.text)).toEqual(graphemes(name));
    expect(clusters.map((c) => c.text)).toContain('x\u0331');
    expect(clusters.map((c) => c.text)).toContain('l\u0313');
    const nfd = 'Việt'.normalize('NFD');
    expect(clustersOf(nfd, chains.bold).clusters.map((c) => c.text)).toEqual(['V', 'i', 'e\u0323\u0302', 't']);
  });

  test('what no font draws is listed, not drawn', () => {
    const { clusters, unprintable } = clustersOf('Alex 😀 Example 😀', chains.bold);
    expect(unprintable).toEqual(['😀']);
    expect(textOf(clusters)).toBe('Alex  Example ');
  });

  test('every font of the chains is listed once, for the document to register', () => {
    const aliases = chainFonts(chains).map(([alias]) => alias);
    expect(aliases).toEqual([
      'BCSans',
      'NotoSansGurmukhi-Regular',
      'NotoSansSC-Regular',
      'BCSans-Bold',
      'NotoSansGurmukhi-Bold',
      'NotoSansSC-Bold',
      'BCSans-Italic',
    ]);
  });
});

describe('widths', () => {
  test('are exactly what pdfkit computes (the page measures with its document, tests without one)', () => {
    const doc = new PDFDocument({ font: null as unknown as string });
    registerParsedFonts(doc, chainFonts(chains));
    const fromDocument = documentMeasure(doc);
    const measure = new TextMeasure();
    const samples: [string, string][] = [
      ['BCSans-Bold', 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm'],
      ['BCSans', 'Completed on March 14, 2025'],
      ['BCSans-Italic', 'This certifies that\tsomeone'],
      ['NotoSansGurmukhi-Bold', 'ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ '],
      ['NotoSansSC-Regular', '以权利为本的实践'],
    ];
    const entryOf = (alias: string) => Object.values(chains).flat().find((e) => e.alias === alias)!;
    for (const [alias, text] of samples) {
      const entry = entryOf(alias);
      for (const size of [1, 6.5, 11.5, 17.75, 40]) {
        expect([alias, text, size, measure.width(entry, text, size)]).toEqual([alias, text, size, fromDocument.width(entry, text, size)]);
        expect(fromDocument.width(entry, text, size)).toBe(doc.font(alias).fontSize(size).widthOfString(text));
      }
      expect(measure.unitWidth(entry, text)).toBe(fromDocument.unitWidth(entry, text));
      expect(lineHeightOf(entry.font, 9)).toBe(doc.font(alias).fontSize(9).currentLineHeight());
    }
  });

  test('grow with the size, and a text costs the sum of its pieces', () => {
    const measure = new TextMeasure();
    const { clusters } = clustersOf('Amrit ਸਿੰਘ', chains.bold);
    const [latin, gurmukhi] = piecesOf(clusters);
    expect(widthOf(measure, clusters, 20, 0)).toBeCloseTo(
      measure.unitWidth(latin!.entry, latin!.text) * 20 + measure.unitWidth(gurmukhi!.entry, gurmukhi!.text) * 20,
      9,
    );
    expect(widthOf(measure, clusters, 20, 0)).toBeCloseTo(2 * widthOf(measure, clusters, 10, 0), 9);
    // Character spacing adds after each character (code point), as pdfkit's does.
    expect(widthOf(measure, clusters, 10, 2) - widthOf(measure, clusters, 10, 0)).toBeCloseTo(2 * [...'Amrit ਸਿੰਘ'].length, 9);
  });
});

describe('line breaking', () => {
  const measure = new TextMeasure();
  const lines = (text: string, size: number, width: number): string[] =>
    wrap(measure, clustersOf(text, chains.bold).clusters, size, width, 0).map(textOf);

  test('a long name wraps at spaces, every line within the width', () => {
    const name = 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ Hul̓q̓umín̓um̓ Ktunaxa Nuxalk Secwépemc';
    const wrapped = wrap(measure, clustersOf(name, chains.bold).clusters, 18, 300, 0);
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.map(textOf).join(' ')).toBe(name);
    for (const line of wrapped) expect(widthOf(measure, line, 18, 0)).toBeLessThanOrEqual(300);
    // Greedy: the next line's first word would not have fitted on the line before.
    for (let i = 1; i < wrapped.length; i++) {
      const firstWord = textOf(wrapped[i]!).split(' ')[0]!;
      const withIt = clustersOf(`${textOf(wrapped[i - 1]!)} ${firstWord}`, chains.bold).clusters;
      expect(widthOf(measure, withIt, 18, 0)).toBeGreaterThan(300);
    }
  });

  test('a word too long for a line breaks between clusters, never inside one', () => {
    for (const word of ['x̱'.repeat(120), 'ਗੁਰਪ੍ਰੀਤ'.repeat(30), 'ệ'.normalize('NFD').repeat(100)]) {
      const wrapped = wrap(measure, clustersOf(word, chains.bold).clusters, 20, 200, 0);
      expect(wrapped.length).toBeGreaterThan(1);
      expect(wrapped.map(textOf).join('')).toBe(word);
      expect(wrapped.flat().map((c) => c.text)).toEqual(graphemes(word));
      for (const line of wrapped) {
        // No line starts with a combining mark or a dependent vowel sign.
        expect(textOf(line)).not.toMatch(/^\p{M}/u);
        expect(widthOf(measure, line, 20, 0)).toBeLessThanOrEqual(200);
      }
    }
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
  const measure = new TextMeasure();
  const fitted = (text: string, box: FitBox = NAME_BOX) => fit(measure, clustersOf(text, chains.bold).clusters, box, 0, chains.regular[0]!);

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
    expect(widthOf(measure, layout.lines[0]!, layout.size, 0)).toBeLessThanOrEqual(600 * 0.99);
  });

  test('a very long name wraps, shrinking in half points until the lines fit the box', () => {
    const name = 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ Zoë Côté-Nguyễn '.repeat(4).trim();
    const layout = fitted(name)!;
    expect(layout.singleLine).toBe(false);
    expect(layout.size).toBeLessThanOrEqual(18);
    expect(layout.size * 2).toBe(Math.floor(layout.size * 2));
    expect(layout.lines.length).toBeGreaterThan(1);
    expect(layout.lines.length * layout.lineHeight * layout.size).toBeLessThanOrEqual(80);
    for (const line of layout.lines) expect(widthOf(measure, line, layout.size, 0)).toBeLessThanOrEqual(600 * 0.99);
    // Half a point larger would not have fitted.
    const larger = wrap(measure, clustersOf(name, chains.bold).clusters, layout.size + 0.5, 600 * 0.99, 0);
    expect(larger.length * layout.lineHeight * (layout.size + 0.5)).toBeGreaterThan(80);
  });

  test('a text too long even at the least size does not fit', () => {
    expect(fitted('Sḵwx̱wú7mesh '.repeat(500))).toBeNull();
  });

  test('a line mixing scripts keeps one font per run, and the line height of the tallest font', () => {
    const layout = fitted('ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ 王秀英 Nguyễn')!;
    expect(layout.lines).toHaveLength(1);
    expect(aliasesOf(layout.lines[0]!)).toEqual(['NotoSansGurmukhi-Bold', 'NotoSansSC-Bold', 'BCSans-Bold']);
    const heights = chains.bold.map((e) => e.ascent - e.descent + e.lineGap);
    expect(layout.lineHeight).toBe(Math.max(...heights));
    expect(fitted('Alex')!.lineHeight).toBe(heights[0]);
  });
});

describe('a row of short texts', () => {
  const measure = new TextMeasure();
  const row = (texts: string[]) => texts.map((text) => ({ text, entry: chains.regular[0]! }));

  test('fits at the largest size when it can', () => {
    const fitted = fitInline(measure, row(['6.5 hours of training', 'Completed on March 14, 2025']), 600, 26, 11.5, 8);
    expect(fitted).toMatchObject({ size: 11.5, oneLine: true });
    expect(fitted.total).toBeCloseTo(fitted.widths[0]! + fitted.widths[1]! + 26, 9);
  });

  test('shrinks in half points, then gives up on one line', () => {
    const long = 'Completed on a date spelled out at considerable length';
    const shrunk = fitInline(measure, row([long, long]), 600, 26, 11.5, 8);
    expect(shrunk.size).toBeLessThan(11.5);
    expect(shrunk.oneLine).toBe(true);
    expect(shrunk.total).toBeLessThanOrEqual(600);
    const tooLong = fitInline(measure, row([long, long, long]), 600, 26, 11.5, 8);
    expect(tooLong).toMatchObject({ size: 8, oneLine: false });
  });
});

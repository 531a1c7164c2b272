// The bidirectional algorithm's parts the certificate uses, and the text steps HarfBuzz takes
// before shaping that shaping.ts takes too (the glyphs themselves are compared in harfbuzz.test.ts).
import { embeddingLevels, extractionOrder, visualOrder } from '../../src/certificates/bidi';
import { decomposeSaraAm, reorderMarks } from '../../src/certificates/shaping';

describe('embedding levels', () => {
  test('the paragraph takes the direction of its first strong character', () => {
    expect(embeddingLevels('Sara محمدی').paragraph).toBe(0);
    expect(embeddingLevels('محمدی Sara').paragraph).toBe(1);
    // Digits after Arabic letters are Arabic numbers (rule W2): set left to right, inside the
    // right-to-left run (level 2), with the space before them in it.
    expect([...embeddingLevels('Sara محمدی 12').levels]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2]);
  });

  test('text with no right-to-left character is all at level 0 without running the algorithm', () => {
    const text = 'Sḵwx̱wú7mesh 王秀英 ਸਿੰਘ 김민준 (1) «Zoë»';
    expect([...embeddingLevels(text).levels].every((l) => l === 0)).toBe(true);
    expect(embeddingLevels(text).levels).toHaveLength(text.length);
  });
});

test('visual order reverses right-to-left runs, and left-to-right runs inside them back again (rule L2)', () => {
  const items = [{ t: 'a', l: 1 }, { t: 'b', l: 2 }, { t: 'c', l: 2 }, { t: 'd', l: 1 }, { t: 'e', l: 0 }];
  expect(visualOrder(items, (i) => i.l).map((i) => i.t).join('')).toBe('dbcae');
});

describe('the order pdftotext reads ActualText in', () => {
  // poppler's reordering of a line on a left-to-right page (TextOutputDev reorderText), so the
  // test can check extractionOrder without a PDF: left-to-right runs as they are, a run from a
  // right-to-left letter up to the next left-to-right letter or digit reversed.
  const R = /[\u0590-\u08ff]/u;
  const LN = /[\p{L}\p{N}]/u;
  function poppler(text: string): string {
    const chars = [...text];
    let out = '';
    for (let i = 0; i < chars.length; ) {
      let j = i;
      while (j < chars.length && !R.test(chars[j]!)) j++;
      out += chars.slice(i, j).join('');
      i = j;
      while (j < chars.length && !(LN.test(chars[j]!) && !R.test(chars[j]!)) && chars[j] !== '\u200e') j++;
      out += chars.slice(i, j).reverse().join('');
      i = j;
    }
    return out.replace(/\u200e/g, '');
  }

  test.each(['سارا محمدی', 'Sara محمدی Tehrani', 'محمد 12 علی', 'علی (Ali) رضا', 'דוד כהן', 'Alex Example', 'مهسا رضایی‌نژاد'])('%s', (text) => {
    expect(poppler(extractionOrder(text))).toBe(text);
  });

  test('text with no right-to-left letter is unchanged', () => {
    expect(extractionOrder('Sḵwx̱wú7mesh (12)')).toBe('Sḵwx̱wú7mesh (12)');
  });
});

describe('before shaping, as HarfBuzz', () => {
  test('Thai and Lao SARA AM: decomposed, NIKHAHIT before the tone marks', () => {
    expect(decomposeSaraAm('คำ')).toBe('ค\u0e4d\u0e32');
    expect(decomposeSaraAm('น้ำ')).toBe('น\u0e4d\u0e49\u0e32');
    expect(decomposeSaraAm('ຄຳ')).toBe('ຄ\u0ecd\u0eb2');
    expect(decomposeSaraAm('สมชาย')).toBe('สมชาย');
  });

  test('Hebrew points and Arabic harakat in HarfBuzz\'s order', () => {
    // Shin dot before qamats; shadda before fatha.
    expect(reorderMarks('ש\u05b8\u05c1')).toBe('ש\u05c1\u05b8');
    expect(reorderMarks('م\u064e\u0651')).toBe('م\u0651\u064e');
    expect(reorderMarks('Zoë')).toBe('Zoë');
  });
});

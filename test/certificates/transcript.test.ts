// The transcript PDF: the certificate's font chains, names and course titles extracted exactly
// as written (ActualText), no missing glyphs, and the same bytes for the same input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultFontDir, loadCertificateFonts, type CertificateFonts } from '../../src/certificates/fonts';
import type { CertificateView } from '../../src/certificates/service';
import { renderTranscriptPdf, type TranscriptInput } from '../../src/certificates/transcript-pdf';
import { drawnGlyphIds, englishT, pdfStrings, pdfText, poppler, sampleCertificateView, squash, tempDir } from './helpers';

let fonts: CertificateFonts;
let dir: string;
const t = englishT();

const TITLES = ['Rights-Based, Trauma-Informed Practice with Sex Workers', '以权利为本的实践 ਪੰਜਾਬੀ ਸਿੱਖਿਆ', 'Sḵwx̱wú7mesh l̓ w̓: Words & <Places>'];

function input(holderName: string, certificates: CertificateView[] = TITLES.map((courseTitle, i) => sampleCertificateView({ id: i + 1, courseTitle }))): TranscriptInput {
  return {
    holderName,
    generatedAt: new Date('2025-04-01T10:00:00Z'),
    certificates,
    organizationName: 'Bridgework Training Society',
    baseUrl: 'https://learn.example.org',
  };
}

const render = (holderName: string, certificates?: CertificateView[], withFonts = fonts): Promise<Buffer> =>
  renderTranscriptPdf(withFonts, input(holderName, certificates), t, 'en-CA');

beforeAll(() => {
  fonts = loadCertificateFonts();
  dir = tempDir('bw-transcript-');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['gurmukhi', 'ਗੁਰਪ੍ਰੀਤ ਕੌਰ'],
  // ਿ (sihari) is typed after its consonant and drawn before it: extraction must not reorder it.
  ['gurmukhi with sihari', 'ਹਰਪ੍ਰੀਤ ਸਿੰਘ'],
  ['chinese', '王小明'],
  ['squamish', 'Sḵwx̱wú7mesh l̓ w̓'],
  ['musqueam', 'xʷməθkʷəy̓əm'],
  ['vietnamese, decomposed', 'Lê Văn Việt'.normalize('NFD')],
  ['mixed', 'Amrit ਸਿੰਘ 欧阳 (Nana Ouyang)'],
])('a transcript for %s', (label, name) => {
  let pdf: Buffer;
  let text: string;
  beforeAll(async () => {
    pdf = await render(name);
    text = squash(pdfText(dir, label.replace(/\W+/g, '-'), pdf));
  });

  test('pdftotext gives the name exactly', () => {
    expect(text).toContain(name);
  });

  test('and every course title exactly', () => {
    for (const title of TITLES) expect(text).toContain(title);
  });

  test('the name, the organization and the titles carry ActualText', () => {
    expect(pdfStrings(pdf, 'ActualText')).toEqual(['Bridgework Training Society', name, ...TITLES]);
  });

  test('no missing-glyph box, and every font embedded as a subset', () => {
    expect(drawnGlyphIds(pdf)).not.toContain(0);
    const file = path.join(dir, `${label.replace(/\W+/g, '-')}.pdf`);
    const rows = poppler('pdffonts', [file]).trim().split('\n').slice(2);
    for (const row of rows) expect(row).toMatch(/^[A-Z]{6}\+(BCSans|NotoSans\w+)-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\b/);
    expect(poppler('pdffonts', [file])).toContain('NotoSansSC-Bold');
  });
});

test('the names are set in the fonts of the certificate chain', async () => {
  const file = path.join(dir, 'fonts.pdf');
  fs.writeFileSync(file, await render('ਗੁਰਪ੍ਰੀਤ ਕੌਰ 王小明', []));
  const fontsIn = poppler('pdffonts', [file]);
  expect(fontsIn).toContain('NotoSansGurmukhi-Bold');
  expect(fontsIn).toContain('NotoSansSC-Bold');
  expect(fontsIn).toContain('BCSans-Regular');
});

test('the same input gives the same bytes, whatever was rendered before', async () => {
  const ownFonts = (): CertificateFonts => loadCertificateFonts(defaultFontDir());
  const courses = [sampleCertificateView({ courseTitle: 'Outreach work' })];
  const alone = await render('Alex Example', courses, ownFonts());
  const reused = ownFonts();
  // BC Sans draws "ḵ" and "ú" as composites of "k" and "u" with a mark (see pdfkit-patches.ts).
  await render('Sḵwx̱wú7mesh', [], reused);
  const after = await render('Alex Example', courses, reused);
  expect(squash(pdfText(dir, 'after-composites', after))).toContain('Outreach work');
  expect(after.equals(alone)).toBe(true);
});

test('a name with & and < keeps the metadata valid XML', async () => {
  const pdf = await render('Ana "Nan" O’Brien & <Co>');
  const xmp = /<x:xmpmeta[\s\S]*<\/x:xmpmeta>/.exec(pdf.toString('utf8'))?.[0] ?? '';
  expect(xmp).toContain('Transcript: Ana &quot;Nan&quot; O’Brien &amp; &lt;Co&gt;');
  expect(xmp).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
});

test('a long transcript runs onto more pages, each course whole on one page, each title read once', async () => {
  // Titles of two lines or more: one split by a page break would be read out on both pages.
  const titles = Array.from({ length: 24 }, (_, i) => `Course ${i + 1}: ${'ਸਿੱਖਿਆ and rights-based, trauma-informed practice '.repeat(3).trim()}`);
  const courses = titles.map((courseTitle, i) => sampleCertificateView({ id: i + 1, courseTitle, hours: 101 + i }));
  const pdf = await render('ਹਰਪ੍ਰੀਤ ਸਿੰਘ', courses);
  const file = path.join(dir, 'long.pdf');
  fs.writeFileSync(file, pdf);
  expect(Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))![1])).toBeGreaterThan(1);
  const pages = poppler('pdftotext', [file, '-']).split('\f').map(squash);
  titles.forEach((title, i) => {
    const count = pages.reduce((n, page) => n + page.split(title).length - 1, 0);
    expect([title, count]).toEqual([title, 1]);
    // Its facts (the hours tell the courses apart) are on the same page.
    expect(pages.find((page) => page.includes(title))).toContain(`${101 + i} hours`);
  });
});

test('each course\'s time as it is said: "1 hour", "45 minutes", "1 hour 5 minutes", never "1 hours"', async () => {
  const courses = [1, 0.75, 1.08, 6.5].map((hours, i) => sampleCertificateView({ id: i + 1, courseTitle: `Course ${i + 1}`, hours }));
  const text = squash(pdfText(dir, 'times', await render('Alex Example', courses)));
  // (pdftotext puts the titles, read from their ActualText, apart from the facts: only the facts are checked.)
  for (const time of ['1 hour', '45 minutes', '1 hour 5 minutes', '6.5 hours']) expect(text).toContain(`Completed March 14, 2025 · ${time} · expires`);
  expect(text).not.toMatch(/\b1 hours\b/);
});

test.each([['persian', 'سارا محمدی'], ['persian and latin', 'Sara محمدی Tehrani'], ['hebrew', 'דוד כהן']])('a right-to-left name (%s) reads back as typed', async (label, name) => {
  const pdf = await render(name, [sampleCertificateView({ courseTitle: 'حقوق و کرامت' })]);
  const text = squash(pdfText(dir, `rtl-${label.replace(/\W+/g, '-')}`, pdf).replace(/[\u202a-\u202e\u200e]/g, ''));
  expect(text).toContain(name);
  expect(text).toContain('حقوق و کرامت');
  expect(drawnGlyphIds(pdf)).not.toContain(0);
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSymbol } from '../../src/certificates/codes';
import { defaultFontDir, loadCertificateFonts, type CertificateFonts } from '../../src/certificates/fonts';
import {
  CertificateConfigError,
  CertificateInputError,
  createCertificateRenderer,
  CERTIFICATE_PDF_KEYS,
  type CertificateRenderer,
  type CertificateRendererOptions,
} from '../../src/certificates/pdf';
import en from '../../src/locales/en.json';
import { englishT, inflatedStreams, pdfStrings, poppler, sampleRecord, sampleRendererOptions, squash, tempDir } from './helpers';

const strings = Object.fromEntries([
  ...Object.entries(en.certificate.pdf).map(([k, v]) => [`certificate.pdf.${k}`, v]),
  ...Object.entries(en.duration).map(([k, v]) => [`duration.${k}`, v]),
]);
/** Keys used with a count: their _one and _other forms must both exist. */
const PLURAL = new Set(['certificate.pdf.hours', 'certificate.pdf.minutes', 'duration.hours', 'duration.minutes']);

// 300 characters of First Nations orthography, Vietnamese and French, with spaces.
const LONG_NAME = (
  'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō səl̓ilw̓ətaʔɬ Zoë Côté-Nguyễn ' +
  'Hul̓q̓umín̓um̓ Ktunaxa Nuxalk Secwépemc Nɬeʔkepmx Tŝilhqot’in Wetʼsuwetʼen Syilx '
)
  .repeat(4)
  .slice(0, 300);

const NAMES: Record<string, string> = {
  ascii: 'Alex Example',
  vietnamese: 'Zoë Côté-Nguyễn',
  squamish: 'Sḵwx̱wú7mesh',
  musqueam: 'xʷməθkʷəy̓əm',
  stolo: 'Stó:lō',
  sechelt: 'səl̓ilw̓ətaʔɬ',
  long: LONG_NAME,
};

let fonts: CertificateFonts;
let renderer: CertificateRenderer;
let dir: string;
const t = englishT();

function makeRenderer(overrides: Partial<CertificateRendererOptions> = {}): CertificateRenderer {
  return createCertificateRenderer(sampleRendererOptions(fonts, { baseUrl: 'https://learn.example.org/', ...overrides }));
}

function write(name: string, pdf: Buffer): string {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

const trailerId = (pdf: Buffer): string => {
  const m = /\/ID \[<([0-9a-f]+)> <([0-9a-f]+)>\]/.exec(pdf.toString('latin1'));
  if (!m) throw new Error('no /ID');
  expect(m[2]).toBe(m[1]);
  return m[1]!;
};

beforeAll(() => {
  fonts = loadCertificateFonts();
  renderer = makeRenderer();
  dir = tempDir('bw-cert-');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('certificate PDF', () => {
  test('the long name really is 300 characters', () => {
    expect([...LONG_NAME]).toHaveLength(300);
    expect(LONG_NAME).toBe(LONG_NAME.trim());
  });

  describe.each(Object.entries(NAMES))('name %s', (label, name) => {
    let pdf: Buffer;
    let file: string;
    beforeAll(() => {
      pdf = renderer.render(sampleRecord({ holderName: name }), t, 'en-CA');
      file = write(label, pdf);
    });

    test('pdftotext gives the name exactly', () => {
      const text = poppler('pdftotext', [file, '-']);
      // Exact code points: only whitespace is normalized (the long name wraps).
      expect(squash(text)).toContain(squash(name));
    });

    test('the structure tree carries the name as ActualText', () => {
      expect(pdfStrings(pdf, 'ActualText')).toContain(name);
    });

    test('one landscape Letter page, tagged, under 40 KB', () => {
      const info = poppler('pdfinfo', [file]);
      expect(info).toMatch(/^Pages:\s+1$/m);
      expect(info).toMatch(/^Page size:\s+792 x 612 pts/m);
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(pdf.length).toBeLessThan(40 * 1024);
    });
  });

  test('a name in decomposed form (NFD) comes back in decomposed form', () => {
    const nfd = 'Zoë Côté-Nguyễn'.normalize('NFD');
    expect(nfd).not.toBe('Zoë Côté-Nguyễn'.normalize('NFC'));
    const file = write('nfd', renderer.render(sampleRecord({ holderName: nfd }), t, 'en-CA'));
    expect(squash(poppler('pdftotext', [file, '-']))).toContain(nfd);
  });

  test('fonts are BC Sans, embedded as subsets with a ToUnicode map', () => {
    const file = write('fonts', renderer.render(sampleRecord({ holderName: NAMES.musqueam! }), t, 'en-CA'));
    const rows = poppler('pdffonts', [file]).trim().split('\n').slice(2);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatch(/^[A-Z]{6}\+BCSans-(Regular|Bold|Italic)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\b/);
    }
  });

  test('renders to PNG', () => {
    const file = write('png', renderer.render(sampleRecord({ holderName: NAMES.stolo! }), t, 'en-CA'));
    poppler('pdftoppm', ['-png', '-r', '60', '-singlefile', file, path.join(dir, 'page')]);
    const png = fs.readFileSync(path.join(dir, 'page.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });

  // zbarimg (Debian's zbar-tools) is not a project dependency: this runs where it is installed.
  (fs.existsSync('/usr/bin/zbarimg') ? test : test.skip)('the QR code scans to the verification URL', () => {
    const file = write('qr', renderer.render(sampleRecord(), t, 'en-CA'));
    poppler('pdftoppm', ['-png', '-r', '100', '-singlefile', file, path.join(dir, 'qr')]);
    const out = execFileSync('/usr/bin/zbarimg', ['-q', '--raw', path.join(dir, 'qr.png')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // zbarimg complains about D-Bus on stderr
    });
    expect(out.trim()).toBe('https://learn.example.org/verify/K7MQ2XW9PTRC4HZ');
  });

  test('A4 is A4 landscape', () => {
    const file = write('a4', makeRenderer({ paperSize: 'A4' }).render(sampleRecord({ holderName: LONG_NAME }), t, 'en-CA'));
    const info = poppler('pdfinfo', [file]);
    expect(info).toMatch(/^Page size:\s+841\.89 x 595\.28 pts \(A4\)/m);
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(squash(poppler('pdftotext', [file, '-']))).toContain(squash(LONG_NAME));
  });

  describe('determinism', () => {
    test('the same record gives the same bytes', () => {
      const record = sampleRecord({ holderName: NAMES.squamish! });
      const a = renderer.render(record, t, 'en-CA');
      const b = makeRenderer().render({ ...record }, englishT(), 'en-CA');
      expect(b.equals(a)).toBe(true);
    });

    test('the document ID comes from the code, and differs between codes', () => {
      const a = renderer.render(sampleRecord({ code: 'K7MQ2XW9PTRC4HZ' }), t, 'en-CA');
      const other = 'ABCDE23456FGHJ' + checkSymbol('ABCDE23456FGHJ');
      const b = renderer.render(sampleRecord({ code: other }), t, 'en-CA');
      const expected = (code: string): string =>
        createHash('sha256').update(`bridgework-certificate:${code}`).digest().subarray(0, 16).toString('hex');
      expect(trailerId(a)).toBe(expected('K7MQ2XW9PTRC4HZ'));
      expect(trailerId(b)).toBe(expected(other));
      expect(trailerId(b)).not.toBe(trailerId(a));
      // Dashes and case in the stored code do not change the document.
      expect(renderer.render(sampleRecord({ code: 'k7mq2-xw9pt-rc4hz' }), t, 'en-CA').equals(a)).toBe(true);
    });

    test('a certificate does not depend on what was rendered before it', () => {
      // Fonts of their own, so their glyph caches hold only what this test draws.
      const withOwnFonts = (): CertificateRenderer => createCertificateRenderer(sampleRendererOptions(loadCertificateFonts(defaultFontDir())));
      const record = sampleRecord({ courseTitle: 'Outreach work' });
      const alone = withOwnFonts().render(record, t, 'en-CA');
      const other = withOwnFonts();
      // BC Sans draws "ḵ" and "ú" as composite glyphs made of "k" and "u" and a mark: embedding
      // them once must not change how a later certificate maps "k" and "u" back to text.
      other.render(sampleRecord({ holderName: 'Sḵwx̱wú7mesh', courseTitle: 'Safety' }), t, 'en-CA');
      const after = other.render(record, t, 'en-CA');
      expect(squash(poppler('pdftotext', [write('after-composites', after), '-']))).toContain('Outreach work');
      expect(after.equals(alone)).toBe(true);
    });

    test('dates in the metadata come from the record', () => {
      const file = write('dates', renderer.render(sampleRecord({ issuedAt: new Date('2024-11-02T08:09:10Z') }), t, 'en-CA'));
      const info = poppler('pdfinfo', ['-isodates', file]);
      expect(info).toMatch(/^CreationDate:\s+2024-11-02T08:09:10Z$/m);
      expect(info).toMatch(/^ModDate:\s+2024-11-02T08:09:10Z$/m);
    });
  });

  describe('content', () => {
    test('all the labels, the code and the verification URL', () => {
      const file = write('content', renderer.render(sampleRecord(), t, 'en-CA'));
      const text = squash(poppler('pdftotext', [file, '-']));
      for (const s of [
        'Bridgework Training Society',
        'Certificate of completion',
        'This certifies that',
        'Alex Example',
        'has successfully completed',
        'Rights-Based, Trauma-Informed Practice with Sex Workers',
        '6.5 hours of training',
        'Completed on March 14, 2025',
        'Expires on March 14, 2027',
        'Jordan Rivera',
        'Director of Training',
        'Certificate code K7MQ2-XW9PT-RC4HZ',
        'Verify at https://learn.example.org/verify/K7MQ2XW9PTRC4HZ',
      ]) {
        expect(text).toContain(s);
      }
      expect(pdfStrings(fs.readFileSync(file), 'URI')).toEqual([
        'https://learn.example.org/verify/K7MQ2XW9PTRC4HZ',
        'https://learn.example.org/verify/K7MQ2XW9PTRC4HZ',
      ]);
    });

    test('no hours and no expiry: those lines are left out; one hour is singular', () => {
      const none = squash(
        poppler('pdftotext', [write('none', renderer.render(sampleRecord({ hours: null, expiresAt: null }), t, 'en-CA')), '-']),
      );
      expect(none).not.toMatch(/hours? of training/);
      expect(none).not.toContain('Expires');
      expect(none).toContain('Completed on March 14, 2025');
      const one = squash(poppler('pdftotext', [write('one', renderer.render(sampleRecord({ hours: 1 }), t, 'en-CA')), '-']));
      expect(one).toContain('1 hour of training');
    });

    test('the time is what the record says, never rounded to the hour, in the plural rules of the language', () => {
      const time = (hours: number): string => {
        const text = squash(poppler('pdftotext', [write(`time-${hours}`, renderer.render(sampleRecord({ hours, expiresAt: null }), t, 'en-CA')), '-']));
        return /(\S+ (?:hours?|minutes?)(?: \S+ minutes?)?) of training/.exec(text)?.[1] ?? text;
      };
      expect(time(0.75)).toBe('45 minutes');
      expect(time(1 / 60)).toBe('1 minute');
      expect(time(1)).toBe('1 hour');
      expect(time(1.5)).toBe('1.5 hours');
      expect(time(1.08)).toBe('1 hour 5 minutes');
      expect(time(2.17)).toBe('2 hours 10 minutes');
    });

    test('no signature line without a signatory; with one, a line above the name', () => {
      const strokes = (pdf: Buffer): number => inflatedStreams(pdf).join('\n').split('\n').filter((l) => l === 'S').length;
      const unsigned = makeRenderer({ signatoryName: '', signatoryTitle: '' }).render(sampleRecord(), t, 'en-CA');
      const signed = renderer.render(sampleRecord(), t, 'en-CA');
      expect(strokes(signed) - strokes(unsigned)).toBe(1);
      const text = squash(poppler('pdftotext', [write('unsigned', unsigned), '-']));
      expect(text).not.toContain('Jordan Rivera');
      expect(text).toContain('Alex Example');
    });

    test('dates follow the locale, in UTC', () => {
      // 23:30 UTC on the 14th is already the 15th in some zones and still the 14th in others.
      const record = sampleRecord({ issuedAt: new Date('2025-03-14T23:30:00Z'), expiresAt: null });
      const text = squash(poppler('pdftotext', [write('fr', renderer.render(record, t, 'fr-CA')), '-']));
      expect(text).toContain('Completed on 14 mars 2025');
      expect(poppler('pdfinfo', [write('fr2', renderer.render(record, t, 'fr-CA'))])).toMatch(/^Page size:\s+792 x 612/m);
    });

    test('text is plain text: no HTML escaping, valid XMP metadata', () => {
      const pdf = makeRenderer({ organizationName: 'Smith & Daughters <Outreach>' }).render(
        sampleRecord({ holderName: 'Ana "Nan" O’Brien & Co', courseTitle: 'Safety & <Consent> 101' }),
        t,
        'en-CA',
      );
      const file = write('escape', pdf);
      const text = squash(poppler('pdftotext', [file, '-']));
      expect(text).toContain('Ana "Nan" O’Brien & Co');
      expect(text).toContain('Safety & <Consent> 101');
      expect(text).toContain('Smith & Daughters <Outreach>');
      expect(text).not.toContain('&amp;');
      const info = poppler('pdfinfo', [file]);
      expect(info).toContain('Title:           Certificate of completion: Ana "Nan" O’Brien & Co, Safety & <Consent> 101');
      const xmp = /<x:xmpmeta[\s\S]*<\/x:xmpmeta>/.exec(pdf.toString('utf8'))?.[0] ?? '';
      expect(xmp).toContain('Safety &amp; &lt;Consent&gt; 101');
      expect(xmp).toContain('Smith &amp; Daughters &lt;Outreach&gt;');
      expect(xmp).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    });
  });

  describe('tagged structure', () => {
    let pdf: Buffer;
    beforeAll(() => {
      pdf = renderer.render(sampleRecord({ holderName: NAMES.sechelt! }), t, 'en-CA');
    });

    test('catalog: marked, language, title shown, structure tree', () => {
      const text = pdf.toString('latin1');
      expect(text).toContain('/MarkInfo');
      expect(text).toMatch(/\/Marked true/);
      expect(text).toContain('/Lang (en-CA)');
      expect(text).toContain('/DisplayDocTitle true');
      expect(text).toContain('/StructTreeRoot');
      expect(text).toContain('/Tabs /S');
    });

    test('elements: Document, one H1, paragraphs, a Figure with alt text, a Link', () => {
      const text = pdf.toString('latin1');
      const types = [...text.matchAll(/\/S \/(\w+)/g)].map((m) => m[1]);
      expect(types.filter((x) => x === 'Document')).toHaveLength(1);
      expect(types.filter((x) => x === 'H1')).toHaveLength(1);
      expect(types.filter((x) => x === 'Figure')).toHaveLength(1);
      expect(types.filter((x) => x === 'Link')).toHaveLength(1);
      expect(types.filter((x) => x === 'P').length).toBeGreaterThanOrEqual(8);
      expect(pdfStrings(pdf, 'Alt')).toEqual([
        'QR code linking to https://learn.example.org/verify/K7MQ2XW9PTRC4HZ, where this certificate can be verified',
      ]);
      expect(pdfStrings(pdf, 'ActualText')).toEqual(expect.arrayContaining(['Bridgework Training Society', NAMES.sechelt]));
    });

    test('page content: every mark is structure content or an artifact', () => {
      const content = inflatedStreams(pdf).find((s) => s.includes('BDC'))!;
      // The name's marked content carries its own ActualText (what poppler reads).
      expect(content).toMatch(/\/Span <<\n?\/MCID \d+\n?\/ActualText \(/);
      expect(content).toMatch(/\/Artifact <<\n?\/Type \/Layout\n?>> BDC/);
      // Nothing is drawn outside a BDC ... EMC pair.
      let depth = 0;
      for (const line of content.split('\n')) {
        if (line.endsWith('BDC')) depth++;
        else if (line === 'EMC') depth--;
        else if (/ (re|f|S|TJ|Tj|l|m|c)$/.test(line)) expect(depth).toBeGreaterThan(0);
      }
      expect(depth).toBe(0);
    });
  });

  describe('refusals', () => {
    test('an empty name is a typed error', () => {
      for (const holderName of ['', '   ', '\n\t']) {
        expect(() => renderer.render(sampleRecord({ holderName }), t, 'en')).toThrow(CertificateInputError);
        try {
          renderer.render(sampleRecord({ holderName }), t, 'en');
        } catch (err) {
          expect((err as CertificateInputError).reason).toBe('empty-name');
        }
      }
    });

    test('a name too long for any size is a typed error, not an overflow', () => {
      const huge = 'Sḵwx̱wú7mesh '.repeat(500);
      expect(() => renderer.render(sampleRecord({ holderName: huge }), t, 'en')).toThrow(
        expect.objectContaining({ name: 'CertificateInputError', reason: 'name-too-long' }),
      );
    });

    test('an unspaced 300-character name shrinks and breaks, on one page', () => {
      const file = write('unspaced', renderer.render(sampleRecord({ holderName: 'ʔ'.repeat(300) }), t, 'en'));
      expect(poppler('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
      expect(squash(poppler('pdftotext', [file, '-']))).toContain('ʔ'.repeat(300));
    });

    test('bad records', () => {
      const reasons: [object, string][] = [
        [{ courseTitle: ' ' }, 'empty-course'],
        [{ code: 'K7MQ2XW9PTRC4H2' }, 'invalid-code'],
        [{ issuedAt: new Date('nope') }, 'invalid-date'],
        [{ expiresAt: new Date(NaN) }, 'invalid-date'],
        [{ hours: -1 }, 'invalid-hours'],
        [{ hours: Number.NaN }, 'invalid-hours'],
      ];
      for (const [overrides, reason] of reasons) {
        expect(() => renderer.render(sampleRecord(overrides), t, 'en')).toThrow(
          expect.objectContaining({ name: 'CertificateInputError', reason }),
        );
      }
    });

    test('bad settings fail at start-up', () => {
      expect(() => makeRenderer({ baseUrl: 'learn.example.org' })).toThrow(CertificateConfigError);
      expect(() => makeRenderer({ baseUrl: 'ftp://learn.example.org' })).toThrow(CertificateConfigError);
      expect(() => makeRenderer({ baseUrl: 'https://x.org/?a=1' })).toThrow(CertificateConfigError);
      expect(() => makeRenderer({ organizationName: ' ' })).toThrow(CertificateConfigError);
      expect(() => makeRenderer({ paperSize: 'LEGAL' as never })).toThrow(CertificateConfigError);
    });

    test('an unknown locale falls back to English dates rather than failing', () => {
      const file = write('badlocale', renderer.render(sampleRecord(), t, 'not a locale!'));
      expect(squash(poppler('pdftotext', [file, '-']))).toContain('Completed on March 14, 2025');
    });
  });

  test('every key the renderer uses has an English string', () => {
    const t = englishT();
    for (const key of CERTIFICATE_PDF_KEYS) {
      const forms = PLURAL.has(key) ? [`${key}_one`, `${key}_other`] : [key];
      for (const form of forms) expect(Object.keys(strings)).toContain(form);
      expect(t(key, { count: 2, name: 'N', course: 'C', date: 'D', url: 'U', code: 'X', duration: 'D', hours: 'H', minutes: 'M' })).not.toBe(key);
    }
  });
});

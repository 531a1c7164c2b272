// The organization's logo (LOGO_FILE): configuration, preparation, and the tagged Figure.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ConfigError, loadConfig } from '../../src/config';
import { loadCertificateFonts, type CertificateFonts } from '../../src/certificates/fonts';
import { LOGO_JPEG_MAX_BYTES, LogoError, imageType, prepareLogo, readLogoFile } from '../../src/certificates/logo';
import {
  createCertificateRenderer,
  type CertificateRenderer,
  type CertificateRendererOptions,
} from '../../src/certificates/pdf';
import { englishT, makePng, poppler, sampleLogo, sampleRecord, tempDir, sampleRendererOptions } from './helpers';

let fonts: CertificateFonts;
let dir: string;
let jpeg: Buffer;
const t = englishT();

function makeRenderer(overrides: Partial<CertificateRendererOptions> = {}): CertificateRenderer {
  return createCertificateRenderer(sampleRendererOptions(fonts, overrides));
}

/** `pdfimages -list` rows: [width, height, color, enc] of each image. */
function imagesIn(file: string): string[][] {
  const out = execFileSync('/usr/bin/pdfimages', ['-list', file], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .slice(2)
    .map((row) => {
      const cols = row.trim().split(/\s+/);
      return [cols[3]!, cols[4]!, cols[5]!, cols[8]!];
    });
}

/** Every `/Key (string)` value in the PDF's uncompressed objects (ASCII strings only). */
const pdfStrings = (pdf: Buffer, key: string): string[] =>
  [...pdf.toString('latin1').matchAll(new RegExp(`/${key} \\(((?:\\\\.|[^\\\\)])*)\\)`, 'g'))].map((m) => m[1]!);

beforeAll(() => {
  fonts = loadCertificateFonts();
  dir = tempDir('bw-logo-');
  // A real JPEG, made by poppler from a PNG page of a certificate.
  const pdf = path.join(dir, 'for-jpeg.pdf');
  fs.writeFileSync(pdf, makeRenderer().render(sampleRecord(), t, 'en-CA'));
  poppler('pdftoppm', ['-jpeg', '-r', '20', '-singlefile', pdf, path.join(dir, 'logo')]);
  jpeg = fs.readFileSync(path.join(dir, 'logo.jpg'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LOGO_FILE setting', () => {
  const env = (LOGO_FILE?: string): NodeJS.ProcessEnv => ({ SESSION_SECRET: 'x'.repeat(40), DATA_DIR: dir, LOGO_FILE });

  test('unset (or empty) is null', () => {
    expect(loadConfig(env()).logoFile).toBeNull();
    expect(loadConfig(env('')).logoFile).toBeNull();
  });

  test('a PNG or JPEG file gives its absolute path', () => {
    const png = path.join(dir, 'logo.png');
    fs.writeFileSync(png, sampleLogo());
    expect(loadConfig(env(png)).logoFile).toBe(png);
    expect(loadConfig(env(path.relative(process.cwd(), path.join(dir, 'logo.jpg')))).logoFile).toBe(path.join(dir, 'logo.jpg'));
  });

  test('a missing file, a directory, or another format is refused with a clear message', () => {
    expect(() => loadConfig(env(path.join(dir, 'nope.png')))).toThrow(ConfigError);
    expect(() => loadConfig(env(path.join(dir, 'nope.png')))).toThrow(/LOGO_FILE: cannot read .*nope\.png \(no such file\)/);
    expect(() => loadConfig(env(dir))).toThrow(/LOGO_FILE: cannot read .* \(it is a directory\)/);
    const gif = path.join(dir, 'logo.gif');
    fs.writeFileSync(gif, 'GIF89a....');
    expect(() => loadConfig(env(gif))).toThrow(/LOGO_FILE: .*logo\.gif is not a PNG or JPEG image/);
    const empty = path.join(dir, 'empty.png');
    fs.writeFileSync(empty, '');
    expect(() => loadConfig(env(empty))).toThrow(/is not a PNG or JPEG image/);
  });
});

describe('preparing the logo', () => {
  test('file types by their first bytes', () => {
    expect(imageType(sampleLogo())).toBe('png');
    expect(imageType(jpeg)).toBe('jpeg');
    expect(imageType(Buffer.from('GIF89a'))).toBeNull();
    expect(() => readLogoFile(path.join(dir, 'missing.png'))).toThrow(LogoError);
  });

  test('a transparent PNG is composited onto white and re-encoded as plain RGB', () => {
    const prepared = prepareLogo(sampleLogo(60, 20), 1000, 1000);
    expect([prepared.width, prepared.height]).toEqual([60, 20]);
    const png = PNG.sync.read(prepared.data);
    // colour type 2 (RGB), 8 bits: what pdfkit embeds without decoding it
    expect(prepared.data[25]).toBe(2);
    expect(prepared.data[24]).toBe(8);
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]); // a transparent corner, now white
    const centre = (10 * 60 + 10) * 4;
    expect([...png.data.subarray(centre, centre + 3)]).toEqual([31, 58, 95]); // the roundel
  });

  test('a large PNG is scaled down to what the box shows at 300 dpi', () => {
    const prepared = prepareLogo(sampleLogo(1000, 250), 792, 350);
    expect([prepared.width, prepared.height]).toEqual([792, 198]);
    expect(prepared.data.length).toBeLessThan(20_000);
  });

  test('a JPEG is kept as it is, under a size limit', () => {
    const prepared = prepareLogo(jpeg, 792, 350);
    expect(prepared.data).toBe(jpeg);
    expect(prepared.width).toBeGreaterThan(100);
    const big = Buffer.concat([jpeg, Buffer.alloc(LOGO_JPEG_MAX_BYTES)]);
    expect(() => prepareLogo(big, 792, 350)).toThrow(/would be copied into every certificate/);
  });

  test('a damaged image is refused at start-up', () => {
    const logo = sampleLogo();
    for (const cut of [20, 60, 100, logo.length - 12, logo.length - 1]) {
      expect(() => makeRenderer({ logo: logo.subarray(0, cut) })).toThrow(/logo: the PNG is damaged or cut short/);
    }
    const flipped = Buffer.from(logo);
    flipped[60] ^= 0xff; // inside the image data
    expect(() => makeRenderer({ logo: flipped })).toThrow(/logo: the PNG is damaged \(bad checksum in its IDAT chunk\)/);
    expect(() => makeRenderer({ logo: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) })).toThrow(/logo: the JPEG is damaged/);
    expect(() => makeRenderer({ logo: Buffer.from('not an image at all') })).toThrow(/logo: not a PNG or JPEG image/);
  });
});

describe('the logo on the certificate', () => {
  test.each([
    ['PNG with transparency', (): Buffer => sampleLogo(600, 200), ['600', '200', 'rgb', 'image']],
    ['grey PNG, tall', (): Buffer => makePng(50, 200, () => [90, 90, 90, 255]), ['50', '200', 'rgb', 'image']],
    ['JPEG', (): Buffer => jpeg, [undefined, undefined, undefined, 'jpeg']],
  ] as const)('%s: a tagged Figure with alt text, scaled into its box, in place of the seal', (label, logo, image) => {
    const renderer = makeRenderer({ logo: logo() });
    const pdf = renderer.render(sampleRecord({ holderName: '陳大文' }), t, 'en-CA');
    const file = path.join(dir, `${label}.pdf`);
    fs.writeFileSync(file, pdf);
    const text = pdf.toString('latin1');
    expect([...text.matchAll(/\/S \/Figure/g)]).toHaveLength(2); // the logo and the QR code
    expect(pdfStrings(pdf, 'Alt')).toContain('Bridgework Training Society logo');
    const images = imagesIn(file);
    expect(images).toHaveLength(1);
    const [w, h, color, enc] = image;
    if (w) expect(images[0]!.slice(0, 3)).toEqual([w, h, color]);
    expect(images[0]![3]).toBe(enc);
    // The Figure's bounding box: inside 190 x 84 pt, centred on the page.
    const bbox = /\/BBox \[([\d. ]+)\]/.exec(text)?.[1]?.split(' ').map(Number) ?? [];
    const [x0, y0, x1, y1] = bbox as [number, number, number, number];
    expect(x1 - x0).toBeLessThanOrEqual(190.01);
    expect(y1 - y0).toBeLessThanOrEqual(84.01);
    expect(Math.max(x1 - x0 - 190, y1 - y0 - 84)).toBeGreaterThan(-0.02); // touches the box on one side
    expect((x0 + x1) / 2).toBeCloseTo(396, 1);
    // Still one page, deterministic, and the same bytes from a second renderer.
    expect(poppler('pdfinfo', [file])).toMatch(/^Pages:\s+1$/m);
    expect(makeRenderer({ logo: logo() }).render(sampleRecord({ holderName: '陳大文' }), englishT(), 'en-CA').equals(pdf)).toBe(true);
    poppler('pdftoppm', ['-png', '-r', '100', '-singlefile', file, path.join(dir, `${label}-page`)]);
  });

  test('a typical logo keeps a certificate with a fallback font under 40 KB', () => {
    const pdf = makeRenderer({ logo: sampleLogo() }).render(sampleRecord({ holderName: 'Amrit ਸਿੰਘ Sḵwx̱wú7mesh' }), t, 'en-CA');
    expect(pdf.length).toBeLessThan(40 * 1024);
  });
});

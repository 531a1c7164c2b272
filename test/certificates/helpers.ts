// Shared by the certificate tests and bench: a real i18next t() over the English PDF strings
// (so pluralization, number formatting and HTML-escaping behave as in the app), sample records,
// and the poppler command-line tools.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import i18next from 'i18next';
import en from '../../src/locales/en.json';
import type { CertificateRecord, CertificateRendererOptions, Translate } from '../../src/certificates/pdf';
import type { CertificateFonts } from '../../src/certificates/fonts';

/**
 * A t() like the app's: i18next with default settings (escapeValue on, so a renderer that forgot
 * to turn it off would print `&amp;`), over the app's English catalog.
 */
export function englishT(): Translate {
  const i18n = i18next.createInstance();
  void i18n.init({
    lng: 'en',
    fallbackLng: 'en',
    resources: { en: { translation: en } },
    initAsync: false,
  });
  const t = i18n.getFixedT('en');
  return (key, opts) => {
    const out = t(key, opts as never) as unknown as string;
    if (out === key) throw new Error(`missing string: ${key}`);
    return out;
  };
}

/** The renderer settings the certificate tests and bench share; `overrides` change one thing. */
export function sampleRendererOptions(fonts: CertificateFonts, overrides: Partial<CertificateRendererOptions> = {}): CertificateRendererOptions {
  return {
    fonts,
    organizationName: 'Bridgework Training Society',
    signatoryName: 'Jordan Rivera',
    signatoryTitle: 'Director of Training',
    paperSize: 'LETTER',
    baseUrl: 'https://learn.example.org',
    ...overrides,
  };
}

export function sampleRecord(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    code: 'K7MQ2XW9PTRC4HZ',
    holderName: 'Alex Example',
    courseTitle: 'Rights-Based, Trauma-Informed Practice with Sex Workers',
    hours: 6.5,
    issuedAt: new Date('2025-03-14T17:30:00Z'),
    expiresAt: new Date('2027-03-14T00:00:00Z'),
    ...overrides,
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdffonts' | 'pdftoppm', args: string[]): string {
  return execFileSync(`/usr/bin/${tool}`, args, { encoding: 'utf8' });
}

/**
 * A PNG (8-bit RGBA, no interlace) whose pixel at (x, y) is `pixel(x, y)` as [r, g, b, a]:
 * test logos, made here so no binary fixture is needed.
 */
export function makePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1); // filter byte 0 (None), then the row
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A sample logo: a navy roundel and a gold bar on a transparent background, 3:1. */
export function sampleLogo(width = 600, height = 200): Buffer {
  return makePng(width, height, (x, y) => {
    const r = height * 0.45;
    const dx = x - height / 2;
    const dy = y - height / 2;
    if (dx * dx + dy * dy <= r * r) return [31, 58, 95, 255];
    if (x > height && x < width - 10 && Math.abs(dy) < height * 0.12) return [176, 138, 46, 255];
    return [0, 0, 0, 0];
  });
}

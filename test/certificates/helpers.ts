// Shared by the certificate tests and bench: a real i18next t() over the English PDF strings
// (so pluralization, number formatting and HTML-escaping behave as in the app), sample records,
// the poppler command-line tools, and readers of what pdfkit writes into a PDF.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import i18next from 'i18next';
import en from '../../src/locales/en.json';
import type { CertificateRecord, CertificateRendererOptions, Translate } from '../../src/certificates/pdf';
import type { CertificateFonts } from '../../src/certificates/fonts';
import type { CertificateView } from '../../src/certificates/service';

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

/** A certificate as the transcript lists it (a CertificateView); `overrides` change one thing. */
export function sampleCertificateView(overrides: Partial<CertificateView> = {}): CertificateView {
  return {
    id: 1,
    code: 'K7MQ2XW9PTRC4HZ',
    userId: 1,
    completionId: 1,
    courseId: 1,
    courseSlug: 'rights-based-practice',
    holderName: 'Alex Example',
    courseTitle: 'Rights-Based, Trauma-Informed Practice with Sex Workers',
    hours: 6.5,
    issuedAt: new Date('2025-03-14T17:30:00Z'),
    expiresAt: new Date('2027-03-14T00:00:00Z'),
    revokedAt: null,
    revokedReason: null,
    supersededAt: null,
    withdrawnAt: null,
    status: 'valid',
    expiringSoon: false,
    ...overrides,
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdffonts' | 'pdftoppm', args: string[]): string {
  return execFileSync(`/usr/bin/${tool}`, args, { encoding: 'utf8' });
}

/** Text as pdftotext gives it, with every run of whitespace (line breaks too) as one space. */
export const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** pdftotext's text of a PDF given as bytes (written to `dir` as `name`.pdf). */
export function pdfText(dir: string, name: string, pdf: Buffer, args: string[] = []): string {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return poppler('pdftotext', [...args, file, '-']);
}

/** Decode a PDF literal string as pdfkit writes it (escapes; UTF-16BE with BOM when not ASCII). */
function decodePdfString(raw: string): string {
  const bytes: number[] = [];
  const esc: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '\\': 92, '(': 40, ')': 41 };
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') {
      i++;
      bytes.push(esc[raw[i]!]!);
    } else bytes.push(raw.charCodeAt(i));
  }
  const buf = Buffer.from(bytes);
  if (buf[0] === 0xfe && buf[1] === 0xff) return buf.subarray(2).swap16().toString('utf16le');
  return buf.toString('latin1');
}

/** Every `/Key (string)` value in the PDF's uncompressed objects. */
export function pdfStrings(pdf: Buffer, key: string): string[] {
  const text = pdf.toString('latin1');
  const re = new RegExp(`/${key} \\(((?:\\\\.|[^\\\\)])*)\\)`, 'g');
  return [...text.matchAll(re)].map((m) => decodePdfString(m[1]!));
}

/** The inflated content of every FlateDecode stream that inflates. */
export function inflatedStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /\/Length (\d+)\n\/Filter \/FlateDecode\n>>\nstream\n/g;
  for (const m of text.matchAll(re)) {
    const start = m.index! + m[0].length;
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1'));
    } catch {
      // Not zlib data: skip it.
    }
  }
  return out;
}

/** The glyph ids every text-showing operator of the page draws (pdfkit writes <hex> TJ arrays). */
export function drawnGlyphIds(pdf: Buffer): number[] {
  const ids: number[] = [];
  for (const content of inflatedStreams(pdf)) {
    if (!content.includes(' TJ')) continue;
    for (const tj of content.matchAll(/\[([^\]]*)\] TJ/g)) {
      for (const hex of tj[1]!.matchAll(/<([0-9a-f]*)>/g)) {
        for (let i = 0; i < hex[1]!.length; i += 4) ids.push(parseInt(hex[1]!.slice(i, i + 4), 16));
      }
    }
  }
  return ids;
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

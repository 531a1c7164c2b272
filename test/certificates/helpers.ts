// Shared by the certificate tests and bench: a real i18next t() over the English PDF strings
// (so pluralization, number formatting and HTML-escaping behave as in the app), sample records,
// and the poppler command-line tools.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import i18next from 'i18next';
import en from '../../src/locales/en.json';
import type { CertificateRecord, Translate } from '../../src/certificates/pdf';

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

// Certificate rendering cost, as ratios measured in one run (no test asserts on time).
// Compares 200 certificates with a bare pdfkit page carrying the same text in Helvetica
// (a standard font: nothing embedded, no tagging, no QR code).
//   compile, then: node <out>/test/certificates/bench-pdf.js [count]
import PDFDocument from 'pdfkit';
import { loadCertificateFonts } from '../../src/certificates/fonts';
import { createCertificateRenderer, type CertificateRecord } from '../../src/certificates/pdf';
import { englishT, sampleLogo, sampleRecord, sampleRendererOptions } from './helpers';

export type CertificateBench = {
  count: number;
  fontLoadMs: number;
  firstRenderMs: number;
  certificateMsPerDoc: number;
  certificateBytes: number;
  firstNationsMsPerDoc: number;
  firstNationsBytes: number;
  /** Names in fallback fonts (one certificate each, `count` times): ms per document and bytes. */
  fallback: { label: string; msPerDoc: number; bytes: number }[];
  helveticaMsPerDoc: number;
  helveticaBytes: number;
};

function bareHelvetica(record: CertificateRecord, lines: string[]): Buffer {
  const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: 0, info: { CreationDate: record.issuedAt } });
  let y = 60;
  for (const line of lines) {
    doc.font('Helvetica').fontSize(14).text(line, 96, y, { width: 600, align: 'center' });
    y += 30;
  }
  doc.end();
  const chunks: Buffer[] = [];
  for (let c = doc.read() as Buffer | null; c !== null; c = doc.read() as Buffer | null) chunks.push(c);
  return Buffer.concat(chunks);
}

function time<T>(n: number, fn: () => T): { ms: number; last: T } {
  let last!: T;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) last = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6 / n, last };
}

export function benchCertificates(count = 200): CertificateBench {
  const t0 = process.hrtime.bigint();
  const fonts = loadCertificateFonts();
  const fontLoadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const renderer = createCertificateRenderer(sampleRendererOptions(fonts));
  const t = englishT();
  const record = sampleRecord();
  const fn = sampleRecord({ holderName: 'Sḵwx̱wú7mesh Snanáy̓ xʷməθkʷəy̓əm Stó:lō-səl̓ilw̓ətaʔɬ' });

  const first = time(1, () => renderer.render(record, t, 'en-CA'));
  time(20, () => renderer.render(record, t, 'en-CA')); // warm-up
  const cert = time(count, () => renderer.render(record, t, 'en-CA'));
  const firstNations = time(count, () => renderer.render(fn, t, 'en-CA'));
  const withLogo = createCertificateRenderer(sampleRendererOptions(fonts, { logo: sampleLogo() }));
  const fallback = [
    ['Vietnamese', renderer, 'Nguyễn Thị Minh Khai'],
    ['Chinese (Simplified)', renderer, '王秀英'],
    ['Chinese (Traditional)', renderer, '陳大文'],
    ['Gurmukhi', renderer, 'ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ'],
    ['mixed', renderer, 'Amrit ਸਿੰਘ Sḵwx̱wú7mesh'],
    ['mixed, with a 600x200 PNG logo', withLogo, 'Amrit ਸਿੰਘ 王秀英'],
  ] as const;
  const fallbackResults = fallback.map(([label, r, holderName]) => {
    const rec = sampleRecord({ holderName });
    time(20, () => r.render(rec, t, 'en-CA')); // warm-up
    const run = time(count, () => r.render(rec, t, 'en-CA'));
    return { label, msPerDoc: run.ms, bytes: run.last.length };
  });

  const lines = [
    'PACE SOCIETY',
    'Certificate of completion',
    'This certifies that',
    record.holderName,
    'has successfully completed',
    record.courseTitle,
    '6.5 hours of training   Completed on March 14, 2025   Expires on March 14, 2027',
    'Jordan Rivera',
    'Director of Training',
    'Certificate code K7MQ2-XW9PT-RC4HZ   Verify at https://learn.example.org/verify/K7MQ2XW9PTRC4HZ',
  ];
  time(20, () => bareHelvetica(record, lines));
  const helv = time(count, () => bareHelvetica(record, lines));

  return {
    count,
    fontLoadMs,
    firstRenderMs: first.ms,
    certificateMsPerDoc: cert.ms,
    certificateBytes: cert.last.length,
    firstNationsMsPerDoc: firstNations.ms,
    firstNationsBytes: firstNations.last.length,
    fallback: fallbackResults,
    helveticaMsPerDoc: helv.ms,
    helveticaBytes: helv.last.length,
  };
}

if (require.main === module) {
  const r = benchCertificates(Number(process.argv[2] ?? 200));
  const f = (n: number): string => n.toFixed(2);
  console.log(`fonts loaded once: ${f(r.fontLoadMs)} ms; first certificate: ${f(r.firstRenderMs)} ms`);
  console.log(`certificate (ASCII name):   ${f(r.certificateMsPerDoc)} ms/doc, ${r.certificateBytes} bytes`);
  console.log(`certificate (First Nations): ${f(r.firstNationsMsPerDoc)} ms/doc, ${r.firstNationsBytes} bytes`);
  for (const x of r.fallback) console.log(`certificate (${x.label}): ${f(x.msPerDoc)} ms/doc, ${x.bytes} bytes`);
  console.log(`bare Helvetica page:         ${f(r.helveticaMsPerDoc)} ms/doc, ${r.helveticaBytes} bytes`);
  console.log(`certificate / Helvetica: ${f(r.certificateMsPerDoc / r.helveticaMsPerDoc)}x time, ${f(r.certificateBytes / r.helveticaBytes)}x bytes`);
}

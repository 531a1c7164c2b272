// Certificate PDFs: the real renderer (BC Sans, tagged, vector QR code) against a bare pdfkit page
// with the same text in Helvetica, rendered in interleaved batches in the same process.
import PDFDocument from 'pdfkit';
import { createI18n } from '../../src/i18n';
import { createCertificateRenderer, type CertificateRecord, type Translate } from '../../src/certificates/pdf';
import { loadCertificateFonts } from '../../src/certificates/fonts';
import { formatCode, generateCode } from '../../src/certificates/codes';
import type { Config } from '../../src/config';

export interface CertificateBench {
  docs: number;
  realMs: number;
  bareMs: number;
  realSizes: number[];
  bareSizes: number[];
  fontLoadMs: number;
}

/** The app's own English translate function, as the certificate route gets it (req.t). */
function englishT(): Translate {
  const t = createI18n().getFixedT('en');
  return (key, opts) => t(key, opts as never) as unknown as string;
}

function records(n: number): CertificateRecord[] {
  const names = ['Alex Example', 'Sḵwx̱wú7mesh səl̓ilw̓ətaʔɬ Nguyễn', 'Marie-Ève Tremblay', 'Jordan Lee', 'Priya Natarajan-Okafor'];
  const courses = ['Rights-Based, Trauma-Informed Practice with Sex Workers', 'Words matter: language and stigma', 'Working together safely'];
  return Array.from({ length: n }, (_, i) => ({
    code: generateCode(),
    holderName: names[i % names.length]!,
    courseTitle: courses[i % courses.length]!,
    hours: i % 4 === 0 ? null : 1.5 + (i % 5),
    issuedAt: new Date(Date.UTC(2026, i % 12, 1 + (i % 27), 17, 30)),
    expiresAt: i % 2 === 0 ? null : new Date(Date.UTC(2028, i % 12, 1)),
  }));
}

/** The same text on a plain pdfkit page in Helvetica: no embedded fonts, tags or drawings. */
function barePdf(r: CertificateRecord, t: Translate, baseUrl: string): Buffer {
  const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
  const url = `${baseUrl}/verify/${r.code}`;
  const tr = (key: string, vars: Record<string, unknown> = {}) => t(key, { ...vars, interpolation: { escapeValue: false } });
  const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: 72, info: { Title: tr('certificate.pdf.documentTitle', { name: r.holderName, course: r.courseTitle }) } });
  doc.font('Helvetica-Bold').fontSize(30).text(tr('certificate.pdf.heading'), { align: 'center' });
  doc.moveDown().font('Helvetica').fontSize(13).text(tr('certificate.pdf.presentedTo'), { align: 'center' });
  doc.font('Helvetica-Bold').fontSize(28).text(r.holderName, { align: 'center' });
  doc.font('Helvetica-Oblique').fontSize(13).text(tr('certificate.pdf.forCompleting'), { align: 'center' });
  doc.font('Helvetica-Bold').fontSize(22).text(r.courseTitle, { align: 'center' });
  const details = [
    r.hours === null ? null : tr('certificate.pdf.hours', { count: r.hours }),
    tr('certificate.pdf.completedOn', { date: dateFormat.format(r.issuedAt) }),
    r.expiresAt === null ? null : tr('certificate.pdf.expiresOn', { date: dateFormat.format(r.expiresAt) }),
  ].filter((s): s is string => s !== null);
  doc.moveDown().font('Helvetica').fontSize(11.5).text(details.join('  ·  '), { align: 'center' });
  doc.moveDown().fontSize(9).text(`${tr('certificate.pdf.code', { code: formatCode(r.code) })}  ·  ${tr('certificate.pdf.verify', { url })}`, { align: 'center' });
  doc.end();
  // Nothing asynchronous was used, so the whole file is already buffered (as in pdf.ts finish()).
  const chunks: Buffer[] = [];
  for (let c = doc.read() as Buffer | null; c !== null; c = doc.read() as Buffer | null) chunks.push(c);
  return Buffer.concat(chunks);
}

export function benchCertificates(config: Config, docs: number, warmup: number): CertificateBench {
  const fontStart = process.hrtime.bigint();
  const fonts = loadCertificateFonts();
  const fontLoadMs = Number(process.hrtime.bigint() - fontStart) / 1e6;
  const renderer = createCertificateRenderer({
    fonts, organizationName: config.organizationName, signatoryName: config.signatoryName,
    signatoryTitle: config.signatoryTitle, paperSize: config.paperSize, baseUrl: config.baseUrl,
  });
  const t = englishT();
  const list = records(docs);
  for (const r of records(warmup)) {
    renderer.render(r, t, 'en');
    barePdf(r, t, config.baseUrl);
  }
  const result: CertificateBench = { docs, realMs: 0, bareMs: 0, realSizes: [], bareSizes: [], fontLoadMs };
  const batch = 25;
  for (let i = 0; i < list.length; i += batch) {
    const slice = list.slice(i, i + batch);
    let start = process.hrtime.bigint();
    for (const r of slice) result.realSizes.push(renderer.render(r, t, 'en').length);
    result.realMs += Number(process.hrtime.bigint() - start) / 1e6;
    start = process.hrtime.bigint();
    for (const r of slice) result.bareSizes.push(barePdf(r, t, config.baseUrl).length);
    result.bareMs += Number(process.hrtime.bigint() - start) / 1e6;
  }
  return result;
}

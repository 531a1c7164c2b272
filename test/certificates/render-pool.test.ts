// Rendering in worker threads: the same bytes as on the main thread, errors as they were
// thrown, results in order, and the main thread free while the workers render.
import { createI18n } from '../../src/i18n';
import { loadCertificateFonts } from '../../src/certificates/fonts';
import { CertificateInputError, createCertificateRenderer, type CertificateRecord, type Translate } from '../../src/certificates/pdf';
import { createCertificateRenderService, type CertificateRenderService } from '../../src/certificates/render-pool';
import { renderTranscriptPdf } from '../../src/certificates/transcript-pdf';
import { sampleCertificateView, sampleLogo, sampleRecord, sampleRendererOptions } from './helpers';

let service: CertificateRenderService;
const fixed = createI18n().getFixedT('en');
const t: Translate = (key, opts) => fixed(key, opts as never) as unknown as string;

beforeAll(() => {
  service = createCertificateRenderService(sampleRendererOptions(loadCertificateFonts(), { logo: sampleLogo() }), 2);
});

afterAll(async () => {
  await service.close();
});

test('a certificate rendered in a worker is the one rendered here, byte for byte', async () => {
  for (const holderName of ['Alex Example', 'سارا محمدی', '김민준', 'ਗੁਰਪ੍ਰੀਤ ਕੌਰ']) {
    const record = sampleRecord({ holderName });
    const here = createCertificateRenderer(sampleRendererOptions(loadCertificateFonts(), { logo: sampleLogo() })).render(record, t, 'en');
    const there = await service.renderAsync(record, 'en');
    expect(Buffer.isBuffer(there)).toBe(true);
    expect(there.equals(here)).toBe(true);
  }
});

test('a transcript rendered in a worker is the one rendered here', async () => {
  const input = { holderName: 'Sara محمدی', generatedAt: new Date('2025-04-01T10:00:00Z'), certificates: [sampleCertificateView({ hours: 0.75 })] };
  const options = sampleRendererOptions(loadCertificateFonts());
  const here = await renderTranscriptPdf(loadCertificateFonts(), { ...input, organizationName: options.organizationName, baseUrl: options.baseUrl }, t, 'en');
  expect((await service.transcriptAsync(input, 'en')).equals(here)).toBe(true);
});

test('an unprintable name comes back as the same typed error', async () => {
  const failure = await service.renderAsync(sampleRecord({ holderName: 'Alex 😀' }), 'en').catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(CertificateInputError);
  expect(failure).toMatchObject({ reason: 'unprintable-name', characters: ['😀'] });
});

test('renderEach gives every result in order, errors in their place', async () => {
  const names = ['A One', 'B Two', 'C 😀', 'D Four', 'E Five', 'F Six', 'G Seven'];
  const seen: [number, string][] = [];
  await service.renderEach(names.map((holderName) => sampleRecord({ holderName })), 'en', (i, result) => {
    seen.push([i, 'pdf' in result ? 'pdf' : (result.error as CertificateInputError).reason]);
  });
  expect(seen).toEqual(names.map((n, i) => [i, n.includes('😀') ? 'unprintable-name' : 'pdf']));
});

test('the main thread is free while the workers render', async () => {
  const records: CertificateRecord[] = Array.from({ length: 20 }, (_, i) => sampleRecord({ holderName: `Learner ${i}` }));
  const order: string[] = [];
  setImmediate(() => order.push('next turn of the event loop'));
  await Promise.all(records.map((r) => service.renderAsync(r, 'en').then(() => order.push('certificate'))));
  // Rendered on this thread, all twenty would have been done before the loop turned.
  expect(order[0]).toBe('next turn of the event loop');
  expect(order.filter((o) => o === 'certificate')).toHaveLength(20);
});

test('a closed pool refuses new work', async () => {
  const own = createCertificateRenderService(sampleRendererOptions(loadCertificateFonts()), 1);
  await own.close();
  await expect(own.renderAsync(sampleRecord(), 'en')).rejects.toThrow(/closed/);
});

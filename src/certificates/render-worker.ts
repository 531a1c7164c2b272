/**
 * A worker thread of the render pool (render-pool.ts): renders certificates and transcripts off
 * the main thread's event loop. It builds its own renderer from the settings the pool passes
 * (fonts parsed here, fallbacks when first needed; the logo's bytes) and its own translations
 * (the app's catalogs, compiled once), so a task is just the record and the reader's language.
 * Replies carry the PDF's bytes, transferred rather than copied, or the error to rethrow.
 */
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createI18n } from '../i18n';
import { loadCertificateFonts } from './fonts';
import { CertificateInputError, createCertificateRenderer, type CertificateRecord, type Translate } from './pdf';
import type { PoolSettings, TaskReply, TaskRequest } from './render-pool';
import { renderTranscriptPdf } from './transcript-pdf';

// Rendering is background work: on Linux a thread's nice value is its own (setpriority on the
// calling thread), so this worker yields the CPU to the thread serving pages whenever both want
// it, and renders at full speed when nothing else runs. Elsewhere the value would apply to the
// whole process, so it is left alone.
if (process.platform === 'linux') {
  try {
    os.setPriority(10);
  } catch {
    // Not permitted here: render at the normal priority.
  }
}

const settings = workerData as PoolSettings;
const fonts = loadCertificateFonts(settings.fontDir ?? undefined);
const renderer = createCertificateRenderer({ ...settings.renderer, fonts, logo: settings.renderer.logo ? Buffer.from(settings.renderer.logo) : null });
const i18n = createI18n();
const translators = new Map<string, Translate>();

/** The app's `req.t` for a language: i18next's fixed t, made once per language. */
function translator(lang: string): Translate {
  let t = translators.get(lang);
  if (!t) {
    const fixed = i18n.getFixedT(lang);
    t = (key, opts) => fixed(key, opts as never) as unknown as string;
    translators.set(lang, t);
  }
  return t;
}

async function run(task: TaskRequest): Promise<Buffer> {
  const t = translator(task.lang);
  if (task.kind === 'certificate') return renderer.render(task.record as CertificateRecord, t, task.lang);
  return renderTranscriptPdf(fonts, { ...task.input, organizationName: settings.renderer.organizationName, baseUrl: settings.renderer.baseUrl }, t, task.lang);
}

parentPort!.on('message', (task: TaskRequest) => {
  run(task).then(
    (pdf) => {
      // A PDF of its own ArrayBuffer is handed over; a slice of a shared one is copied first.
      const bytes = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : Buffer.from(pdf);
      const reply: TaskReply = { id: task.id, ok: true, pdf: bytes };
      parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const reply: TaskReply = {
        id: task.id,
        ok: false,
        error: {
          name: e.name,
          message: e.message,
          stack: e.stack,
          reason: e instanceof CertificateInputError ? e.reason : undefined,
          characters: e instanceof CertificateInputError ? [...e.characters] : undefined,
        },
      };
      parentPort!.postMessage(reply);
    },
  );
});

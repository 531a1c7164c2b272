/**
 * Certificates and transcripts rendered off the event loop, in a small pool of worker threads
 * (render-worker.ts), so that an administrator's zip of 2,000 certificates (about 20 s of
 * rendering) or a burst of downloads does not hold up every other request. A render costs a
 * few milliseconds of CPU; what matters is that it is not spent on the thread serving pages.
 *
 * - Workers start on the first task (a process that never renders starts none), each loads
 *   its own fonts and translations once, and is replaced if it dies (its task fails).
 * - Tasks are served first come, first served; `renderEach` keeps at most a few of one caller's
 *   tasks queued at a time, so a single download is not queued behind a whole zip.
 * - Idle workers do not keep the process alive (they are unref'd between tasks).
 * - Errors come back as they were thrown: a CertificateInputError stays one (same reason and
 *   characters), so routes handle an unprintable name the same way as with `render()`.
 *
 * From TypeScript sources (the tests run them through ts-jest) the worker compiles its modules
 * with TypeScript's transpiler as it loads them; built, it runs dist's JavaScript.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CertificateInputError, createCertificateRenderer, describeCluster, type CertificateInputReason, type CertificateRecord, type CertificateRenderer, type CertificateRendererOptions } from './pdf';
import type { TranscriptInput } from './transcript-pdf';

/** What each worker is built with: the renderer's settings (the logo as bytes) and where the fonts are. */
export type PoolSettings = {
  renderer: Omit<CertificateRendererOptions, 'fonts' | 'logo'> & { logo: Uint8Array | null };
  /** A font directory other than dist/fonts (tests); null for the default. */
  fontDir: string | null;
};

/** The transcript as a task: the organization and address are the pool's. */
export type TranscriptTask = Omit<TranscriptInput, 'organizationName' | 'baseUrl'>;

export type TaskRequest =
  | { id: number; kind: 'certificate'; record: CertificateRecord; lang: string }
  | { id: number; kind: 'transcript'; input: TranscriptTask; lang: string };

export type TaskReply =
  | { id: number; ok: true; pdf: Uint8Array }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string; reason?: CertificateInputReason; characters?: string[] } };

export type RenderPool = {
  /** A certificate PDF, rendered in a worker, with the reader's language's labels and dates. */
  renderAsync(record: CertificateRecord, lang: string): Promise<Buffer>;
  /** A transcript PDF, rendered in a worker. */
  transcriptAsync(input: TranscriptTask, lang: string): Promise<Buffer>;
  /**
   * Renders every record, at most a few at a time (so other callers' tasks are not queued behind
   * them all), calling `each` in order with the PDF or the error of each.
   */
  renderEach(records: readonly CertificateRecord[], lang: string, each: (index: number, result: { pdf: Buffer } | { error: Error }) => void): Promise<void>;
  /** How many workers the pool runs at most. */
  readonly size: number;
  /** Stops the workers; tasks still queued fail. */
  close(): Promise<void>;
};

/** The certificate renderer of the app: the synchronous renderer, and the pool. */
export type CertificateRenderService = CertificateRenderer &
  RenderPool & {
    /**
     * What in `name` no certificate font can print, each as a message may show it: visible
     * clusters as they are, invisible and control characters as code points ("U+202E"), so a
     * message never carries a character that would reorder or hide its own text.
     */
    describeUnprintable(name: string): string[];
  };

/** One worker per core but one, kept for the event loop (at least one). */
export function defaultPoolSize(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

/** The worker's script, and whether it must be loaded through the TypeScript transpiler. */
function workerScript(): { file: string; fromSource: boolean } {
  const fromSource = path.extname(__filename) === '.ts';
  return { file: path.join(__dirname, `render-worker${fromSource ? '.ts' : '.js'}`), fromSource };
}

/** Loads a .ts worker: each TypeScript module is transpiled as it is required (as ts-jest does). */
function sourceBootstrap(file: string): string {
  return `
const fs = require('node:fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true, sourceMap: false },
  });
  module._compile(outputText, filename);
};
require(${JSON.stringify(file)});
`;
}

function errorFrom(reply: Extract<TaskReply, { ok: false }>['error']): Error {
  const err = reply.reason ? new CertificateInputError(reply.reason, reply.message, reply.characters ?? []) : new Error(reply.message);
  if (!reply.reason) err.name = reply.name;
  if (reply.stack) err.stack = reply.stack;
  return err;
}

type Pending = { request: TaskRequest; resolve: (pdf: Buffer) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; busy: Pending | null };

export function createRenderPool(settings: PoolSettings, size = defaultPoolSize()): RenderPool {
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  const script = workerScript();

  function start(): Slot {
    const options = { workerData: settings };
    const worker = script.fromSource ? new Worker(sourceBootstrap(script.file), { ...options, eval: true }) : new Worker(script.file, options);
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on('message', (reply: TaskReply) => {
      const task = slot.busy;
      slot.busy = null;
      worker.unref();
      if (task && task.request.id === reply.id) {
        if (reply.ok) task.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
        else task.reject(errorFrom(reply.error));
      }
      dispatch();
    });
    const fail = (err: Error): void => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      slot.busy?.reject(err);
      slot.busy = null;
      dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`certificate render worker stopped (exit code ${code})`)));
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => !s.busy) ?? (slots.length < size ? start() : null);
      if (!slot) return;
      const task = queue.shift()!;
      slot.busy = task;
      // A worker with a task keeps the process alive until it answers.
      slot.worker.ref();
      slot.worker.postMessage(task.request);
    }
  }

  function submit(request: TaskRequest): Promise<Buffer> {
    if (closed) return Promise.reject(new Error('the certificate render pool is closed'));
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      dispatch();
    });
  }

  return {
    size,
    renderAsync: (record, lang) => submit({ id: nextId++, kind: 'certificate', record, lang }),
    transcriptAsync: (input, lang) => submit({ id: nextId++, kind: 'transcript', input, lang }),
    async renderEach(records, lang, each) {
      const window = size * 2;
      const results = new Map<number, { pdf: Buffer } | { error: Error }>();
      let started = 0;
      let delivered = 0;
      await new Promise<void>((resolve) => {
        const deliver = (): void => {
          while (results.has(delivered)) {
            each(delivered, results.get(delivered)!);
            results.delete(delivered);
            delivered++;
          }
          if (delivered === records.length) return resolve();
          while (started < records.length && started - delivered < window) {
            const index = started++;
            submit({ id: nextId++, kind: 'certificate', record: records[index]!, lang }).then(
              (pdf) => void (results.set(index, { pdf }), deliver()),
              (error: Error) => void (results.set(index, { error }), deliver()),
            );
          }
        };
        deliver();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('the certificate render pool is closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * The app's certificate renderer: `render()` and the other synchronous methods on this thread
 * (for tests, scripts and the bench), and the pool for requests. The pool's workers get the
 * same settings; fonts are loaded from dist/fonts in each worker.
 */
export function createCertificateRenderService(options: CertificateRendererOptions, poolSize = defaultPoolSize()): CertificateRenderService {
  const renderer = createCertificateRenderer(options);
  const { fonts: _fonts, logo, ...rest } = options;
  const pool = createRenderPool({ renderer: { ...rest, logo: logo ? new Uint8Array(logo) : null }, fontDir: null }, poolSize);
  return {
    render: (record, t, locale) => renderer.render(record, t, locale),
    renderWithLayout: (record, t, locale) => renderer.renderWithLayout(record, t, locale),
    unprintableCharacters: (name) => renderer.unprintableCharacters(name),
    describeUnprintable: (name) => renderer.unprintableCharacters(name).map(describeCluster),
    renderAsync: pool.renderAsync,
    transcriptAsync: pool.transcriptAsync,
    renderEach: pool.renderEach,
    size: pool.size,
    close: pool.close,
  };
}

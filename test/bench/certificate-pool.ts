// Certificates off the event loop (src/certificates/render-pool.ts), for `npm run bench`:
//   1. the signed-in module page's p99 at 10 connections on the real app alone, then while an
//      administrator's zip of (up to) 2,000 certificates is being made by the same server
//      (aim: at most 2x);
//   2. certificates per second rendered by the pool with 1 and with 2 worker threads (and on the
//      main thread, for comparison).
// Called once from bench.ts after its own measurements, on the database it seeded: the learners'
// sessions are in the database, so they are valid on this server too. Never asserts on time.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import pino from 'pino';
import { createServices } from '../../src/services';
import { systemClock } from '../../src/clock';
import { codeAt, PERIOD_SECONDS } from '../../src/accounts/totp';
import { loadCertificateFonts } from '../../src/certificates/fonts';
import { createCertificateRenderer, type CertificateRecord } from '../../src/certificates/pdf';
import { createRenderPool, defaultPoolSize } from '../../src/certificates/render-pool';
import { createI18n } from '../../src/i18n';
import { generateCode } from '../../src/certificates/codes';
import { BENCH_PASSWORD, benchConfig, logIn, type ChildMessage, type ParentMessage, type ServerSetup } from './common';

// autocannon ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb: (err: Error | null) => void) => {
  on(event: 'response', fn: (client: object, status: number, bytes: number, ms: number) => void): void;
  stop(): void;
};

const DURATION_S = Number(process.env.BENCH_DURATION ?? 4);
const ZIP_CERTIFICATES = 2000;
const POOL_DOCS = Number(process.env.BENCH_POOL_PDFS ?? 400);

type Setup = Pick<ServerSetup, 'tmpDir' | 'dbFile' | 'curriculumDir'>;

/** The real app in a child process (test/bench/server.ts), as bench.ts runs it. */
function startApp(setup: Setup): Promise<{ proc: ChildProcess; base: string }> {
  const proc = fork(path.join(__dirname, 'server.js'), [], {
    env: { ...process.env, BENCH_SETUP: JSON.stringify({ mode: 'app', ...setup } satisfies ServerSetup) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`app exited with ${code} before it was ready`)));
    proc.on('message', (m: ChildMessage) => m.type === 'ready' && resolve({ proc, base: `http://127.0.0.1:${m.port}` }));
  });
}

function stopApp(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    if (proc.connected) proc.send({ type: 'stop' } satisfies ParentMessage);
    else proc.kill('SIGTERM');
  });
}

/** Latencies (ms, sorted) of 200 responses to `url` at 10 connections, for `seconds` after a 1 s warm-up, or until `until` settles. */
function load(url: string, cookies: string[], seconds: number, until?: Promise<unknown>): Promise<{ latencies: number[]; bad: number }> {
  const latencies: number[] = [];
  let bad = 0;
  let measuring = false;
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url, connections: 10, duration: 600,
      setupClient: (client: { setHeaders(h: Record<string, string>): void }) => client.setHeaders({ cookie: cookies[next++ % cookies.length]! }),
    }, (err) => (err ? reject(err) : resolve({ latencies: latencies.sort((a, b) => a - b), bad })));
    instance.on('response', (_client, status, _bytes, ms) => {
      if (!measuring) return;
      if (status === 200) latencies.push(ms);
      else bad++;
    });
    setTimeout(() => {
      measuring = true;
      if (until) void until.finally(() => instance.stop());
      else setTimeout(() => instance.stop(), seconds * 1000);
    }, 1000);
  });
}

const p = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? NaN;

/**
 * An administrator with a second factor (turned on through the real service, as the enrolment
 * page does, its code for the step before now), and the widest range of whole days whose
 * certificates number at most ZIP_CERTIFICATES.
 */
async function prepare(setup: Setup): Promise<{ adminEmail: string; totpSecret: string; from: string; to: string; count: number }> {
  const db = createDb({ databaseUrl: null, sqliteFile: setup.dbFile });
  try {
    const adminEmail = `bench-admin-${Date.now()}@example.org`;
    const services = createServices({ config: benchConfig(setup), db, clock: systemClock, logger: pino({ level: 'silent' }) });
    const admin = await services.accounts.createUser({ email: adminEmail, displayName: 'Bench Admin', password: BENCH_PASSWORD, role: 'admin' });
    const pending = (await services.secondFactor.pendingEnrolment(admin))!;
    const earlier = new Date(Date.now() - PERIOD_SECONDS * 1000);
    if (!(await services.secondFactor.confirmEnrolment(admin, codeAt(pending.secret, earlier), null))) throw new Error('enrolling the bench administrator failed');
    const rows = (await db('certificates').whereNull('superseded_at').select('issued_at').orderBy('issued_at')) as { issued_at: unknown }[];
    const days = rows.map((r) => new Date(r.issued_at as string | number | Date).toISOString().slice(0, 10));
    let count = 0;
    let last = days[0]!;
    for (const day of [...new Set(days)]) {
      const n = days.filter((d) => d === day).length;
      if (count + n > ZIP_CERTIFICATES) break;
      count += n;
      last = day;
    }
    return { adminEmail, totpSecret: pending.secret, from: days[0]!, to: last, count };
  } finally {
    await db.destroy();
  }
}

/** Certificates per second from a pool of `workers` threads, `POOL_DOCS` documents. */
async function poolRate(workers: number, records: CertificateRecord[], settings: Parameters<typeof createRenderPool>[0]): Promise<number> {
  const pool = createRenderPool(settings, workers);
  try {
    // Warm-up: every worker started, fonts loaded, code compiled.
    await Promise.all(records.slice(0, 20 * workers).map((r) => pool.renderAsync(r, 'en')));
    const started = process.hrtime.bigint();
    await Promise.all(records.map((r) => pool.renderAsync(r, 'en')));
    return records.length / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await pool.close();
  }
}

export async function benchCertificatePool(o: { common: Setup; measuredUrl: string; learnerCookies: string[]; log: (line: string) => void }): Promise<void> {
  const { log } = o;
  log(`\nCertificates off the event loop: the module page at 10 connections alone, then while an administrator downloads a zip of certificates`);
  const { adminEmail, totpSecret, from, to, count } = await prepare(o.common);
  const { proc, base } = await startApp(o.common);
  try {
    const admin = await logIn(base, adminEmail, totpSecret);
    const url = base + o.measuredUrl;
    const alone = await load(url, o.learnerCookies, DURATION_S);
    const zipStarted = process.hrtime.bigint();
    const zip = fetch(`${base}/admin/certificates.zip?from=${from}&to=${to}`, { headers: { cookie: admin } }).then(async (res) => {
      const body = Buffer.from(await res.arrayBuffer());
      // A page instead of the zip (the sign-in or the second-factor enrolment) is a failure too.
      if (res.status !== 200 || !/zip/.test(res.headers.get('content-type') ?? '')) throw new Error(`zip: ${res.status} ${res.headers.get('content-type')} ${body.toString().slice(0, 200)}`);
      return { bytes: body.length, seconds: Number(process.hrtime.bigint() - zipStarted) / 1e9 };
    });
    const during = await load(url, o.learnerCookies, 0, zip.catch(() => undefined));
    const made = await zip;
    const ratio = p(during.latencies, 99) / p(alone.latencies, 99);
    log(`  alone:           ${alone.latencies.length} responses, p50 ${p(alone.latencies, 50).toFixed(2)} ms, p99 ${p(alone.latencies, 99).toFixed(2)} ms${alone.bad ? `, ${alone.bad} NON-200` : ''}`);
    log(`  during the zip:  ${during.latencies.length} responses, p50 ${p(during.latencies, 50).toFixed(2)} ms, p99 ${p(during.latencies, 99).toFixed(2)} ms${during.bad ? `, ${during.bad} NON-200` : ''}`);
    log(`  the zip: ${count} certificates (${from} to ${to}), ${(made.bytes / 1048576).toFixed(1)} MB in ${made.seconds.toFixed(1)} s (${(count / made.seconds).toFixed(0)} certificates/s, server's pool of ${defaultPoolSize()} worker(s))`);
    log(`  p99 during / alone = ${ratio.toFixed(2)}   target <= 2: ${ratio <= 2 ? 'meets target' : 'BELOW TARGET'}`);
  } finally {
    await stopApp(proc);
  }

  // Throughput of the pool itself, in this process (dist's worker script).
  const config = benchConfig(o.common);
  const options = { organizationName: config.organizationName, signatoryName: config.signatoryName, signatoryTitle: config.signatoryTitle, paperSize: config.paperSize, baseUrl: config.baseUrl };
  const names = ['Alex Example', 'Sḵwx̱wú7mesh səl̓ilw̓ətaʔɬ Nguyễn', 'سارا محمدی', '김민준', 'प्रिया शर्मा', 'ਗੁਰਪ੍ਰੀਤ ਕੌਰ', '陳美玲', 'Marie-Ève Tremblay'];
  const records: CertificateRecord[] = Array.from({ length: POOL_DOCS }, (_, i) => ({
    code: generateCode(), holderName: names[i % names.length]!, courseTitle: 'Rights-Based, Trauma-Informed Practice with Sex Workers',
    hours: 0.75 + (i % 4), issuedAt: new Date(Date.UTC(2026, i % 12, 1 + (i % 27))), expiresAt: null,
  }));
  const t = createI18n().getFixedT('en');
  const here = createCertificateRenderer({ ...options, fonts: loadCertificateFonts() });
  for (const r of records.slice(0, 40)) here.render(r, (k, x) => t(k, x as never) as unknown as string, 'en');
  const started = process.hrtime.bigint();
  for (const r of records) here.render(r, (k, x) => t(k, x as never) as unknown as string, 'en');
  const mainRate = records.length / (Number(process.hrtime.bigint() - started) / 1e9);
  const settings = { renderer: { ...options, logo: null }, fontDir: null };
  const one = await poolRate(1, records, settings);
  const two = await poolRate(2, records, settings);
  log(`  certificates per second (${records.length} documents, names in ${names.length} scripts): main thread ${mainRate.toFixed(0)}, pool of 1 worker ${one.toFixed(0)}, pool of 2 workers ${two.toFixed(0)} (${(two / one).toFixed(2)}x; this machine has ${os.availableParallelism()} cores)`);
}

// The organization report bench: not a test, a script that prints what one run measured.
//
// An organization of 10,000 staff (20 units) with the bench's 10 courses all assigned and progress
// of every kind (about 100,000 cells, 800,000 module progress rows) is seeded on SQLite, and on
// PostgreSQL when BENCH_DATABASE_URL is set (in a schema of its own, dropped afterwards). A child
// process per database (run with --expose-gc, so memory can be measured from a collected heap) then:
// 1. builds the first page of the matrix with its summary figures (`reports.page`), and the
//    summary alone, after a warm-up: the median and best of BENCH_REPORT_REPEATS runs;
// 2. downloads the full CSV from the real route over HTTP, signed in as the manager, reading it
//    as it comes: time to the first byte and to the first data row, total time, rows per second,
//    and the peak growth of the process's memory (JS heap + external) over its size before, both
//    as sampled (garbage included) and as held (collected before each reading: see memoryWatch);
// 3. builds the same CSV as one string (the same rows and lines, concatenated, then as bytes),
//    as an export without streaming would, with the same measures.
//
// `node dist/test/bench/reports.js` runs it alone; `npm run bench` runs it last (BENCH_REPORTS=0 skips it).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createCurriculumService } from '../../src/curriculum/service';
import { createServices } from '../../src/services';
import { createApp } from '../../src/app';
import { createHttpServer } from '../../src/http/server';
import { KnexSessionStore, SESSION_COOKIE } from '../../src/http/session-store';
import { signSessionId } from '../../src/sessions/cookie';
import { systemClock, type Clock } from '../../src/clock';
import { csvHeader, csvLines } from '../../src/reports/export';
import { createI18n } from '../../src/i18n';
import { seed } from './seed';
import { seedOrganization, type OrgSeed } from './report-seed';
import { benchConfig } from './common';

const STAFF = Number(process.env.BENCH_REPORT_STAFF ?? 10_000);
const REPEATS = Number(process.env.BENCH_REPORT_REPEATS ?? 5);
/** The report is read at a fixed time, so every run sees the same statuses. */
const NOW = new Date('2026-06-01T12:00:00Z');
const fixedClock: Clock = { now: () => new Date(NOW) };

const log = (line = '') => process.stdout.write(line + '\n');
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'BELOW TARGET');

interface Setup {
  label: string;
  sqliteFile?: string;
  databaseUrl?: string;
  searchPath?: string;
  curriculumDir: string;
  tmpDir: string;
  org: OrgSeed;
}

interface ExportFigures {
  bytes: number;
  rows: number;
  totalMs: number;
  firstByteMs: number;
  firstRowMs: number;
  peakGrowth: number;
  /** The peak of what is held (memoryWatch 'live'), from a second run. */
  liveGrowth: number;
}

interface Figures {
  pageMs: number[];
  summaryMs: number[];
  people: number;
  cells: number;
  stream: ExportFigures;
  string: ExportFigures;
}

// ---- the child: one database, measured ------------------------------------------------------

const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

const gc = () => (global as { gc?: () => void }).gc?.();

/**
 * The peak growth of memory over its size before, until stopped. 'sampled': read every
 * millisecond or so, garbage not yet collected included (how much V8 lets pile up depends on its
 * heuristics more than on the export). 'live': a full collection before each reading, every 20
 * ms, so it is what the export holds (slower: a run is timed without it).
 */
function memoryWatch(mode: 'sampled' | 'live'): { stop(): number } {
  gc();
  const base = memory();
  let peak = base;
  const timer = setInterval(() => {
    if (mode === 'live') gc();
    peak = Math.max(peak, memory());
  }, mode === 'live' ? 20 : 1);
  return { stop: () => { clearInterval(timer); peak = Math.max(peak, memory()); return peak - base; } };
}

/** A signed-in session for the manager, as a sign-in leaves it (see test/support/factories.ts). */
async function managerCookie(db: Db, userId: number, secret: string): Promise<string> {
  const sid = crypto.randomBytes(24).toString('base64url');
  const store = new KnexSessionStore(db, systemClock);
  await store.save(sid, JSON.stringify({ passport: { user: userId }, csrfToken: 'bench' }), Date.now() + 24 * 60 * 60 * 1000, userId);
  return `${SESSION_COOKIE}=${encodeURIComponent(signSessionId(sid, secret))}`;
}

function download(url: string, cookie: string, headerBytes: number, mode: 'sampled' | 'live' = 'sampled'): Promise<ExportFigures> {
  return new Promise((resolve, reject) => {
    const watch = memoryWatch(mode);
    const start = process.hrtime.bigint();
    let firstByteMs = -1;
    let firstRowMs = -1;
    let bytes = 0;
    let rows = 0;
    http.get(url, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`CSV answered ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = ms(start);
        bytes += chunk.length;
        if (firstRowMs < 0 && bytes > headerBytes) firstRowMs = ms(start);
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
      });
      res.on('end', () => resolve({ bytes, rows: rows - 1, totalMs: ms(start), firstByteMs, firstRowMs, peakGrowth: watch.stop(), liveGrowth: 0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function child(setup: Setup): Promise<Figures> {
  const config = benchConfig({ tmpDir: setup.tmpDir, curriculumDir: setup.curriculumDir });
  const db = createDb(setup.databaseUrl ? { databaseUrl: setup.databaseUrl, searchPath: setup.searchPath } : { databaseUrl: null, sqliteFile: setup.sqliteFile });
  const logger = pino({ level: 'silent' });
  const services = createServices({ config, db, clock: fixedClock, logger });
  const { app } = createApp({ config, db, clock: fixedClock, logger, services });
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const orgId = setup.org.organizationId;
    const sort = { by: 'name' as const, dir: 'asc' as const };
    const first = await services.reports.page(orgId, {}, sort, { number: 1 });
    const pageMs: number[] = [];
    const summaryMs: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      let t = process.hrtime.bigint();
      await services.reports.page(orgId, {}, sort, { number: 1 });
      pageMs.push(ms(t));
      t = process.hrtime.bigint();
      await services.reports.summary(orgId, {});
      summaryMs.push(ms(t));
    }

    const cookie = await managerCookie(db, setup.org.managerId, config.sessionSecret);
    // The route's words, as the route translates them.
    const t = createI18n().getFixedT('en') as unknown as (key: string, params?: Record<string, unknown>) => string;
    const headerBytes = Buffer.byteLength(csvHeader(t));
    // A warm-up download, then the measured one.
    await download(`${base}/reports/${orgId}/report.csv`, cookie, headerBytes);
    const stream = await download(`${base}/reports/${orgId}/report.csv`, cookie, headerBytes);
    stream.liveGrowth = (await download(`${base}/reports/${orgId}/report.csv`, cookie, headerBytes, 'live')).peakGrowth;

    const oneString = async (mode: 'sampled' | 'live') => {
      const watch = memoryWatch(mode);
      const start = process.hrtime.bigint();
      let text = csvHeader(t);
      for await (const line of csvLines(services.reports.rows(orgId, {}), t)) text += line;
      const bytes = Buffer.from(text);
      const totalMs = ms(start);
      const peakGrowth = watch.stop();
      return { bytes: bytes.length, rows: text.split('\r\n').length - 2, totalMs, firstByteMs: totalMs, firstRowMs: totalMs, peakGrowth, liveGrowth: 0 };
    };
    const string: ExportFigures = await oneString('sampled');
    string.liveGrowth = (await oneString('live')).peakGrowth;
    return { pageMs, summaryMs, people: first.total, cells: first.summary.required, stream, string };
  } finally {
    server.close();
    await db.destroy();
  }
}

// ---- the parent: seeds, runs a child per database, prints ----------------------------------

function runChild(setup: Setup): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, ['child'], { execArgv: ['--expose-gc'], env: { ...process.env, BENCH_REPORT_SETUP: JSON.stringify(setup) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', (m: Figures | { error: string }) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
    proc.once('exit', (code) => (code ? reject(new Error(`report bench child exited with ${code}`)) : undefined));
  });
}

function print(label: string, f: Figures): void {
  const page = median(f.pageMs);
  const s = f.stream;
  const o = f.string;
  log(`\n${label}: ${f.people.toLocaleString('en')} people, ${f.cells.toLocaleString('en')} cells`);
  log(`  first page of the matrix + summary: median ${page.toFixed(0)} ms (best ${Math.min(...f.pageMs).toFixed(0)}; ${REPEATS} runs)   target < 300 ms: ${verdict(page < 300)}`);
  log(`  summary alone:                      median ${median(f.summaryMs).toFixed(0)} ms (best ${Math.min(...f.summaryMs).toFixed(0)})`);
  log(`  CSV streamed over HTTP: ${s.rows.toLocaleString('en')} rows, ${mb(s.bytes)} MB in ${s.totalMs.toFixed(0)} ms = ${Math.round(s.rows / (s.totalMs / 1000)).toLocaleString('en')} rows/s`);
  log(`    first byte ${s.firstByteMs.toFixed(1)} ms (${((s.firstByteMs / s.totalMs) * 100).toFixed(1)}% of the total), first data row ${s.firstRowMs.toFixed(0)} ms (${((s.firstRowMs / s.totalMs) * 100).toFixed(1)}%)   target first byte <= 10%: ${verdict(s.firstByteMs <= s.totalMs * 0.1)}`);
  log(`    peak memory growth: held ${mb(s.liveGrowth)} MB; sampled, garbage included, ${mb(s.peakGrowth)} MB`);
  log(`  the same CSV built as one string: ${mb(o.bytes)} MB in ${o.totalMs.toFixed(0)} ms = ${Math.round(o.rows / (o.totalMs / 1000)).toLocaleString('en')} rows/s; first byte only when built`);
  log(`    peak memory growth: held ${mb(o.liveGrowth)} MB; sampled, garbage included, ${mb(o.peakGrowth)} MB`);
  log(`  memory growth streamed / one string: held ${(s.liveGrowth / o.liveGrowth).toFixed(2)}   target <= 0.3: ${verdict(s.liveGrowth <= 0.3 * o.liveGrowth)};  sampled ${(s.peakGrowth / o.peakGrowth).toFixed(2)}`);
}

async function seedOn(db: Db, curriculumDir: string): Promise<OrgSeed> {
  const curriculum = createCurriculumService({ db, clock: fixedClock, logger: pino({ level: 'silent' }) });
  await curriculum.syncFromDisk(curriculumDir);
  return seedOrganization(db, curriculum, { staff: STAFF, now: NOW, log });
}

export async function benchReports(): Promise<void> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-report-bench-'));
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const schema = `bw_bench_${crypto.randomBytes(4).toString('hex')}`;
  try {
    log(`\nOrganization reports: ${STAFF.toLocaleString('en')} staff, every bench course assigned, read at ${NOW.toISOString().slice(0, 10)}`);
    log(`(load average at the start: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores: times scale with it)`);
    log('Seeding SQLite (the bench curriculum and learners, then the organization):');
    const s = await seed(tmpDir, log);
    const sqlite = createDb({ databaseUrl: null, sqliteFile: s.dbFile });
    const org = await seedOn(sqlite, s.curriculumDir).finally(() => sqlite.destroy());
    print('SQLite', await runChild({ label: 'SQLite', sqliteFile: s.dbFile, curriculumDir: s.curriculumDir, tmpDir, org }));

    if (!pgUrl) {
      log('\nPostgreSQL: skipped (set BENCH_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres, to measure it).');
      return;
    }
    log(`\nSeeding PostgreSQL (schema ${schema}):`);
    const admin = createDb({ databaseUrl: pgUrl });
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
    const pg = createDb({ databaseUrl: pgUrl, searchPath: schema });
    try {
      await migrateLatest(pg);
      const pgOrg = await seedOn(pg, s.curriculumDir);
      print('PostgreSQL', await runChild({ label: 'PostgreSQL', databaseUrl: pgUrl, searchPath: schema, curriculumDir: s.curriculumDir, tmpDir, org: pgOrg }));
    } finally {
      await pg.raw('drop schema ?? cascade', [schema]);
      await pg.destroy();
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === 'child') {
    child(JSON.parse(process.env.BENCH_REPORT_SETUP!) as Setup)
      .then((f) => process.send!(f), (err: Error) => process.send!({ error: err.stack ?? err.message }))
      .finally(() => process.disconnect());
  } else {
    benchReports().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  }
}

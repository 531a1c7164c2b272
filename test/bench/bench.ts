// `npm run bench`: one run that prints ratios, never asserts on time.
//
// 1. Seeds a fresh SQLite database in a temp dir (bench curriculum published through the real
//    curriculum service, ~2,000 learners, ~10,000 enrolments, ~100,000 progress rows).
// 2. Serves the same module page three ways, each server in its own child process:
//      a  bare node:http sending the captured page verbatim
//      b  the Express floor: same middleware, route handler, view and view model; no session, no database
//      c  the real app, signed in, real session store, real database
//    and loads them with autocannon from this process, interleaved (a b c a b c a b c) at 10 and
//    at 50 connections, each measurement after a warm-up on the same connections. Besides rps and
//    latency it reports each server's CPU time per request, and for (c) the SQL statements and
//    session-store calls per request. Flat out, (a) is limited by autocannon, which then never
//    waits; held to (c)'s request rate, autocannon waits for each response and (a)'s writes pay to
//    wake it, as (b)'s and (c)'s do. (a) is measured both ways and the CPU ratio c/a printed for both.
// 3. Renders certificate PDFs with the real renderer against a bare pdfkit page.
// 4. Organization reports (reports.ts): the matrix and a 100,000-row CSV export of a 10,000-staff
//    organization, on SQLite and (with BENCH_DATABASE_URL) PostgreSQL; BENCH_REPORTS=0 skips it.
//
// The machine has 2 cores: one runs the server under test, the other autocannon. Nothing is pinned.
// Environment: BENCH_DURATION / BENCH_WARMUP (seconds per measurement / minimum warm-up),
// BENCH_PDFS (documents per renderer), BENCH_CPU_PROF=<dir> (V8 CPU profiles of b and c),
// BENCH_LOG_LEVEL (the servers' log level, `silent` by default; `info` writes each request's log
// line, to /dev/null, as production would to its log).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { seed, type SeedResult } from './seed';
import { benchCertificates } from './certificates';
import { benchChangeReport } from './change-report';
import { benchCertificatePool } from './certificate-pool';
import { benchReports } from './reports';
import { benchProcesses } from './processes';
import { benchConfig, logIn, type AppStats, type ChildMessage, type ParentMessage, type ServerSetup, type ServerStats } from './common';

interface AcResult {
  errors: number;
  timeouts: number;
}
interface AcInstance {
  on(event: 'response', fn: (client: object, status: number, bytes: number, ms: number) => void): void;
  stop(): void;
}
// autocannon ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb: (err: Error | null, r: AcResult) => void) => AcInstance;

const DURATION_S = Number(process.env.BENCH_DURATION ?? 4);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 1);
const MAX_WARMUP_S = 15;
const PREWARM_S = 3;
const CONNECTIONS = [10, 50];
const REPEATS = 3;
const PDF_DOCS = Number(process.env.BENCH_PDFS ?? 300);
/** Set BENCH_CPU_PROF=<dir> to write V8 CPU profiles of the Express children (b and c). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

const started = process.hrtime.bigint();
const elapsed = () => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`;
const log = (line = '') => process.stdout.write(line + '\n');

type ServerKey = 'a' | 'b' | 'c';
const NAMES: Record<ServerKey, string> = {
  a: 'a bare node:http',
  b: 'b express floor',
  c: 'c real app',
};

class Child {
  private constructor(readonly key: ServerKey, readonly proc: ChildProcess, readonly port: number) {}

  static start(key: ServerKey, setup: ServerSetup, execArgv: string[] = []): Promise<Child> {
    const proc = fork(path.join(__dirname, 'server.js'), [], {
      env: { ...process.env, BENCH_SETUP: JSON.stringify(setup) },
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server ${key} exited with ${code} before it was ready`));
      proc.once('exit', onExit);
      proc.on('message', (m: ChildMessage) => {
        if (m.type !== 'ready') return;
        proc.off('exit', onExit);
        resolve(new Child(key, proc, m.port));
      });
    });
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stats(reset: boolean): Promise<ServerStats> {
    return new Promise((resolve) => {
      const on = (m: ChildMessage) => {
        if (m.type !== 'stats') return;
        this.proc.off('message', on);
        resolve(m.stats);
      };
      this.proc.on('message', on);
      this.proc.send({ type: 'stats', reset } satisfies ParentMessage);
    });
  }

  /** The real app counts its statements and session-store calls while on (server.ts). */
  count(on: boolean): void {
    this.proc.send({ type: 'count', on } satisfies ParentMessage);
  }

  stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      this.proc.once('exit', () => { clearTimeout(timer); resolve(); });
      if (this.proc.connected) this.proc.send({ type: 'stop' } satisfies ParentMessage);
      else this.proc.kill('SIGTERM');
    });
  }
}

// ---- signing in and capturing the page ------------------------------------------------------

const CSRF = /name="_csrf" value="([^"]+)"/g;
/** The session-warning dialog's seconds left, which count down between two GETs of one session. */
const SECONDS_LEFT = /data-seconds="(\d+)" data-warn-seconds="(\d+)" data-final="(1?)"/;

/** A page with its CSRF tokens and seconds left masked: what must be the same for every session. */
function normalise(buf: Buffer): string {
  return buf.toString('utf8').replace(CSRF, 'name="_csrf" value="TOKEN"').replace(SECONDS_LEFT, 'data-seconds="N"');
}

function sessionTimeLeftOf(html: string): { seconds: number; warnSeconds: number; final: boolean } {
  const m = SECONDS_LEFT.exec(html);
  if (!m) throw new Error('no session-warning dialog on the signed-in module page');
  return { seconds: Number(m[1]), warnSeconds: Number(m[2]), final: m[3] === '1' };
}

async function getPage(url: string, cookie?: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

function tokensOf(html: string): string[] {
  return [...html.matchAll(CSRF)].map((m) => m[1]!);
}

// ---- load ----------------------------------------------------------------------------------

interface Measurement {
  server: ServerKey;
  connections: number;
  repeat: number;
  rps: number;
  p50: number;
  p99: number;
  bytesPerResponse: number;
  bad: number;
  warmupSeconds: number;
  /** Server process CPU time (user + system) per request served in the window, microseconds. */
  cpuPerRequest: number;
  /** Requests the server counted in the window. */
  served: number;
  app: AppStats | null;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** autocannon's setupClient: spreads the connections over the signed-in learners' sessions. */
function spreadCookies(cookies: string[]) {
  if (!cookies.length) return undefined;
  let next = 0;
  return (client: { setHeaders(h: Record<string, string>): void }) => client.setHeaders({ cookie: cookies[next++ % cookies.length]! });
}

interface MeasuredWindow {
  latencies: Float64Array;
  rps: number;
  bytesPerResponse: number;
  bad: number;
  warmupSeconds: number;
}

/**
 * One autocannon run: a warm-up, then the measured window, on the same keep-alive connections.
 * Node accepts one new connection per event-loop iteration, so a busy server takes a while to
 * accept all of them (50 connections on the real app: seconds); the warm-up lasts at least
 * WARMUP_S and until every connection has had a response, so that ramp is never measured.
 * Latencies are kept at full resolution (autocannon's own histogram rounds to 1 ms).
 */
function load(url: string, connections: number, cookies: string[], onMeasureStart: () => void, rate?: number): Promise<MeasuredWindow> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let bytes = 0;
  let bad = 0;
  const answered = new WeakSet<object>();
  let answeredCount = 0;
  const started = performance.now();
  let measureStart = 0;
  let measureEnd = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url, connections, pipelining: 1, duration: 600, // stopped below
      ...(rate ? { overallRate: rate } : {}),
      setupClient: spreadCookies(cookies),
    }, (err, r) => {
      if (err) return reject(err);
      resolve({
        latencies: latencies.slice(0, n).sort(),
        rps: n / ((measureEnd - measureStart) / 1000),
        bytesPerResponse: n ? bytes / n : 0,
        bad: bad + r.errors + r.timeouts,
        warmupSeconds: (measureStart - started) / 1000,
      });
    });
    const startMeasuring = () => {
      clearTimeout(minWarmup);
      clearTimeout(maxWarmup);
      measureStart = performance.now();
      onMeasureStart();
      setTimeout(() => { measureEnd = performance.now(); instance.stop(); }, DURATION_S * 1000);
    };
    const minWarmup = setTimeout(() => { if (answeredCount === connections) startMeasuring(); }, WARMUP_S * 1000);
    const maxWarmup = setTimeout(() => { if (!measureStart) startMeasuring(); }, MAX_WARMUP_S * 1000);
    instance.on('response', (client, status, size, ms) => {
      if (!answered.has(client)) {
        answered.add(client);
        answeredCount++;
        if (answeredCount === connections && !measureStart && performance.now() - started >= WARMUP_S * 1000) startMeasuring();
      }
      if (!measureStart || measureEnd) return;
      if (status !== 200) { bad++; return; }
      if (n === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[n++] = ms;
      bytes += size;
    });
  });
}

/** Unmeasured load before the first measurement, so no server is measured before the JIT has warmed it up. */
function prewarm(url: string, cookies: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon({
      url, connections: 10, duration: PREWARM_S,
      setupClient: spreadCookies(cookies),
    }, (err) => (err ? reject(err) : resolve()));
  });
}

/** `rate`: requests per second for all connections together (default: as fast as the server answers). */
async function measure(child: Child, url: string, connections: number, repeat: number, cookies: string[], rate?: number): Promise<Measurement> {
  let reset: Promise<unknown> = Promise.resolve();
  const w = await load(url, connections, cookies, () => { reset = child.stats(true); }, rate);
  await reset;
  const stats = await child.stats(true);
  return {
    server: child.key, connections, repeat, rps: w.rps,
    p50: percentile(w.latencies, 50),
    p99: percentile(w.latencies, 99),
    bytesPerResponse: w.bytesPerResponse,
    bad: w.bad,
    warmupSeconds: w.warmupSeconds,
    cpuPerRequest: stats.requests ? stats.cpuMicros / stats.requests : NaN,
    served: stats.requests,
    app: stats.app,
  };
}

// ---- output --------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'BELOW TARGET');

function printLoad(ms: Measurement[]): void {
  for (const connections of CONNECTIONS) {
    log(`\n  ${connections} connections (${REPEATS} interleaved repeats; medians, then each repeat)`);
    log(`    ${'server'.padEnd(18)} ${'rps'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p99/p50'.padStart(8)} ${'CPU us/req'.padStart(11)}   rps per repeat`);
    for (const key of ['a', 'b', 'c'] as ServerKey[]) {
      const xs = ms.filter((m) => m.server === key && m.connections === connections);
      const rps = median(xs.map((m) => m.rps));
      const p50 = median(xs.map((m) => m.p50));
      const p99 = median(xs.map((m) => m.p99));
      const cpu = median(xs.map((m) => m.cpuPerRequest));
      log(`    ${NAMES[key].padEnd(18)} ${f0(rps).padStart(8)} ${f2(p50).padStart(8)} ${f2(p99).padStart(8)} ${f2(p99 / p50).padStart(8)} ${f0(cpu).padStart(11)}   ${xs.map((m) => f0(m.rps)).join(' / ')}`);
    }
  }
}

function ratios(ms: Measurement[], aAtCRate: Measurement): void {
  const med = (key: ServerKey, c: number, pick: (m: Measurement) => number) =>
    median(ms.filter((m) => m.server === key && m.connections === c).map(pick));
  log('\nRatios (medians of the repeats; in brackets each repeat against its neighbour in the same round)');
  for (const c of CONNECTIONS) {
    const per = (x: ServerKey, y: ServerKey) => Array.from({ length: REPEATS }, (_, i) => {
      const mx = ms.find((m) => m.server === x && m.connections === c && m.repeat === i + 1)!;
      const my = ms.find((m) => m.server === y && m.connections === c && m.repeat === i + 1)!;
      return f2(mx.rps / my.rps);
    }).join(' ');
    const cb = med('c', c, (m) => m.rps) / med('b', c, (m) => m.rps);
    const ca = med('c', c, (m) => m.rps) / med('a', c, (m) => m.rps);
    const ba = med('b', c, (m) => m.rps) / med('a', c, (m) => m.rps);
    log(`  ${String(c).padStart(2)} conns  rps c/b = ${f2(cb)}  [${per('c', 'b')}]   target >= 0.60: ${verdict(cb >= 0.6)}`);
    log(`  ${String(c).padStart(2)} conns  rps c/a = ${f2(ca)}  [${per('c', 'a')}]   (b/a = ${f2(ba)})`);
    const cpuRatio = med('b', c, (m) => m.cpuPerRequest) / med('c', c, (m) => m.cpuPerRequest);
    log(`  ${String(c).padStart(2)} conns  server CPU per request b/c = ${f2(cpuRatio)}   (the same ratio by CPU time, which other load on the machine disturbs less)`);
    const cpuCA = med('c', c, (m) => m.cpuPerRequest) / med('a', c, (m) => m.cpuPerRequest);
    log(`  ${String(c).padStart(2)} conns  server CPU per request c/a = ${f2(cpuCA)}   target <= 12: ${verdict(cpuCA <= 12)}`);
  }
  const cpuCAEqual = med('c', 10, (m) => m.cpuPerRequest) / aAtCRate.cpuPerRequest;
  log(`  10 conns  server CPU per request c/a = ${f2(cpuCAEqual)} with a held to c's rate (a: ${f0(aAtCRate.cpuPerRequest)} us at ${f0(aAtCRate.rps)} rps, where each response wakes the waiting client)`);
  for (const key of ['a', 'b', 'c'] as ServerKey[]) {
    const ratio = med(key, 50, (m) => m.p99) / med(key, 50, (m) => m.p50);
    log(`  50 conns  p99/p50 ${NAMES[key].padEnd(18)} = ${f2(ratio)}   target <= 2.50: ${verdict(ratio <= 2.5)}`);
  }
}

function printStats(ms: Measurement[]): void {
  const withApp = ms.filter((m) => m.app);
  const all = withApp.map((m) => m.app!);
  const sum = (pick: (s: AppStats) => number) => all.reduce((n, s) => n + pick(s), 0);
  const served = withApp.reduce((n, m) => n + m.served, 0);
  if (!served) return;
  const statements = sum((s) => s.statements);
  const verbs: Record<string, number> = {};
  for (const s of all) for (const [v, n] of Object.entries(s.byVerb)) verbs[v] = (verbs[v] ?? 0) + n;
  const perReq = (n: number) => (n / served).toFixed(3);
  log(`\nReal app (c), counted in a window of its own after the measured ones: ${served} requests`);
  log(`  SQL statements per request: ${perReq(statements)} (reads ${perReq(sum((s) => s.reads))}, writes ${perReq(sum((s) => s.writes))})   target: 2 reads, 0 writes`);
  log(`  by verb: ${Object.entries(verbs).map(([v, n]) => `${v} ${n}`).join(', ')}`);
  log(`  session store calls per request: get ${perReq(sum((s) => s.storeGet))}, set ${perReq(sum((s) => s.storeSet))}, touch ${perReq(sum((s) => s.storeTouch))} (a touch writes at most once per 10 minutes a session)`);
}

// ---- main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-bench-'));
  const children: Child[] = [];
  try {
    log(`Bridgework bench: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
    log(`Each server runs in its own child process; autocannon runs here. With 2 cores the load generator and the server`);
    log(`each have about one core, so the bare server (a) may be limited by autocannon rather than by itself.`);
    log(`Load: per server, per repeat, at ${CONNECTIONS.join(' and ')} connections: a warm-up of at least ${WARMUP_S} s (and until every`);
    log(`connection has had a response), then ${DURATION_S} s measured on the same keep-alive connections.`);
    log(`Request logs: ${process.env.BENCH_LOG_LEVEL ?? 'silent'} (BENCH_LOG_LEVEL).\n`);

    log('Seeding a fresh SQLite database (real migrations, courses published by the curriculum service):');
    const seedStart = process.hrtime.bigint();
    const s: SeedResult = await seed(tmpDir, log);
    log(`  ${s.counts.courses} courses, ${s.counts.modules} modules; seeded in ${(Number(process.hrtime.bigint() - seedStart) / 1e9).toFixed(1)} s`);
    log(`  measured page: ${s.measured.url} (${s.measured.completedKeys.length} earlier modules complete, this one not)`);

    const common = { tmpDir, dbFile: s.dbFile, curriculumDir: s.curriculumDir };
    const profile = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
    const c = await Child.start('c', { mode: 'app', ...common }, profile);
    children.push(c);
    const cookies: string[] = [];
    for (const learner of s.learners) cookies.push(await logIn(c.base, learner.email));
    log(`\nSigned in ${cookies.length} seeded learners through POST /login on the real app.`);

    // The first GET of each session creates its CSRF token (one session write); later GETs must not write.
    const pages: Buffer[] = [];
    for (const cookie of cookies) {
      const first = await getPage(c.base + s.measured.url, cookie);
      const again = await getPage(c.base + s.measured.url, cookie);
      if (first.status !== 200 || again.status !== 200) throw new Error(`module page: status ${first.status}/${again.status}`);
      if (normalise(first.body) !== normalise(again.body)) throw new Error('the module page changed between two GETs of the same session');
      pages.push(first.body);
    }
    const captured = pages[0]!;
    const html = captured.toString('utf8');
    const token = tokensOf(html)[0];
    if (!token) throw new Error('no CSRF token on the module page');
    const pageFile = path.join(tmpDir, 'module-page.html');
    fs.writeFileSync(pageFile, captured);

    const learner = s.learners[0]!;
    const [a, b] = await Promise.all([
      Child.start('a', { mode: 'bare', ...common, pageFile }),
      Child.start('b', {
        mode: 'floor', ...common, floor: {
          slug: s.measured.slug, moduleKey: s.measured.moduleKey, csrfToken: token, sessionTimeLeft: sessionTimeLeftOf(html),
          user: { id: learner.id, email: learner.email, displayName: learner.displayName, role: 'learner', locale: 'en', membership: null },
        },
      }, profile),
    ]);
    children.push(a, b);

    // The three servers must send the same bytes: a and b exactly the captured page; c each
    // session's page, which differs only in that session's CSRF token.
    const fromA = await getPage(a.base + s.measured.url);
    const fromB = await getPage(b.base + s.measured.url);
    const sameC = pages.every((p) => p.length === captured.length && normalise(p) === normalise(captured));
    log(`Module page: ${captured.length} bytes, ${tokensOf(html).length} forms with a CSRF token.`);
    log(`  a serves the captured page: ${fromA.body.equals(captured) ? 'byte-identical' : 'DIFFERENT'}`);
    log(`  b renders it: ${fromB.status} ${fromB.body.equals(captured) ? 'byte-identical' : 'DIFFERENT'}`);
    log(`  c, ${pages.length} sessions: ${sameC ? 'identical but for each session\'s CSRF token and seconds left (same length)' : 'DIFFERENT'}`);
    if (!fromA.body.equals(captured) || !fromB.body.equals(captured) || !sameC) {
      throw new Error('the servers do not serve the same page; the comparison would be meaningless');
    }

    log(`\nLoad (${elapsed()} so far): first ${PREWARM_S} s of unmeasured load on each server (JIT and heap warm-up), then:`);
    const servers = { a, b, c };
    for (const key of ['a', 'b', 'c'] as ServerKey[]) {
      await prewarm(servers[key].base + s.measured.url, key === 'c' ? cookies : []);
    }
    const results: Measurement[] = [];
    for (const connections of CONNECTIONS) {
      for (let repeat = 1; repeat <= REPEATS; repeat++) {
        for (const key of ['a', 'b', 'c'] as ServerKey[]) {
          const child = servers[key];
          const m = await measure(child, child.base + s.measured.url, connections, repeat, key === 'c' ? cookies : []);
          results.push(m);
          log(`  ${String(connections).padStart(2)} conns  repeat ${repeat}  ${NAMES[key].padEnd(18)} ${f0(m.rps).padStart(6)} rps  p50 ${f2(m.p50).padStart(6)} ms  p99 ${f2(m.p99).padStart(6)} ms  ${f0(m.cpuPerRequest).padStart(5)} us CPU/req  ${f0(m.bytesPerResponse)} B/resp  (warm-up ${m.warmupSeconds.toFixed(1)} s)${m.bad ? `  ${m.bad} NON-2XX/ERRORS` : ''}`);
        }
      }
    }
    // Flat out, the bare server is limited by autocannon, which never waits; at the real app's rate,
    // each response wakes autocannon, a cost (b) and (c) pay too. Measured once, for the ratio at equal load.
    const cRate = median(results.filter((m) => m.server === 'c' && m.connections === 10).map((m) => m.rps));
    const aAtCRate = await measure(a, a.base + s.measured.url, 10, 0, [], Math.round(cRate));
    // What the real app does per request, counted in a window of its own (counting costs CPU too).
    c.count(true);
    const counted = await measure(c, c.base + s.measured.url, 10, 0, cookies);
    c.count(false);
    log(`  10 conns  held to c's ${f0(cRate)} rps  ${NAMES.a.padEnd(18)} ${f0(aAtCRate.rps).padStart(6)} rps  p50 ${f2(aAtCRate.p50).padStart(6)} ms  p99 ${f2(aAtCRate.p99).padStart(6)} ms  ${f0(aAtCRate.cpuPerRequest).padStart(5)} us CPU/req`);
    await Promise.all(children.map((ch) => ch.stop()));

    log('\nModule page, requests per second and latency:');
    printLoad(results);
    ratios(results, aAtCRate);
    printStats([counted]);

    log(`\nCertificates (${elapsed()} so far): ${PDF_DOCS} documents each after a warm-up, in interleaved batches of 25`);
    const cert = benchCertificates(benchConfig(common), PDF_DOCS, 30);
    const realPerDoc = cert.realMs / cert.docs;
    const barePerDoc = cert.bareMs / cert.docs;
    const sizeKb = median(cert.realSizes) / 1024;
    log(`  fonts parsed once at start: ${f0(cert.fontLoadMs)} ms`);
    log(`  real renderer (BC Sans subset, tagged, vector QR): ${f0(1000 / realPerDoc).padStart(5)} docs/s  ${realPerDoc.toFixed(2)} ms/doc  median ${sizeKb.toFixed(1)} KB`);
    log(`  bare pdfkit page (Helvetica, same text):          ${f0(1000 / barePerDoc).padStart(5)} docs/s  ${barePerDoc.toFixed(2)} ms/doc  median ${(median(cert.bareSizes) / 1024).toFixed(1)} KB`);
    log(`  time ratio real/bare = ${f2(realPerDoc / barePerDoc)}   target <= 5: ${verdict(realPerDoc / barePerDoc <= 5)}`);
    log(`  median PDF size = ${sizeKb.toFixed(1)} KB   target < 40 KB: ${verdict(sizeKb < 40)}`);
    await benchCertificatePool({ common, measuredUrl: s.measured.url, learnerCookies: cookies, log });
    // Organization reports (test/bench/reports.ts): BENCH_REPORTS=0 skips them.
    if (process.env.BENCH_REPORTS !== '0') await benchReports();
    // One and two server processes on PostgreSQL (test/bench/processes.ts), with BENCH_DATABASE_URL.
    await benchProcesses();
    await benchChangeReport(tmpDir, log);
    log(`\nDone in ${elapsed()}.`);
  } finally {
    await Promise.all(children.map((ch) => ch.stop()));
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);

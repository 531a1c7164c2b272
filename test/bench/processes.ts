// The module page's throughput with one and with two compiled server processes on one PostgreSQL
// database (the README's "Several processes on one database"). Run by `npm run bench` when
// BENCH_DATABASE_URL is set: a database of its own is created on that server and dropped after.
// Learners register and enrol through HTTP on the fixture curriculum; autocannon loads the page
// with 20 connections, all on the one process or split 10 and 10 over the two. On 2 cores the
// load generator shares the machine with the servers, so read the ratio, not the absolute figures.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';

// autocannon ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb: (err: Error | null, r: { requests: { total: number }; non2xx: number; errors: number }) => void) => unknown;

/** From dist/test/bench (where `npm run bench` runs this) to the repository. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'src', 'server.js');
const CURRICULUM = path.join(ROOT, 'test', 'fixtures', 'curriculum');
const PAGE = '/courses/first-aid-basics/modules/welcome';
const LEARNERS = 8;
const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 4);

const log = (line = '') => process.stdout.write(line + '\n');

interface Server { child: ChildProcess; base: string }

function startServer(dataDir: string, databaseUrl: string, secret: string): Promise<Server> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: databaseUrl, SESSION_SECRET: secret, LOG_LEVEL: 'silent', CURRICULUM_DIR: CURRICULUM, SMTP_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); });
    child.stdout!.on('data', () => {
      const m = /listening on port (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
  });
}

function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
    server.child.once('exit', () => { clearTimeout(timer); resolve(); });
    server.child.kill('SIGTERM');
  });
}

/** Registers a learner and enrols them in the course; returns their session cookie. */
async function learnerCookie(base: string, n: number): Promise<string> {
  const jar = new Map<string, string>();
  const go = async (url: string, form?: Record<string, string>) => {
    const res = await fetch(base + url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return { status: res.status, text: await res.text() };
  };
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const joined = await go('/register', { _csrf: token((await go('/register')).text), displayName: `Bench Learner ${n}`, email: `bench${n}@example.org`, password: 'a long bench password' });
  const enrolled = await go('/courses/first-aid-basics/enrol', { _csrf: token((await go('/courses/first-aid-basics')).text) });
  const page = await go(PAGE);
  if (joined.status !== 303 || enrolled.status !== 303 || page.status !== 200) throw new Error(`learner ${n}: register ${joined.status}, enrol ${enrolled.status}, page ${page.status}`);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Loads the page on each base at once (the connections split evenly); total requests per second. */
async function rps(bases: string[], cookies: string[]): Promise<{ rps: number; bad: number }> {
  const runs = bases.map((base) => new Promise<{ total: number; bad: number }>((resolve, reject) => {
    let next = 0;
    autocannon({
      url: base + PAGE, connections: CONNECTIONS / bases.length, duration: DURATION_S,
      setupClient: (client: { setHeaders(h: Record<string, string>): void }) => client.setHeaders({ cookie: cookies[next++ % cookies.length]! }),
    }, (err, r) => (err ? reject(err) : resolve({ total: r.requests.total, bad: r.non2xx + r.errors })));
  }));
  const results = await Promise.all(runs);
  return { rps: results.reduce((s, r) => s + r.total, 0) / DURATION_S, bad: results.reduce((s, r) => s + r.bad, 0) };
}

export async function benchProcesses(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    log('\nSeveral processes: skipped (set BENCH_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres, to measure it).');
    return;
  }
  const name = `bw_bench_processes_${crypto.randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const secret = crypto.randomBytes(32).toString('base64url');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-bench-processes-'));
  const admin = createDb({ databaseUrl: adminUrl });
  const servers: Server[] = [];
  try {
    await admin.raw('create database ??', [name]);
    log(`\nSeveral processes on one PostgreSQL database (${PAGE}, ${CONNECTIONS} connections, ${DURATION_S} s, ${os.cpus().length} cores shared with autocannon):`);
    // One after the other: the first runs the migrations and publishes the curriculum.
    servers.push(await startServer(path.join(tmp, 'one'), url.toString(), secret));
    servers.push(await startServer(path.join(tmp, 'two'), url.toString(), secret));
    const cookies: string[] = [];
    for (let n = 1; n <= LEARNERS; n++) cookies.push(await learnerCookie(servers[n % 2]!.base, n));
    await rps([servers[0]!.base], cookies); // warm-up of both, unmeasured
    await rps([servers[1]!.base], cookies);
    const one = await rps([servers[0]!.base], cookies);
    const two = await rps(servers.map((s) => s.base), cookies);
    log(`  one process:   ${one.rps.toFixed(0).padStart(6)} rps${one.bad ? `  ${one.bad} NON-2XX/ERRORS` : ''}`);
    log(`  two processes: ${two.rps.toFixed(0).padStart(6)} rps${two.bad ? `  ${two.bad} NON-2XX/ERRORS` : ''}   (x${(two.rps / one.rps).toFixed(2)})`);
  } finally {
    await Promise.all(servers.map(stop));
    await admin.raw('drop database if exists ?? with (force)', [name]).catch(() => undefined);
    await admin.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// A SIGKILL loses nothing acknowledged: learners save reflections and complete modules over HTTP
// against the compiled server; the process is killed mid-stream, started again on the same data
// directory, and every write that was answered is in the database, which passes its integrity check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createAccountService } from '../../src/accounts/service';
import { systemClock } from '../../src/clock';
import { TEST_PASSWORD_COST } from '../support/password-cost';
import { FIXTURE_CURRICULUM } from '../support/paths';
import { requireBuilt } from '../support/built';
import { SERVER, startServerProcess, type ServerProcess } from '../support/server-process';

requireBuilt(SERVER);

const LEARNERS = 6;
const PASSWORD = 'a long enough password';
const COURSE = 'blocks-demo';

function start(dataDir: string): Promise<ServerProcess> {
  return startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', CURRICULUM_DIR: FIXTURE_CURRICULUM, SMTP_URL: '' });
}

/** A browser in miniature: one cookie jar, forms posted with the page's CSRF token. */
class Learner {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(private base: string, readonly email: string) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<{ status: number; location: string; body: string }> {
    const res = await fetch(this.base + url, {
      method,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams({ ...form, _csrf: this.csrf }).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const body = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body);
    if (token) this.csrf = token[1];
    return { status: res.status, location: res.headers.get('location') ?? '', body };
  }

  async signInAndEnrol(): Promise<{ moduleUrl: string; reflectionUrl: string }> {
    await this.request('GET', '/login');
    const login = await this.request('POST', '/login', { email: this.email, password: PASSWORD });
    if (login.status !== 303 && login.status !== 302) throw new Error(`sign-in answered ${login.status}`);
    await this.request('GET', `/courses/${COURSE}`);
    const enrol = await this.request('POST', `/courses/${COURSE}/enrol`, {});
    if (enrol.status !== 303) throw new Error(`enrol answered ${enrol.status}`);
    const moduleUrl = new URL(enrol.location, this.base).pathname;
    // ?continue=1: past the module's content note, as the note's own link goes.
    const page = await this.request('GET', `${moduleUrl}?continue=1`);
    const action = /<form class="block reflection" method="post" action="([^"]+)"/.exec(page.body);
    if (!action) throw new Error(`no reflection form on ${moduleUrl}: ${page.status} ${page.body.replace(/\s+/g, " ").slice(0, 3000)}`);
    return { moduleUrl, reflectionUrl: action[1] };
  }
}

test('SIGKILL in the middle of a stream of writes loses nothing that was acknowledged', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-crash-'));
  const dbFile = path.join(dataDir, 'bridgework.sqlite');
  const setup = createDb({ databaseUrl: null, sqliteFile: dbFile });
  await migrateLatest(setup);
  const accounts = createAccountService({ db: setup, clock: systemClock, passwordCost: TEST_PASSWORD_COST });
  const emails = Array.from({ length: LEARNERS }, (_, i) => `crash-${i}@example.org`);
  for (const email of emails) await accounts.createUser({ email, displayName: email, password: PASSWORD, role: 'learner' });
  await setup.destroy();

  const first = await start(dataDir);
  const killed = new Promise((r) => first.child.once('exit', r));
  // What the server answered: the last reflection text saved per learner, and modules completed.
  const lastSaved = new Map<string, number>();
  const completed = new Map<string, string>();
  let acknowledged = 0;
  try {
    const learners = emails.map((e) => new Learner(first.base, e));
    const places = await Promise.all(learners.map((l) => l.signInAndEnrol()));
    let alive = true;
    const streams = learners.map(async (learner, n) => {
      const { moduleUrl, reflectionUrl } = places[n];
      for (let i = 1; alive; i++) {
        try {
          if (i === 10) {
            const r = await learner.request('POST', `${moduleUrl}/complete`, {});
            if (r.status === 303) { completed.set(learner.email, moduleUrl.split('/').pop()!); acknowledged++; }
          } else {
            const r = await learner.request('POST', reflectionUrl, { text: `save ${i}` });
            if (r.status === 303) { lastSaved.set(learner.email, i); acknowledged++; }
          }
        } catch {
          alive = false; // the connection died with the server
        }
      }
    });
    while (acknowledged < 120) await new Promise((r) => setTimeout(r, 2));
    first.child.kill('SIGKILL');
    await killed;
    alive = false;
    await Promise.all(streams);
  } finally {
    first.child.kill('SIGKILL');
  }
  expect(completed.size).toBe(LEARNERS);

  // Started again on the same files (SQLite replays its write-ahead log), then stopped cleanly.
  const second = await start(dataDir);
  expect((await fetch(`${second.base}/healthz`)).status).toBe(200);
  const stopped = new Promise((r) => second.child.once('exit', r));
  second.child.kill('SIGTERM');
  await stopped;

  const db = createDb({ databaseUrl: null, sqliteFile: dbFile });
  try {
    expect(await db.raw('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    for (const email of emails) {
      const user = await db('users').where({ email }).first('id');
      const reflection = await db('reflections').where({ user_id: user.id }).first('text');
      // The text saved last, or one sent later whose answer the kill cut off.
      expect(Number(/save (\d+)/.exec(reflection?.text ?? '')?.[1] ?? 0)).toBeGreaterThanOrEqual(lastSaved.get(email) ?? 1);
      const progress = await db('module_progress').join('enrolments', 'enrolments.id', 'module_progress.enrolment_id')
        .where('enrolments.user_id', user.id).pluck('module_progress.module_key');
      expect(progress).toContain(completed.get(email));
    }
  } finally {
    await db.destroy();
  }
}, 30_000);

// Two compiled server processes on one PostgreSQL database behave as one: a learner signed in on
// one continues on the other with the same cookie, a CSRF token from one is good on the other,
// failed sign-ins are counted across both, and an email queued once is sent once although both
// run the mail worker. Uses the shared PostgreSQL on 127.0.0.1:5432 (a database of its own,
// dropped afterwards) and the compiled server (`npm run build`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/db/knex';
import { enqueueEmail } from '../../src/mail/outbox';
import { MAIL_LEASE } from '../../src/mail/worker';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server';
import { FIXTURE_CURRICULUM } from '../support/paths';
import { requireBuilt } from '../support/built';
import { SERVER, startServerProcess, type ServerProcess } from '../support/server-process';

requireBuilt(SERVER);

const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `bw_two_processes_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB_NAME}`;
const SESSION_SECRET = crypto.randomBytes(32).toString('base64url');
const COURSE = '/courses/first-aid-basics';

type Server = ServerProcess;

function startServer(dataDir: string, smtpUrl: string): Promise<Server> {
  return startServerProcess({
    DATA_DIR: dataDir, DATABASE_URL, SESSION_SECRET, LOG_LEVEL: 'warn',
    CURRICULUM_DIR: FIXTURE_CURRICULUM, SMTP_URL: smtpUrl, MAIL_FROM: 'Training <training@bridgework.test>',
  });
}

/** One browser: a cookie jar that can send its requests to either process. */
function browser() {
  const jar = new Map<string, string>();
  return async (server: Server, url: string, form?: Record<string, string>) => {
    const res = await fetch(server.base + url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
}

const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

describe('two processes on one PostgreSQL database', () => {
  let admin: Db;
  let db: Db;
  let smtp: TestSmtpServer;
  let a: Server;
  let b: Server;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    admin = createDb({ databaseUrl: PG_ADMIN_URL, sqliteFile: '' });
    await admin.raw(`create database "${DB_NAME}"`);
    smtp = await startTestSmtpServer();
    for (let i = 0; i < 2; i++) dataDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-two-processes-')));
    // One after the other, as a rolling deployment would: the first runs the migrations.
    a = await startServer(dataDirs[0], smtp.url);
    b = await startServer(dataDirs[1], smtp.url);
    db = createDb({ databaseUrl: DATABASE_URL, sqliteFile: '' });
  }, 45_000);

  afterAll(async () => {
    const exits = [a, b].filter(Boolean).map((s) => new Promise((r) => { s.child.once('exit', r); s.child.kill('SIGTERM'); }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exits), new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
    for (const s of [a, b]) s?.child.kill('SIGKILL');
    await db?.destroy();
    await smtp?.stop();
    await admin.raw(`drop database if exists "${DB_NAME}" with (force)`);
    await admin.destroy();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  test('a learner signed in on A continues on B with the same cookie; a CSRF token from A works on B', async () => {
    const learner = browser();
    const form = await learner(a, '/register');
    const asked = await learner(a, '/register', { _csrf: csrf(form.text), displayName: 'Pat Between', email: 'pat@example.org', password: 'a long enough password' });
    expect(asked.status).toBe(200);
    // With SMTP the address is proven first: the link queued by A (read from the outbox rather than
    // waiting up to 10 s for a worker to send it), followed on B.
    let row: { text_body: string } | undefined;
    for (let waited = 0; !(row = await db('outbox').where({ recipient: 'pat@example.org', kind: 'registration_link' }).first()); waited += 100) {
      if (waited > 5000) throw new Error('no registration link was queued');
      await new Promise((r) => setTimeout(r, 100));
    }
    const link = new URL(/https?:\/\/\S+\/register\/verify\/[A-Za-z0-9_-]+/.exec(row.text_body)![0]).pathname;
    const verify = await learner(b, link);
    const joined = await learner(b, link, { _csrf: csrf(verify.text), password: 'a long enough password' });
    expect(joined.status).toBe(303);

    // Sign in again through A, explicitly, then go on through B.
    await learner(a, '/logout', { _csrf: csrf((await learner(a, '/dashboard')).text) });
    const login = await learner(a, '/login');
    const signedIn = await learner(a, '/login', { _csrf: csrf(login.text), email: 'pat@example.org', password: 'a long enough password' });
    expect(signedIn.status).toBe(303);

    const dashboardOnB = await learner(b, '/dashboard');
    expect(dashboardOnB.status).toBe(200);
    expect(dashboardOnB.text).toContain('Pat Between');

    // The token of a page rendered by A, posted to B: enrol.
    const courseOnA = await learner(a, COURSE);
    const enrolled = await learner(b, `${COURSE}/enrol`, { _csrf: csrf(courseOnA.text) });
    expect(enrolled).toMatchObject({ status: 303, location: `${COURSE}/modules/welcome` });

    // Complete the first module on A; B shows the progress.
    const moduleOnA = await learner(a, `${COURSE}/modules/welcome`);
    expect(moduleOnA.status).toBe(200);
    const done = await learner(a, `${COURSE}/modules/welcome/complete`, { _csrf: csrf(moduleOnA.text) });
    expect(done).toMatchObject({ status: 303, location: `${COURSE}/modules/middle` });
    const progressOnB = await learner(b, '/dashboard');
    expect(progressOnB.text).toMatch(/<progress[^>]*max="3" value="1"/);
    expect(progressOnB.text).toContain(`href="${COURSE}/modules/middle"`);

    // A stranger's token from A is refused on B: the check is real, not skipped.
    const stranger = browser();
    const strangerPage = await stranger(a, '/login');
    const forged = await learner(b, `${COURSE}/modules/middle/complete`, { _csrf: csrf(strangerPage.text) });
    expect(forged.status).toBe(403);
  }, 20_000);

  test('failed sign-ins are counted across both processes: 6 on A and 5 on B, the 11th is refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const server = i < 6 ? a : b;
      const guesser = browser();
      const page = await guesser(server, '/login');
      statuses.push((await guesser(server, '/login', { _csrf: csrf(page.text), email: `nobody${i}@example.org`, password: 'wrong guess' })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
  }, 20_000);

  test('an email queued once is sent once although both processes run the mail worker', async () => {
    const queuedAt = Date.now();
    await enqueueEmail(db, { kind: 'test_message', to: 'officer@example.org', subject: 'Only once', text: 'Sent by one of two processes.', dedupeKey: 'two-processes' }, new Date());
    const output = () => `A:\n${a.output()}\nB:\n${b.output()}`;
    for (let waited = 0; !smtp.received.some((m) => m.headers.subject === 'Only once'); waited += 100) {
      if (waited > 20_000) throw new Error(`the queued message was not sent:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Both workers poll every 10 s: wait until each has looked at the outbox since the message was
    // queued (and a little more), so a second sending would have happened by now.
    await new Promise((r) => setTimeout(r, Math.max(2000, queuedAt + 11_000 - Date.now())));
    expect(smtp.received.filter((m) => m.headers.subject === 'Only once')).toHaveLength(1);
    const [row] = await db('outbox').where({ dedupe_key: 'two-processes' });
    expect(row.sent_at).not.toBeNull();
    // One sending lease, held by one of the two.
    const leases = await db('leases').where('expires_at', '>', new Date());
    expect(leases.filter((l) => l.name === MAIL_LEASE)).toHaveLength(1);
  }, 30_000);
});

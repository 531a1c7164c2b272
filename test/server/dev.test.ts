// `npm run dev`: the real dev process on a copy of the fixture curriculum. A save that breaks a
// module prints `path:line: message` and shows a banner to the administrator (not to a learner)
// while the server keeps answering; a save that fixes it (written by rename, as many editors do)
// republishes a new version; SIGTERM exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { requireBuilt } from '../support/built';
import { codeAt } from '../../src/accounts/totp';

const ROOT = path.join(__dirname, '..', '..');
const DEV = path.join(ROOT, 'dist', 'src', 'dev.js');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'curriculum');
// The compiled entry is what `npm run dev` runs; `npm run build` makes it.
requireBuilt(DEV);

/** Waits until `check` returns something truthy, polling every 50 ms, for at most `ms`. */
async function waitFor<T>(what: string, check: () => T | null | false | Promise<T | null | false>, ms = 10000, detail = () => ''): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A tiny cookie-keeping client: one per user. */
function client(base: string) {
  const jar = new Map<string, string>();
  return async (url: string, init: { method?: string; form?: Record<string, string> } = {}) => {
    const res = await fetch(base + url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
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

test('npm run dev republishes on save, reports problems in the terminal and the browser, and stops on SIGTERM', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-dev-'));
  const curriculumDir = path.join(tmp, 'curriculum');
  const dataDir = path.join(tmp, 'data');
  fs.cpSync(FIXTURE, curriculumDir, { recursive: true });
  const moduleFile = path.join(curriculumDir, 'first-aid-basics', '01-welcome.md');
  const original = fs.readFileSync(moduleFile, 'utf8');

  let out = '';
  const child: ChildProcess = spawn(process.execPath, [DEV], {
    cwd: tmp,
    env: { ...process.env, CURRICULUM_DIR: curriculumDir, DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const output = () => out;
  // The dev process's own SQLite file, read beside it (WAL lets both use it).
  const versions = async () => {
    const db = createDb({ databaseUrl: null, sqliteFile: path.join(dataDir, 'bridgework.sqlite') });
    try {
      const rows = await db('course_versions').join('courses', 'courses.id', 'course_versions.course_id').where('courses.slug', 'first-aid-basics').select('course_versions.id');
      return rows.length;
    } finally {
      await db.destroy();
    }
  };

  try {
    await waitFor('the watcher', () => /Development mode: watching curriculum/.test(out), 20000, output);
    const port = Number(/listening on port (\d+)/.exec(out)![1]);
    const base = `http://127.0.0.1:${port}`;
    expect(await versions()).toBe(1);

    // The first administrator, through the setup link the server printed; and a learner.
    const admin = client(base);
    const setup = new URL(/(http:\/\/\S+\/setup\/\S+)/.exec(out)![1]).pathname;
    const form = await admin(setup);
    const made = await admin(setup, { method: 'POST', form: { _csrf: csrf(form.text), displayName: 'Ada Admin', email: 'admin@example.org', password: 'a long enough password' } });
    expect(made).toMatchObject({ status: 303, location: '/admin' });
    // Administrators must have a second factor before anything else: enrol with the key the page shows.
    const enrol = await admin('/account/second-factor/enrol');
    const key = /id="secret-key"[^>]*>([A-Z2-7 ]+)</.exec(enrol.text)![1].replace(/ /g, '');
    const secondFactorOn = await admin('/account/second-factor/enrol', { method: 'POST', form: { _csrf: csrf(enrol.text), code: codeAt(key, new Date()) } });
    expect(secondFactorOn.status).toBe(200);
    const learner = client(base);
    const reg = await learner('/register');
    const joined = await learner('/register', { method: 'POST', form: { _csrf: csrf(reg.text), displayName: 'Lee Learner', email: 'lee@example.org', password: 'another long password' } });
    expect(joined.status).toBe(303);
    expect((await admin('/courses')).text).not.toContain('dev-banner');

    // A save that breaks the module: the terminal names the file and line; the server keeps answering.
    const mark = out.length;
    fs.writeFileSync(moduleFile, original.replace('minutes: 5', 'minutes: five'));
    const line = await waitFor('the problem in the terminal', () => /(\S*first-aid-basics\/01-welcome\.md):(\d+): (.+)/.exec(out.slice(mark)), 10000, output);
    expect(line[1]).not.toMatch(/^\//); // relative to the working directory
    expect(line[1]).toBe('curriculum/first-aid-basics/01-welcome.md');
    expect(Number(line[2])).toBe(3);
    expect(line[3]).toMatch(/minutes/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(child.exitCode).toBeNull();

    // The administrator sees the problem in a banner on every page, linking to /admin; a learner does not.
    const adminPage = (await admin('/courses')).text;
    expect(adminPage).toContain('class="dev-banner"');
    expect(adminPage).toContain('first-aid-basics/01-welcome.md:3');
    expect(adminPage).toContain('href="/admin"');
    expect((await admin('/admin')).text).toContain('first-aid-basics/01-welcome.md');
    const learnerPage = await learner('/courses');
    expect(learnerPage.status).toBe(200);
    expect(learnerPage.text).not.toContain('dev-banner');
    expect(await versions()).toBe(1);

    // The fix, saved the way vim and many IDEs save: a new file renamed over the old one.
    const mark2 = out.length;
    fs.writeFileSync(`${moduleFile}.tmp`, original.replace('Welcome to the test course.', 'Welcome to the revised test course.'));
    fs.renameSync(`${moduleFile}.tmp`, moduleFile);
    await waitFor('the republished course', () => /republished first-aid-basics/.test(out.slice(mark2)) && /curriculum OK/.test(out.slice(mark2)), 10000, output);
    expect(await versions()).toBe(2);
    const overview = await learner('/courses/first-aid-basics');
    const enrolled = await learner('/courses/first-aid-basics/enrol', { method: 'POST', form: { _csrf: csrf(overview.text) } });
    expect(enrolled).toMatchObject({ status: 303, location: '/courses/first-aid-basics/modules/welcome' });
    expect((await learner('/courses/first-aid-basics/modules/welcome')).text).toContain('revised test course');
    expect((await admin('/courses')).text).not.toContain('dev-banner');

    // A second save of the same file (its inode replaced by the rename) is still seen.
    const mark3 = out.length;
    fs.writeFileSync(moduleFile, original.replace('Welcome to the test course.', 'Welcome, once more.'));
    await waitFor('the second republish', () => /republished first-aid-basics/.test(out.slice(mark3)), 10000, output);
    expect(await versions()).toBe(3);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

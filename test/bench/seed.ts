// Builds the bench's curriculum folder and seeds a fresh SQLite database: ~2,000 learners,
// ~10,000 enrolments, ~100,000 module progress rows, with completions and certificates for the
// finished courses. Courses are published through the real curriculum service, the schema comes
// from the real migrations, and rows go in batches inside one transaction per table.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { Knex } from 'knex';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createCurriculumService } from '../../src/curriculum/service';
import { hashPassword } from '../../src/accounts/passwords';
import { generateCode } from '../../src/certificates/codes';
import { systemClock } from '../../src/clock';
import { BENCH_PASSWORD } from './common';
import { random } from './random';

export const COURSES = 10;
export const LEARNERS = 2000;
export const COURSES_PER_LEARNER = 5;
/** Learners 1..LOGIN_LEARNERS sign in for the measured page; they share one place in that course. */
export const LOGIN_LEARNERS = 8;
/** The measured page: module MEASURED_INDEX (0-based) of the first course. */
const MEASURED_INDEX = 4;
const BATCH = 500;

export interface SeedResult {
  dbFile: string;
  curriculumDir: string;
  measured: { slug: string; moduleKey: string; url: string; versionId: number; completedKeys: string[] };
  learners: { id: number; email: string; displayName: string }[];
  counts: Record<string, number>;
}

const WORDS = ('safety consent dignity trust listening referral harm reduction rights privacy outreach support housing '
  + 'health community violence stigma language respect evidence practice policy partnership peer worker client '
  + 'service barrier access care report trauma choice agency boundaries').split(' ');

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
  const s = out.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

function paragraph(rnd: () => number): string {
  const n = 3 + Math.floor(rnd() * 4);
  return Array.from({ length: n }, () => sentence(rnd, 8 + Math.floor(rnd() * 10))).join(' ');
}

function moduleBody(rnd: () => number, title: string): string {
  const parts: string[] = [];
  for (let s = 1; s <= 3; s++) {
    parts.push(`## ${title}: part ${s}`, '', paragraph(rnd), '', paragraph(rnd), '');
    parts.push(...Array.from({ length: 4 }, () => `- **${WORDS[Math.floor(rnd() * WORDS.length)]}:** ${sentence(rnd, 10)}`), '');
  }
  parts.push('> ' + sentence(rnd, 14), '');
  return parts.join('\n');
}

/**
 * The measured page: a long module (about 9 KB of Markdown, the size of the real curriculum's
 * modules) with headings, paragraphs, lists, a table, links and a quotation. It is generated, not
 * copied from curriculum/, so the bench measures the same page while the courses are edited; it
 * has no content warning and no knowledge checks or reflections (those add forms and a query).
 */
function measuredModule(): string {
  const rnd = random(2024);
  const parts = [
    '---', 'title: "Words matter: the language we use at work"', 'minutes: 20', 'objectives:',
    `  - ${sentence(rnd, 10)}`, `  - ${sentence(rnd, 12)}`, `  - ${sentence(rnd, 9)}`, '---',
    paragraph(rnd), '',
  ];
  for (let s = 1; s <= 5; s++) {
    parts.push(`## ${WORDS[s * 3]![0]!.toUpperCase()}${WORDS[s * 3]!.slice(1)} and ${WORDS[s * 3 + 1]}`, '');
    parts.push(paragraph(rnd), '', paragraph(rnd), '');
    parts.push(...Array.from({ length: 5 }, () => `- **${WORDS[Math.floor(rnd() * WORDS.length)]}:** ${sentence(rnd, 12)}`), '');
    if (s === 2) {
      parts.push('| Instead of | Say | Why |', '|---|---|---|');
      for (let r = 0; r < 5; r++) parts.push(`| ${sentence(rnd, 3)} | ${sentence(rnd, 4)} | ${sentence(rnd, 9)} |`);
      parts.push('');
    }
    if (s === 3) parts.push(...Array.from({ length: 4 }, (_, i) => `${i + 1}. ${sentence(rnd, 11)}`), '');
    if (s === 4) parts.push(`> ${sentence(rnd, 22)}`, '>', `> ${sentence(rnd, 6)}`, '');
    parts.push(`${sentence(rnd, 8)} See [the provincial guidance](https://www2.gov.bc.ca/) and [a community resource](https://example.org/resources/${s}).`, '');
  }
  return parts.join('\n');
}

function modulesIn(course: number): number {
  return 10 + (course % 5); // 10..14 modules, 12 on average
}

/** Writes ~10 courses of ~10 modules; module 5 of the first course is the measured page. */
function writeCurriculum(dir: string): void {
  const rnd = random(42);
  for (let c = 0; c < COURSES; c++) {
    const courseDir = path.join(dir, `bench-course-${String(c + 1).padStart(2, '0')}`);
    fs.mkdirSync(courseDir, { recursive: true });
    fs.writeFileSync(path.join(courseDir, 'course.md'), [
      '---',
      `title: "Bench course ${c + 1}: ${WORDS[c]} and ${WORDS[c + 10]}"`,
      `summary: ${sentence(rnd, 16)}`,
      'audience: [all]',
      `minutes: ${modulesIn(c) * 10}`,
      'hours: 2.5',
      'objectives:',
      `  - ${sentence(rnd, 8)}`,
      `  - ${sentence(rnd, 8)}`,
      '---',
      paragraph(rnd),
      '',
    ].join('\n'));
    for (let m = 0; m < modulesIn(c); m++) {
      const number = String(m + 1).padStart(2, '0');
      if (c === 0 && m === MEASURED_INDEX) {
        fs.writeFileSync(path.join(courseDir, `${number}-words-matter.md`), measuredModule());
        continue;
      }
      const title = `${WORDS[(c + m) % WORDS.length]} in practice ${m + 1}`;
      fs.writeFileSync(path.join(courseDir, `${number}-topic-${m + 1}.md`), [
        '---',
        `title: "${title[0]!.toUpperCase()}${title.slice(1)}"`,
        'minutes: 10',
        'objectives:',
        `  - ${sentence(rnd, 9)}`,
        ...(m % 3 === 1 ? [`content_warning: "${sentence(rnd, 8)}"`] : []),
        '---',
        moduleBody(rnd, title),
      ].join('\n'));
    }
  }
}

async function insertBatches(trx: Knex.Transaction, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await trx(table).insert(rows.slice(i, i + BATCH));
}

export async function seed(tmpDir: string, log: (line: string) => void): Promise<SeedResult> {
  const curriculumDir = path.join(tmpDir, 'curriculum');
  const dbFile = path.join(tmpDir, 'bench.sqlite');
  writeCurriculum(curriculumDir);

  const db: Db = createDb({ databaseUrl: null, sqliteFile: dbFile });
  try {
    await migrateLatest(db);
    const curriculum = createCurriculumService({ db, clock: systemClock, logger: pino({ level: 'silent' }) });
    const { published, problems } = await curriculum.syncFromDisk(curriculumDir);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length || published.length !== COURSES) {
      throw new Error(`bench curriculum did not publish cleanly: ${published.length} course(s), ${JSON.stringify(errors.slice(0, 3))}`);
    }
    const courseRows = await db('courses').orderBy('slug').select('id', 'slug', 'current_version_id');
    const courses = [];
    for (const r of courseRows) {
      const compiled = (await curriculum.version(Number(r.current_version_id)))!;
      courses.push({ id: Number(r.id), slug: String(r.slug), versionId: Number(r.current_version_id), title: compiled.title, keys: compiled.modules.map((m) => m.key) });
    }

    const passwordHash = await hashPassword(BENCH_PASSWORD); // one scrypt run, shared by every learner
    const base = Date.UTC(2026, 0, 5, 9, 0, 0);
    const day = 24 * 60 * 60 * 1000;
    const rnd = random(7);

    const users = [];
    for (let id = 1; id <= LEARNERS; id++) {
      users.push({
        id, email: `bench-learner-${id}@example.org`, display_name: `Bench Learner ${id}`, password_hash: passwordHash,
        role: 'learner', locale: 'en', created_at: new Date(base - 30 * day + id * 60_000),
      });
    }

    const enrolments: Record<string, unknown>[] = [];
    const progress: Record<string, unknown>[] = [];
    const completions: Record<string, unknown>[] = [];
    const certificates: Record<string, unknown>[] = [];
    const measured = courses[0]!;
    const measuredDone = measured.keys.slice(0, MEASURED_INDEX);
    for (const user of users) {
      // Five distinct courses per learner; the learners who sign in all take the measured course.
      const picks = new Set<number>(user.id <= LOGIN_LEARNERS ? [0] : []);
      while (picks.size < COURSES_PER_LEARNER) picks.add(Math.floor(rnd() * COURSES));
      for (const c of picks) {
        const course = courses[c]!;
        const enrolmentId = enrolments.length + 1;
        const enrolledAt = base + Math.floor(rnd() * 60) * day;
        let done: string[];
        if (user.id <= LOGIN_LEARNERS && c === 0) done = measuredDone;
        else if (rnd() < 0.7) done = course.keys;
        else done = course.keys.slice(0, Math.floor(rnd() * course.keys.length));
        const finished = done.length === course.keys.length;
        const lastActivity = enrolledAt + done.length * 3_600_000;
        enrolments.push({
          id: enrolmentId, user_id: user.id, course_id: course.id, version_id: course.versionId,
          enrolled_at: new Date(enrolledAt), last_activity_at: new Date(lastActivity), completed_at: finished ? new Date(lastActivity) : null,
        });
        done.forEach((key, i) => progress.push({
          enrolment_id: enrolmentId, module_key: key, version_id: course.versionId, completed_at: new Date(enrolledAt + (i + 1) * 3_600_000),
        }));
        if (finished) {
          const completionId = completions.length + 1;
          completions.push({ id: completionId, user_id: user.id, course_id: course.id, version_id: course.versionId, completed_at: new Date(lastActivity) });
          certificates.push({
            code: generateCode(), completion_id: completionId, user_id: user.id, holder_name: user.display_name,
            course_title: course.title, hours: 2.5, issued_at: new Date(lastActivity), expires_at: null,
          });
        }
      }
    }

    const tables: [string, Record<string, unknown>[]][] = [
      ['users', users], ['enrolments', enrolments], ['module_progress', progress], ['completions', completions], ['certificates', certificates],
    ];
    for (const [table, rows] of tables) {
      const started = process.hrtime.bigint();
      await db.transaction((trx) => insertBatches(trx, table, rows));
      log(`  ${table.padEnd(16)} ${String(rows.length).padStart(7)} rows in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
    }
    // No ANALYZE: the app never runs it, so its databases have no statistics tables. With SQLite's
    // STAT4 statistics, a statement whose WHERE binds a parameter to a non-unique index prefix is
    // prepared again each time it runs (the module page's course-and-progress statement took 18 us
    // instead of 7 in a loop), so measuring with them would measure a database the app never has.

    const counts: Record<string, number> = { courses: courses.length, modules: courses.reduce((n, c) => n + c.keys.length, 0) };
    for (const [table, rows] of tables) counts[table] = rows.length;
    const moduleKey = measured.keys[MEASURED_INDEX]!;
    return {
      dbFile,
      curriculumDir,
      measured: {
        slug: measured.slug, moduleKey, versionId: measured.versionId, completedKeys: measuredDone,
        url: `/courses/${encodeURIComponent(measured.slug)}/modules/${encodeURIComponent(moduleKey)}`,
      },
      learners: users.slice(0, LOGIN_LEARNERS).map((u) => ({ id: u.id, email: u.email, displayName: u.display_name })),
      counts,
    };
  } finally {
    await db.destroy();
  }
}

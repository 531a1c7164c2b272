// Seeds the organization the report bench measures: 10,000 staff in 20 units, every published
// course (10 in the bench curriculum) assigned to the whole organization, and progress of every
// kind: finished (with a completion and a certificate, some expired or expiring), part-way, not
// started, overdue. Rows go in batches, one transaction per table, on SQLite or PostgreSQL.
import type { Knex } from 'knex';
import type { Db } from '../../src/db/knex';
import type { CurriculumService } from '../../src/curriculum/service';
import { hashPassword } from '../../src/accounts/passwords';
import { generateCode } from '../../src/certificates/codes';
import { BENCH_PASSWORD } from './common';
import { random } from './random';

const DAY = 24 * 60 * 60 * 1000;
const BATCH = 500;

async function insertAll(db: Db, table: string, rows: Record<string, unknown>[], log: (line: string) => void): Promise<void> {
  const started = process.hrtime.bigint();
  await db.transaction(async (trx: Knex.Transaction) => {
    for (let i = 0; i < rows.length; i += BATCH) await trx(table).insert(rows.slice(i, i + BATCH));
  });
  log(`  ${table.padEnd(16)} ${String(rows.length).padStart(8)} rows in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
}

async function nextId(db: Db, table: string): Promise<number> {
  const r = await db(table).max({ id: 'id' }).first();
  return Number(r?.id ?? 0) + 1;
}

export interface OrgSeed {
  organizationId: number;
  managerId: number;
  staff: number;
  courses: number;
  cells: number;
}

/** `now`: the clock the report will be read at (due dates and expiries are placed around it). */
export async function seedOrganization(db: Db, curriculum: CurriculumService, o: { staff: number; now: Date; log: (line: string) => void }): Promise<OrgSeed> {
  const rnd = random(11);
  const now = o.now.getTime();
  const catalog = await curriculum.catalog();
  const courses = catalog.map((c) => ({ id: c.courseId, versionId: c.versionId, title: c.course.title, keys: c.course.modules.map((m) => m.key) }));
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  const organizationId = await nextId(db, 'organizations');
  await db('organizations').insert({ id: organizationId, name: `Bench Police Department ${organizationId}`, name_key: `bench police department ${organizationId}`, type: 'police', created_at: new Date(now - 400 * DAY) });
  const firstUnit = await nextId(db, 'units');
  const units = Array.from({ length: 20 }, (_, i) => ({ id: firstUnit + i, organization_id: organizationId, name: `District ${i + 1}`, name_key: `district ${i + 1}`, created_at: new Date(now - 400 * DAY) }));
  await insertAll(db, 'units', units, o.log);

  const firstUser = await nextId(db, 'users');
  const users = [];
  const memberships = [];
  for (let i = 0; i < o.staff; i++) {
    const id = firstUser + i;
    users.push({ id, email: `officer-${organizationId}-${i + 1}@example.org`, display_name: `Officer ${String(i + 1).padStart(5, '0')} ${['Ng', 'Smith', 'Tremblay', 'Singh', 'Li', 'Joe'][i % 6]}`, password_hash: passwordHash, role: 'learner', locale: 'en', created_at: new Date(now - 300 * DAY) });
    memberships.push({ user_id: id, organization_id: organizationId, unit_id: units[i % units.length]!.id, role: i === 0 ? 'manager' : 'member', joined_at: new Date(now - (30 + Math.floor(rnd() * 300)) * DAY) });
  }
  await insertAll(db, 'users', users, o.log);
  await insertAll(db, 'memberships', memberships, o.log);

  // Every course to everyone: half due on a date (some past), half within days of joining; a third renew.
  const assignments = courses.map((c, i) => ({
    organization_id: organizationId, course_id: c.id, target: 'organization',
    due_at: i % 2 === 0 ? new Date(now + (i - 4) * 20 * DAY) : null, within_days: i % 2 === 0 ? null : 90,
    renews: i % 3 === 0, created_by: firstUser, created_at: new Date(now - 200 * DAY),
  }));
  await insertAll(db, 'assignments', assignments, o.log);

  let enrolmentId = await nextId(db, 'enrolments');
  let completionId = await nextId(db, 'completions');
  const enrolments: Record<string, unknown>[] = [];
  const progress: Record<string, unknown>[] = [];
  const completions: Record<string, unknown>[] = [];
  const certificates: Record<string, unknown>[] = [];
  for (const u of users) {
    for (const c of courses) {
      const roll = rnd();
      if (roll < 0.2) continue; // not started
      const started = now - Math.floor(rnd() * 330 + 20) * DAY;
      const finished = roll >= 0.42;
      const done = finished ? c.keys : c.keys.slice(0, 1 + Math.floor(rnd() * (c.keys.length - 1)));
      const last = started + done.length * 3_600_000;
      enrolments.push({ id: enrolmentId, user_id: u.id, course_id: c.id, version_id: c.versionId, last_module_key: done[done.length - 1], enrolled_at: new Date(started), last_activity_at: new Date(last), completed_at: finished ? new Date(last) : null });
      done.forEach((key, i) => progress.push({ enrolment_id: enrolmentId, module_key: key, version_id: c.versionId, completed_at: new Date(started + (i + 1) * 3_600_000) }));
      if (finished) {
        completions.push({ id: completionId, user_id: u.id, course_id: c.id, version_id: c.versionId, completed_at: new Date(last) });
        // Valid for 300 days: some have expired, some expire within the warning period.
        certificates.push({ code: generateCode(), completion_id: completionId, user_id: u.id, holder_name: u.display_name, course_title: c.title, hours: 2.5, issued_at: new Date(last), expires_at: new Date(last + 300 * DAY) });
        completionId++;
      }
      enrolmentId++;
    }
  }
  await insertAll(db, 'enrolments', enrolments, o.log);
  await insertAll(db, 'module_progress', progress, o.log);
  await insertAll(db, 'completions', completions, o.log);
  await insertAll(db, 'certificates', certificates, o.log);
  if (db.client.dialect === 'postgresql') {
    // Ids were given explicitly: move each sequence past them, as inserts through the app expect.
    for (const table of ['organizations', 'units', 'users', 'assignments', 'enrolments', 'completions', 'certificates']) {
      await db.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
  }
  // Statistics as each database has them in use: PostgreSQL's autovacuum gathers them soon after
  // bulk inserts, so they are gathered here; the app never runs ANALYZE on SQLite (see seed.ts).
  if (db.client.dialect === 'postgresql') await db.raw('analyze');
  return { organizationId, managerId: firstUser, staff: o.staff, courses: courses.length, cells: o.staff * courses.length };
}

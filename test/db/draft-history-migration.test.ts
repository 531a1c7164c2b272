// migrations/20261127120000_draft_history.ts on a database that already has drafts: each draft's
// history begins with what it holds, under who changed it last, so the first change after the
// upgrade can be undone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createDb, type Db } from '../../src/db/knex';
import { migrations } from '../../migrations';

const MINE = '20261127120000_draft_history';
const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

let db: Db;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-migration-'));
  db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, 'test.sqlite') });
});
afterAll(() => db.destroy());

test('existing drafts start their history with their files, by who changed them last', async () => {
  // Every migration before this one.
  for (const name of Object.keys(migrations).sort().filter((n) => n < MINE)) {
    await db.migrate.up({ migrationSource: source, name });
  }
  const at = new Date('2026-11-20T10:00:00Z');
  const [user] = await db('users').insert({ email: 'old@example.org', display_name: 'Olga Older', password_hash: 'x', role: 'trainer', created_at: at }).returning('id');
  const userId = typeof user === 'object' ? user.id : user;
  const [course] = await db('courses').insert({ slug: 'before-history', created_at: at, source: 'browser' }).returning('id');
  const courseId = typeof course === 'object' ? course.id : course;
  await db('media_files').insert({ sha256: 'a'.repeat(64), content_type: 'text/markdown', size: 3, content: Buffer.from('abc') });
  await db('course_drafts').insert({ course_id: courseId, created_by: userId, updated_by: userId, created_at: at, updated_at: at });
  await db('course_draft_files').insert({ course_id: courseId, path: 'course.md', sha256: 'a'.repeat(64) });

  await db.migrate.up({ migrationSource: source, name: MINE });

  const saves = await db('course_draft_saves').where({ course_id: courseId });
  expect(saves).toHaveLength(1);
  expect(saves[0]).toMatchObject({ author_id: userId, kind: 'earlier' });
  expect(await db('course_draft_save_files').where({ save_id: saves[0].id }).select('path', 'sha256')).toEqual([{ path: 'course.md', sha256: 'a'.repeat(64) }]);

  // Erasing the author keeps the save and forgets who made it (the foreign key sets null).
  await db('course_drafts').where({ course_id: courseId }).update({ created_by: null, updated_by: null });
  await db('users').where({ id: userId }).delete();
  expect((await db('course_draft_saves').where({ course_id: courseId }).first()).author_id).toBeNull();
});

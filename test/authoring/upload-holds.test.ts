// A course zip held for its trainer's answer is deleted once a day has passed, by the server's
// hourly prune, not only when someone next uploads; a newer hold stays. Real database.
import { createTestDb, type TestDb } from '../support/db';
import { HOLD_HOURS, pruneUploadHolds } from '../../src/authoring/zip-transfer';
import { insertHold } from '../../src/authoring/history-store';

let testDb: TestDb;
beforeAll(async () => { testDb = await createTestDb(); });
afterAll(async () => { await testDb.drop(); });

const HOUR = 3600_000;

test('holds older than the waiting time are deleted, newer ones stay', async () => {
  const { db } = testDb;
  const [u] = await db('users')
    .insert({ email: 'trainer@example.org', display_name: 'Trainer', password_hash: 'x', role: 'trainer', locale: 'en', created_at: new Date() })
    .returning('id');
  const userId = Number(typeof u === 'object' ? u.id : u);
  const now = new Date('2026-11-26T12:00:00Z');
  const hold = (token: string, hoursAgo: number) =>
    insertHold(db, { token: token.repeat(64), userId, slug: 'a-course', files: [], at: new Date(now.getTime() - hoursAgo * HOUR) });
  await hold('a', HOLD_HOURS + 1);
  await hold('b', HOLD_HOURS - 1);

  expect(await pruneUploadHolds(db, now)).toBe(1);
  expect((await db('course_upload_holds').select('token')).map((r) => String(r.token)[0])).toEqual(['b']);
  expect(await pruneUploadHolds(db, now)).toBe(0);
});

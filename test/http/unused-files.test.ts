// File bytes nothing refers to any more are deleted by the hourly prune (pruneUnusedFiles): an
// autosave's text replaced by the next one within its window, an upload whose answer never came.
// What a draft, its history, a published version or a waiting upload refers to is kept, and the
// draft and its history read as before. Through HTTP on a real database (SQLite and PostgreSQL).
import crypto from 'node:crypto';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';
import { buildZip } from '../support/zip';
import { pruneUnusedFiles, pruneUploadHolds, HOLD_HOURS } from '../../src/authoring/zip-transfer';
import { storeCourseFiles } from '../../src/curriculum/service';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const moduleFile = (body: string) => `---\ntitle: Intro\nminutes: 5\n---\n${body}\n`;
const FILE = '/author/courses/kept-or-not/files/01-introduction.md';
const stored = async (hash: string) => (await t.testDb.db('media_files').where({ sha256: hash }).first('sha256')) !== undefined;

test('bytes nothing refers to are deleted; a draft, its history, a version and a waiting upload keep theirs', async () => {
  const { agent } = await createUser(t, 'trainer', 'Pru Pruner');
  const csrf = await csrfFrom(agent, '/author');
  await agent.post('/author/new').type('form').send({ _csrf: csrf, slug: 'kept-or-not', title: 'Kept or not', summary: 'A summary.', audience: ['police'], minutes: '20' }).expect(303);
  const page = await agent.get(FILE).expect(200);
  const base = /name="base" value="([0-9a-f]*)"/.exec(page.text)![1];
  const autosave = (from: string, text: string) => agent.post(`${FILE}/autosave`).set('X-CSRF-Token', csrf).set('Accept', 'application/json')
    .type('form').send({ base: from, text }).expect(200);

  // Saved, then two autosaves within one window: the history keeps the save and the last autosave.
  const saved = moduleFile('Saved words.');
  await agent.post(FILE).type('form').send({ _csrf: csrf, base, text: saved, intent: 'save' }).expect(303);
  const savedBase = /name="base" value="([0-9a-f]*)"/.exec((await agent.get(FILE).expect(200)).text)![1];
  const typing = moduleFile('Typed, then typed over.');
  const last = moduleFile('Typed last.');
  const first = await autosave(savedBase, typing);
  await autosave(first.body.base, last);

  // An upload waiting for its answer, and one whose answer never came (older than a day).
  const upload = async (words: string) => {
    const zip = buildZip([
      { name: 'kept-or-not/course.md', data: Buffer.from('---\ntitle: Zipped\nsummary: Zipped.\naudience: [police]\nminutes: 5\n---\nOverview.\n') },
      { name: 'kept-or-not/01-zipped.md', data: Buffer.from(moduleFile(words)) },
    ]);
    await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).field('slug', 'kept-or-not').attach('zip', zip, 'kept.zip').expect(200);
  };
  await upload('Never answered.');
  t.clock.advance(HOLD_HOURS * 60 * 60 * 1000 + 1);
  await upload('Still waiting.');
  await pruneUploadHolds(t.testDb.db, t.clock.now());

  expect(await stored(sha(typing))).toBe(true);
  const before = Number((await t.testDb.db('media_files').count<{ n: number }[]>({ n: '*' }))[0]!.n);
  const gone = await pruneUnusedFiles(t.testDb.db);

  // The replaced autosave's text and the abandoned upload's file are gone...
  expect(await stored(sha(typing))).toBe(false);
  expect(await stored(sha(moduleFile('Never answered.')))).toBe(false);
  expect(gone.count).toBe(2);
  expect(gone.bytes).toBe(Buffer.byteLength(typing) + Buffer.byteLength(moduleFile('Never answered.')));
  expect(Number((await t.testDb.db('media_files').count<{ n: number }[]>({ n: '*' }))[0]!.n)).toBe(before - 2);
  // ...what the draft, its history, the waiting upload and the published courses refer to is not.
  for (const text of [saved, last, moduleFile('Still waiting.')]) expect(await stored(sha(text))).toBe(true);
  expect((await pruneUnusedFiles(t.testDb.db)).count).toBe(0);

  // The draft and its history read as before: the save's text comes back from the history.
  expect((await agent.get(FILE).expect(200)).text).toContain('Typed last.');
  const history = await agent.get('/author/courses/kept-or-not/history').expect(200);
  const ids = [...history.text.matchAll(/id="save-(\d+)"/g)].map((m) => m[1]);
  const texts = await Promise.all(ids.map(async (id) => (await agent.get(`/author/courses/kept-or-not/history/${id}`).expect(200)).text));
  expect(texts.some((html) => html.includes('Saved words.'))).toBe(true);
  // Every file of every published version and every draft is still there.
  for (const table of ['course_version_files', 'course_draft_files', 'course_draft_save_files']) {
    const refs = Number((await t.testDb.db(table).count<{ n: number }[]>({ n: '*' }))[0]!.n);
    const found = Number((await t.testDb.db(`${table} as f`).join('media_files as m', 'm.sha256', 'f.sha256').count<{ n: number }[]>({ n: '*' }))[0]!.n);
    expect({ table, found }).toEqual({ table, found: refs });
    expect(refs).toBeGreaterThan(0);
  }
});

test('a blob something else refers to (a reference the prune does not know) is refused by its foreign key, and the rest still go', async () => {
  const db = t.testDb.db;
  const files = new Map([['notes/one.md', Buffer.from('orphan one')], ['notes/two.md', Buffer.from('orphan two')], ['notes/three.md', Buffer.from('orphan three')]]);
  await storeCourseFiles(db, files);
  // A table the prune's list leaves out, referring to the second blob: its foreign key must refuse.
  await db.schema.createTable('test_blob_refs', (tb) => { tb.string('sha256', 64).notNullable().references('sha256').inTable('media_files'); });
  try {
    await db('test_blob_refs').insert({ sha256: sha('orphan two') });
    const gone = await pruneUnusedFiles(db);
    expect(gone.count).toBe(2);
    expect(await stored(sha('orphan one'))).toBe(false);
    expect(await stored(sha('orphan two'))).toBe(true);
    expect(await stored(sha('orphan three'))).toBe(false);
  } finally {
    await db.schema.dropTable('test_blob_refs');
  }
});

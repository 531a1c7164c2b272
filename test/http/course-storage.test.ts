// Storage quotas per course and per trainer, counted from stored blob sizes (a file kept by
// several versions counted once), with a clear message when a write would pass one; and course
// zips streamed to the browser.
import pino from 'pino';
import request from 'supertest';
import { unzipSync } from 'fflate';
import { createApp } from '../../src/app';
import { createAuthoringService } from '../../src/authoring/service';
import { loadConfig } from '../../src/config';
import { createServices } from '../../src/services';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';
import { buildZip } from '../support/zip';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const KB = 1024;
const COURSE = (title: string) => Buffer.from(`---\ntitle: ${title}\nsummary: Short.\naudience: [police]\nminutes: 10\n---\nOverview.\n`);
/** A PNG signature and then `kb` KB of one byte value: distinct content for each fill. */
const png = (kb: number, fill: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(kb * KB, fill)]);

function appWithQuotas() {
  const authoring = createAuthoringService({
    db: t.testDb.db, clock: t.clock, curriculum: t.services.curriculum, curriculumDir: t.config.curriculumDir,
    limits: { maxCourseBytes: 40 * KB, maxTrainerBytes: 60 * KB },
  });
  return createApp({ config: t.config, db: t.testDb.db, clock: t.clock, logger: pino({ level: 'silent' }), services: { ...t.services, authoring } }).app;
}

async function trainerOn(app: ReturnType<typeof appWithQuotas>, name: string) {
  const { agent } = await createUser(t, 'trainer', name, app);
  return { agent, csrf: await csrfFrom(agent, '/author') };
}

const upload = (agent: request.Agent, csrf: string, slug: string, files: Record<string, Buffer>) => agent
  .post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`)
  .attach('zip', buildZip(Object.entries(files).map(([name, data]) => ({ name: `${slug}/${name}`, data }))), `${slug}.zip`);

test('a course may not hold more than its quota; the same file again takes no more room', async () => {
  const app = appWithQuotas();
  const { agent, csrf } = await trainerOn(app, 'Quinn Quota');
  await upload(agent, csrf, 'quota-course', { 'course.md': COURSE('Quota'), 'media/a.png': png(30, 1) }).expect(303);

  const tooMuch = await agent.post(`/author/courses/quota-course/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', png(15, 2), 'b.png').expect(413);
  expect(tooMuch.text).toContain('This would take the course over its storage limit of 40 KB');
  const names = (await t.testDb.db('course_draft_files as f').join('courses as c', 'c.id', 'f.course_id').where('c.slug', 'quota-course').select('f.path')).map((r) => r.path);
  expect(names.sort()).toEqual(['course.md', 'media/a.png']);

  // The same bytes under another name are stored once: no room is needed.
  await agent.post(`/author/courses/quota-course/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', png(30, 1), 'copy.png').expect(303);
  // A smaller file fits.
  await agent.post(`/author/courses/quota-course/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', png(5, 3), 'small.png').expect(303);
});

test("a trainer's courses together may not hold more than the trainer's quota; another trainer has their own", async () => {
  const app = appWithQuotas();
  const { agent, csrf } = await trainerOn(app, 'Tara Twocourses');
  await upload(agent, csrf, 'quota-first', { 'course.md': COURSE('First'), 'media/a.png': png(30, 4) }).expect(303);
  const second = await upload(agent, csrf, 'quota-second', { 'course.md': COURSE('Second'), 'media/b.png': png(35, 5) }).expect(413);
  expect(second.text).toContain('This would take your courses over their storage limit of 60 KB together.');
  expect(await t.testDb.db('courses').where({ slug: 'quota-second' }).first()).toBeUndefined();

  const other = await trainerOn(app, 'Otto Other');
  await upload(other.agent, other.csrf, 'quota-other', { 'course.md': COURSE('Other'), 'media/b.png': png(35, 5) }).expect(303);
});

test('a draft zip is streamed as it is made (chunked, no length known ahead), and reads back whole', async () => {
  const { agent } = await createUser(t, 'trainer', 'Stella Stream');
  const csrf = await csrfFrom(agent, '/author');
  const files = { 'course.md': COURSE('Streamed'), 'media/big.png': png(300, 7), 'media/other.png': png(200, 8) };
  await upload(agent, csrf, 'streamed', files).expect(303);
  const res = await agent.get('/author/courses/streamed/draft/zip').buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200).expect('Content-Type', 'application/zip');
  expect(res.headers['content-length']).toBeUndefined();
  expect(res.headers['transfer-encoding']).toBe('chunked');
  const back = unzipSync(new Uint8Array(res.body as Buffer));
  expect(Object.keys(back).sort()).toEqual(['streamed/course.md', 'streamed/media/big.png', 'streamed/media/other.png']);
  expect(Buffer.from(back['streamed/media/big.png']).equals(files['media/big.png'])).toBe(true);
  // What was downloaded uploads again as it is (the streamed format is read by the upload).
  await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).attach('zip', res.body as Buffer, 'streamed-draft.zip').expect(303);
});

test('COURSE_STORAGE_MB and TRAINER_STORAGE_MB set the quotas; unset, the defaults hold; nonsense is refused', () => {
  const base = { DATA_DIR: '/tmp/bw-config-test', SESSION_SECRET: 'x'.repeat(32) };
  const config = loadConfig({ ...base, COURSE_STORAGE_MB: '100', TRAINER_STORAGE_MB: '300' });
  expect([config.courseStorageBytes, config.trainerStorageBytes]).toEqual([100 * 1024 * 1024, 300 * 1024 * 1024]);
  const limits = createServices({ config, db: t.testDb.db, clock: t.clock, logger: pino({ level: 'silent' }) }).authoring.limits;
  expect([limits.maxCourseBytes, limits.maxTrainerBytes]).toEqual([100 * 1024 * 1024, 300 * 1024 * 1024]);
  const defaults = createServices({ config: loadConfig(base), db: t.testDb.db, clock: t.clock, logger: pino({ level: 'silent' }) }).authoring.limits;
  expect([defaults.maxCourseBytes, defaults.maxTrainerBytes]).toEqual([500 * 1024 * 1024, 2048 * 1024 * 1024]);
  for (const bad of ['0', '-5', 'lots', '1.5']) expect(() => loadConfig({ ...base, COURSE_STORAGE_MB: bad })).toThrow(/^Invalid configuration: COURSE_STORAGE_MB/);
});

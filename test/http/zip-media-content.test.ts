// A course zip is held to the media check of the single-file upload: a file named as an image
// must be one. (An HTML page named .png published through a zip, and was served as media.)
import request from 'supertest';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';
import { buildZip } from '../support/zip';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const COURSE = Buffer.from('---\ntitle: Zip media\nsummary: Short.\naudience: [police]\nminutes: 10\n---\nOverview.\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

async function trainer(): Promise<{ agent: request.Agent; csrf: string }> {
  const { agent } = await createUser(t, 'trainer', 'Zed Trainer');
  return { agent, csrf: await csrfFrom(agent, '/author') };
}

test('a zip whose media file does not hold what its name says is refused, and nothing is written', async () => {
  const { agent, csrf } = await trainer();
  const zip = buildZip([
    { name: 'zip-media/course.md', data: COURSE },
    { name: 'zip-media/media/map.png', data: HTML },
  ]);
  const res = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).attach('zip', zip, 'zip-media.zip').expect(422);
  expect(res.text).toContain('&#34;media/map.png&#34; does not hold what its name says: it is not a real .png file.');
  expect(await t.testDb.db('courses').where({ slug: 'zip-media' }).first()).toBeUndefined();
});

test('the same zip with a real image is taken', async () => {
  const { agent, csrf } = await trainer();
  const zip = buildZip([
    { name: 'zip-media-ok/course.md', data: COURSE },
    { name: 'zip-media-ok/media/map.png', data: PNG },
  ]);
  const res = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).attach('zip', zip, 'zip-media-ok.zip').expect(303);
  expect(res.headers.location).toBe('/author/courses/zip-media-ok?notice=created');
});

// Trainer authoring through HTTP on a real database: a trainer who never used git makes, previews
// and publishes a course in the browser, and a learner takes it; who may do what; zip round trips;
// hostile zips; publishing refused on errors; and folder courses staying the folder's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { unzipSync } from 'fflate';
import { createApp } from '../../src/app';
import { createAuthoringService } from '../../src/authoring/service';
import { createTestApp, createUser, csrfFrom, FIXTURE_CURRICULUM, registerLearner, type TestApp } from '../support/app';
import { buildZip } from '../support/zip';
import { answer } from '../support/assessment';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

type Agent = request.Agent;
const DOT_PNG = fs.readFileSync(path.join(FIXTURE_CURRICULUM, 'blocks-demo', 'media', 'dot.png'));

async function trainer(name = 'Tess Trainer') {
  const { agent } = await createUser(t, 'trainer', name);
  return { agent, csrf: await csrfFrom(agent, '/author') };
}

/** Reads a binary response body (a zip) as a Buffer. */
function binary(req: request.Test): request.Test {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** The text of the editor's textarea, unescaped. */
function textareaOf(html: string): string {
  const raw = /<textarea id="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1];
  return raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function unzip(zip: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(new Uint8Array(zip))).map(([k, v]) => [k, Buffer.from(v)]));
}

async function createCourse(agent: Agent, csrf: string, slug: string, title = `Course ${slug}`) {
  await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug, title, summary: 'A summary.', audience: ['police', 'health'], minutes: '20' })
    .expect(303);
}

async function editorBase(agent: Agent, slug: string, file: string): Promise<string> {
  const page = await agent.get(`/author/courses/${slug}/files/${file}`).expect(200);
  return /name="base" value="([0-9a-f]*)"/.exec(page.text)![1];
}

async function saveFile(agent: Agent, csrf: string, slug: string, file: string, text: string) {
  const base = await editorBase(agent, slug, file);
  await agent.post(`/author/courses/${slug}/files/${file}`).type('form').send({ _csrf: csrf, base, text, intent: 'save' }).expect(303);
}

function publish(agent: Agent, csrf: string, slug: string, notes = '') {
  return agent.post(`/author/courses/${slug}/publish`).type('form').send({ _csrf: csrf, notes });
}

const moduleFile = (title: string, body: string) => `---\ntitle: ${title}\nminutes: 5\n---\n${body}\n`;

const RICH_MODULE = moduleFile('Meeting people where they are', `## On the street

Outreach starts with listening.

![A hand-drawn map of the outreach route](media/Street-map.png)

::: check route-check
Who decides what help is offered?

- [ ] The outreach worker.
  > No: offering help someone did not ask for pushes them away.
- [x] The person being supported.
  > Right: they know what they need.
:::

::: scenario A late-night call
A person you met last week calls at 2 a.m. and sounds frightened.

- Tell them to call back in the morning.
  > They do not call back.
- Ask whether they are safe right now.
  > They tell you where they are, and you can help them make a plan.
:::`);

test('a trainer makes, previews and publishes a course in the browser, and a learner takes it', async () => {
  const { agent, csrf } = await trainer();

  const list = await agent.get('/author').expect(200);
  expect(list.text).toContain('Course authoring');
  expect(list.text).toContain('first-aid-basics');
  expect(list.text).toContain('the curriculum folder (read-only here)');
  const home = await agent.get('/dashboard').expect(200);
  expect(home.text).toContain('href="/author"');

  // The form keeps what was typed and says what is wrong beside each field.
  await agent.get('/author/new').expect(200);
  const bad = await agent.post('/author/new').type('form').send({ _csrf: csrf, slug: 'Safer Streets!', title: '', summary: 'Kept summary', minutes: 'ten' }).expect(422);
  expect(bad.text).toContain('value="Safer Streets!"');
  expect(bad.text).toContain('Kept summary</textarea>');
  expect(bad.text).toContain('Use lowercase letters, digits and single hyphens only');
  expect(bad.text).toContain('Enter a title.');
  expect(bad.text).toContain('Choose at least one audience.');
  expect(bad.text).toContain('Enter a whole number of minutes');
  expect(bad.text).toContain('aria-invalid="true"');

  const created = await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug: 'safer-streets', title: 'Safer streets: outreach basics', summary: 'How outreach workers and staff keep people safe.', audience: ['municipal', 'community'], minutes: '25' })
    .expect(303);
  expect(created.headers.location).toBe('/author/courses/safer-streets?notice=created');
  const again = await agent.post('/author/new').type('form').send({ _csrf: csrf, slug: 'safer-streets', title: 'X', summary: 'Y', audience: 'all', minutes: '5' }).expect(409);
  expect(again.text).toContain('A course with this address exists already.');

  const draft = await agent.get('/author/courses/safer-streets').expect(200);
  expect(draft.text).toContain('Safer streets: outreach basics');
  expect(draft.text).toContain('Bridgework (made in the browser by Tess Trainer)');
  expect(draft.text).toContain('01-introduction.md');
  expect(draft.text).toContain('This draft has never been published.');

  // An image, uploaded through the form (multipart, the CSRF token in the form's action).
  const upload = await agent.post(`/author/courses/safer-streets/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', DOT_PNG, 'Street map.png').expect(303);
  expect(upload.headers.location).toContain('notice=mediaAdded&name=Street-map.png');
  const withMedia = await agent.get(upload.headers.location).expect(200);
  expect(withMedia.text).toContain('Street-map.png added.');
  expect(withMedia.text).toContain('![Describe what the image shows](media/Street-map.png)');

  // The Preview button (no JavaScript): the page again, with the text kept and the preview below.
  const base = await editorBase(agent, 'safer-streets', '01-introduction.md');
  const preview = await agent.post('/author/courses/safer-streets/files/01-introduction.md').type('form')
    .send({ _csrf: csrf, base, text: RICH_MODULE, intent: 'preview' }).expect(200);
  expect(textareaOf(preview.text)).toBe(RICH_MODULE); // the text is kept, exactly
  expect(preview.text).toContain('Outreach starts with listening.</p>');
  expect(preview.text).toMatch(/<li class="correct"><strong class="answer-mark">\(correct answer\)<\/strong> The person being supported\./);
  expect(preview.text).toContain('Right: they know what they need.');
  expect(preview.text).toMatch(/<img src="\/courses\/safer-streets\/media\/[0-9a-f]{64}\/Street-map\.png" alt="A hand-drawn map of the outreach route">/);
  expect(preview.text).toContain('No problems in this file.');
  expect(preview.text).toContain('src="/js/author-preview.js"');

  // The live preview (public/js/author-preview.js): the same renderer, as an HTML fragment.
  const live = await agent.post('/author/courses/safer-streets/files/01-introduction.md/preview').type('form')
    .set('X-CSRF-Token', csrf).send({ text: RICH_MODULE.replace('Outreach starts with listening.', 'Outreach starts with **listening**.') }).expect(200);
  expect(live.headers['content-type']).toContain('text/html');
  expect(live.text).toContain('Outreach starts with <strong>listening</strong>.');
  expect(live.text).not.toContain('<html');
  const broken = await agent.post('/author/courses/safer-streets/files/01-introduction.md/preview').type('form')
    .set('X-CSRF-Token', csrf).send({ text: RICH_MODULE.replace('::: scenario', '::: quiz') }).expect(200);
  expect(broken.text).toMatch(/01-introduction\.md:\d+<\/a>: <strong class="status-errors">Error:<\/strong> unknown block &#34;::: quiz&#34;/);
  // Without the token, the live preview is refused like any other POST.
  await agent.post('/author/courses/safer-streets/files/01-introduction.md/preview').type('form').send({ text: 'x' }).expect(403);

  // Nothing was saved by previewing; now save.
  expect(base).toBe(await editorBase(agent, 'safer-streets', '01-introduction.md'));
  const saved = await agent.post('/author/courses/safer-streets/files/01-introduction.md').type('form').send({ _csrf: csrf, base, text: RICH_MODULE, intent: 'save' }).expect(303);
  expect(saved.headers.location).toBe('/author/courses/safer-streets/files/01-introduction.md?saved=1');
  const savedPage = await agent.get(saved.headers.location).expect(200);
  expect(savedPage.text).toContain('Saved.');

  // Preview the whole module as a learner sees it, with the answers shown to the trainer.
  const modulePreview = await agent.get('/author/courses/safer-streets/preview/introduction').expect(200);
  expect(modulePreview.text).toContain('Preview: this is what a learner sees.');
  expect(modulePreview.text).toContain('Meeting people where they are');
  expect(modulePreview.text).toMatch(/The person being supported\. <strong class="answer-mark correct">\(correct answer\)<\/strong>/);
  expect(modulePreview.text).toContain('No: offering help someone did not ask for pushes them away.');
  expect(modulePreview.text).toContain('A late-night call');
  expect(modulePreview.text).not.toContain('Mark complete');
  const overview = await agent.get('/author/courses/safer-streets/preview').expect(200);
  expect(overview.text).toContain('href="/author/courses/safer-streets/preview/introduction"');

  // Not in the catalog before publishing.
  expect((await request(t.app).get('/courses').expect(200)).text).not.toContain('Safer streets');
  await request(t.app).get('/courses/safer-streets').expect(404);

  const published = await publish(agent, csrf, 'safer-streets', 'First version, with the outreach module.').expect(303);
  expect(published.headers.location).toBe('/author/courses/safer-streets?notice=published');
  const after = await agent.get(published.headers.location).expect(200);
  expect(after.text).toContain('The published version is the same as this draft.');
  // Publishing the same draft again publishes nothing (a double submit is harmless).
  expect((await publish(agent, csrf, 'safer-streets').expect(303)).headers.location).toContain('notice=unchanged');

  const history = await agent.get('/author/courses/safer-streets/versions').expect(200);
  expect(history.text).toContain('Version 1');
  expect(history.text).toContain('by Tess Trainer');
  expect(history.text).toContain('First version, with the outreach module.');
  expect(history.text).toContain('what learners see now');
  const version = await t.testDb.db('course_versions as v').join('courses as c', 'c.id', 'v.course_id').where('c.slug', 'safer-streets').first('v.published_by', 'v.published_by_user_id');
  expect(version.published_by).toBe('Tess Trainer');
  expect(version.published_by_user_id).not.toBeNull();

  // A learner takes it.
  const learner = await registerLearner(t.app);
  expect((await learner.agent.get('/courses').expect(200)).text).toContain('Safer streets: outreach basics');
  const lcsrf = await csrfFrom(learner.agent, '/courses/safer-streets');
  const enrol = await learner.agent.post('/courses/safer-streets/enrol').type('form').send({ _csrf: lcsrf }).expect(303);
  expect(enrol.headers.location).toBe('/courses/safer-streets/modules/introduction');
  const page = await learner.agent.get(enrol.headers.location).expect(200);
  expect(page.text).toContain('Who decides what help is offered?');
  // The learner never sees the answers before answering.
  expect(page.text).not.toContain('correct answer');
  expect(page.text).not.toContain('Right: they know what they need.');
  expect(page.text).not.toContain('Preview:');
  const answered = await answer(learner.agent, lcsrf, '/courses/safer-streets/modules/introduction', 'introduction--route-check', ['The person being supported.']);
  expect(answered.text).toContain('That is right.');
  expect(answered.text).toContain('Right: they know what they need.');
  const img = /<img src="([^"]+)"/.exec(page.text)![1];
  const served = await request(t.app).get(img).expect(200);
  expect(served.headers['content-type']).toBe('image/png');
  expect(Buffer.compare(served.body as Buffer, DOT_PNG)).toBe(0);
  const done = await learner.agent.post('/courses/safer-streets/modules/introduction/complete').type('form').send({ _csrf: lcsrf }).expect(303);
  expect(done.headers.location).toBe('/courses/safer-streets?completed=1');
});

test('who may author: learners get 403, anonymous visitors are sent to sign in, admins may', async () => {
  const learner = await registerLearner(t.app);
  const lcsrf = await csrfFrom(learner.agent, '/dashboard');
  const pages = ['/author', '/author/new', '/author/upload', '/author/courses/first-aid-basics', '/author/courses/first-aid-basics/versions',
    '/author/courses/first-aid-basics/preview', '/author/courses/first-aid-basics/preview/welcome', '/author/courses/first-aid-basics/draft/zip',
    '/author/courses/first-aid-basics/files/course.md', '/author/courses/first-aid-basics/modules/welcome/delete'];
  for (const url of pages) {
    const anon = await request(t.app).get(url).expect(303);
    expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    await learner.agent.get(url).expect(403);
  }
  const posts = ['/author/new', '/author/courses/first-aid-basics/publish', '/author/courses/first-aid-basics/modules',
    '/author/courses/first-aid-basics/modules/welcome/move', '/author/courses/first-aid-basics/modules/welcome/delete',
    '/author/courses/first-aid-basics/files/course.md', '/author/courses/first-aid-basics/files/course.md/preview'];
  for (const url of posts) {
    await learner.agent.post(url).type('form').send({ _csrf: lcsrf, title: 'x', text: 'x', direction: 'up' }).expect(403);
    await request(t.app).post(url).type('form').send({ title: 'x' }).expect(403); // no session, no CSRF token
  }
  await learner.agent.post(`/author/upload?_csrf=${encodeURIComponent(lcsrf)}`).attach('zip', Buffer.from('PK'), 'c.zip').expect(403);
  expect((await learner.agent.get('/dashboard').expect(200)).text).not.toContain('href="/author"');

  const admin = await createUser(t, 'admin', 'Ada Admin');
  expect((await admin.agent.get('/author').expect(200)).text).toContain('Course authoring');
});

test('a folder course is read-only in the browser: every change is refused with a zip to download', async () => {
  const { agent, csrf } = await trainer();
  const before = await t.testDb.db('courses').where({ slug: 'first-aid-basics' }).first();
  const page = await agent.get('/author/courses/first-aid-basics').expect(200);
  expect(page.text).toContain('This course is kept in the curriculum folder; change it there.');
  expect(page.text).toContain('Kept in:</strong> the curriculum folder');
  const zipLink = /href="(\/author\/courses\/first-aid-basics\/versions\/\d+\/zip)"/.exec(page.text)![1];
  await binary(agent.get(zipLink)).expect(200).expect('Content-Type', 'application/zip');

  const refused = [
    agent.get('/author/courses/first-aid-basics/files/course.md'),
    agent.post('/author/courses/first-aid-basics/files/course.md').type('form').send({ _csrf: csrf, text: 'x', base: '', intent: 'save' }),
    agent.post('/author/courses/first-aid-basics/files/course.md/preview').type('form').set('X-CSRF-Token', csrf).send({ text: 'x' }),
    agent.post('/author/courses/first-aid-basics/modules').type('form').send({ _csrf: csrf, title: 'New' }),
    agent.post('/author/courses/first-aid-basics/modules/welcome/move').type('form').send({ _csrf: csrf, direction: 'down' }),
    agent.get('/author/courses/first-aid-basics/modules/welcome/delete'),
    agent.post('/author/courses/first-aid-basics/modules/welcome/delete').type('form').send({ _csrf: csrf }),
    agent.post('/author/courses/first-aid-basics/publish').type('form').send({ _csrf: csrf }),
    agent.post(`/author/courses/first-aid-basics/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', DOT_PNG, 'dot.png'),
    agent.post('/author/courses/first-aid-basics/media/dot.png/delete').type('form').send({ _csrf: csrf }),
    agent.get('/author/courses/first-aid-basics/draft/zip'),
  ];
  for (const r of refused) {
    const res = await r;
    expect(res.status).toBe(409);
    expect(res.text).toContain('This course is kept in the curriculum folder; change it there.');
  }
  // A new course or a zip under a folder course's address is refused too.
  const taken = await agent.post('/author/new').type('form').send({ _csrf: csrf, slug: 'first-aid-basics', title: 'X', summary: 'Y', audience: 'all', minutes: '5' }).expect(409);
  expect(taken.text).toContain('A course with this address is kept in the curriculum folder.');
  const zip = buildZip([{ name: 'first-aid-basics/course.md', data: Buffer.from('---\ntitle: Mine\n---\n') }]);
  const up = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).attach('zip', zip, 'first-aid-basics.zip').expect(409);
  expect(up.text).toContain('The course &#34;first-aid-basics&#34; is kept in the curriculum folder; change it there.');

  const after = await t.testDb.db('courses').where({ slug: 'first-aid-basics' }).first();
  expect(after).toEqual(before);
  expect(await t.testDb.db('course_drafts').where({ course_id: before.id }).first()).toBeUndefined();
});

test('the folder sync never overwrites a browser course: the folder is reported and skipped', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'shared-name');
  await publish(agent, csrf, 'shared-name').expect(303);
  const before = await t.testDb.db('courses').where({ slug: 'shared-name' }).first();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-folder-'));
  fs.cpSync(path.join(FIXTURE_CURRICULUM, 'first-aid-basics'), path.join(dir, 'shared-name'), { recursive: true });
  fs.cpSync(path.join(FIXTURE_CURRICULUM, 'first-aid-basics'), path.join(dir, 'another-folder-course'), { recursive: true });
  const { published, problems } = await t.services.curriculum.syncFromDisk(dir, { log: false });
  fs.rmSync(dir, { recursive: true, force: true });

  expect(published).toEqual(['another-folder-course']);
  expect(problems).toEqual([expect.objectContaining({ file: path.join(dir, 'shared-name'), severity: 'error', message: expect.stringContaining('was made in the browser') })]);
  const after = await t.testDb.db('courses').where({ slug: 'shared-name' }).first();
  expect(after).toEqual(before);
  expect((await t.testDb.db('courses').where({ slug: 'another-folder-course' }).first()).source).toBe('folder');
  // Publishing a folder course under a browser course's name is refused by the service itself.
  const parsed = (await import('../../src/curriculum/parse')).parseCourseDir(path.join(FIXTURE_CURRICULUM, 'first-aid-basics'));
  await expect(t.services.curriculum.publish({ ...parsed.course!, slug: 'shared-name' }, 'someone')).rejects.toMatchObject({ status: 409 });
  expect(await t.testDb.db('courses').where({ slug: 'shared-name' }).first()).toEqual(before);
});

test('zip round trips: a folder course, a draft, a published version, byte for byte', async () => {
  const { agent, csrf } = await trainer();
  const fixture = path.join(FIXTURE_CURRICULUM, 'blocks-demo');
  const folderFiles = new Map<string, Buffer>();
  for (const f of ['course.md', 'glossary.md', '01-everything.md', '02-second.md', 'media/dot.png']) folderFiles.set(`blocks-demo/${f}`, fs.readFileSync(path.join(fixture, f)));

  // The folder course's version downloads as exactly its folder (checked with a standard unzip too).
  const history = await agent.get('/author/courses/blocks-demo/versions').expect(200);
  const link = /href="(\/author\/courses\/blocks-demo\/versions\/\d+\/zip)"/.exec(history.text)![1];
  const folderZip = (await binary(agent.get(link)).expect(200)).body as Buffer;
  expect(unzip(folderZip)).toEqual(folderFiles);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-unzip-'));
  fs.writeFileSync(path.join(dir, 'c.zip'), folderZip);
  execFileSync('unzip', ['-q', 'c.zip'], { cwd: dir });
  for (const [p, b] of folderFiles) expect(fs.readFileSync(path.join(dir, p)).equals(b)).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });

  // Uploaded under another address, it becomes a browser draft with the same files.
  const up = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).field('slug', 'blocks-copy').attach('zip', folderZip, 'blocks-demo.zip').expect(303);
  expect(up.headers.location).toBe('/author/courses/blocks-copy?notice=created');
  const a = (await binary(agent.get('/author/courses/blocks-copy/draft/zip')).expect(200).expect('Content-Disposition', 'attachment; filename="blocks-copy-draft.zip"')).body as Buffer;
  expect(unzip(a)).toEqual(new Map([...folderFiles].map(([p, b]) => [p.replace('blocks-demo/', 'blocks-copy/'), b])));

  // download → upload → download: identical bytes (replacing the draft, confirmed with `replace`).
  const again = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).field('slug', 'blocks-copy').field('replace', 'blocks-copy').attach('zip', a, 'blocks-copy-draft.zip').expect(303);
  expect(again.headers.location).toBe('/author/courses/blocks-copy?notice=imported');
  const b = (await binary(agent.get('/author/courses/blocks-copy/draft/zip')).expect(200)).body as Buffer;
  expect(b.equals(a)).toBe(true);

  // Published, the version's zip is the draft's, and the same content gives the same version hash as the folder.
  await publish(agent, csrf, 'blocks-copy').expect(303);
  const copyHistory = await agent.get('/author/courses/blocks-copy/versions').expect(200);
  const versionLink = /href="(\/author\/courses\/blocks-copy\/versions\/\d+\/zip)"/.exec(copyHistory.text)![1];
  expect(((await binary(agent.get(versionLink)).expect(200)).body as Buffer).equals(a)).toBe(true);

  // Another course's version id under this address is not found.
  const otherId = /versions\/(\d+)\/zip/.exec(link)![1];
  await agent.get(`/author/courses/blocks-copy/versions/${otherId}/zip`).expect(404);
});

test('each bad zip is a clear 4xx page and harms nothing', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'zip-target');
  const draftBefore = (await binary(agent.get('/author/courses/zip-target/draft/zip')).expect(200)).body as Buffer;
  const coursesBefore = await t.testDb.db('courses').count({ n: '*' }).first();
  const md = Buffer.from('---\ntitle: x\n---\n');
  const upload = (zip: Buffer, slug = 'zip-target') => agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).field('slug', slug).attach('zip', zip, 'course.zip');

  const cases: [string, Buffer, number, string][] = [
    ['not a zip', Buffer.from('%PDF-1.4 this is not a zip file at all'), 400, 'This file is not a zip archive.'],
    ['path out of the folder', buildZip([{ name: 'zip-target/course.md', data: md }, { name: 'zip-target/../../evil.md', data: md }]), 422, 'points outside the course folder'],
    ['absolute path', buildZip([{ name: '/etc/cron.d/evil', data: md }]), 422, 'is an absolute path'],
    ['backslashes', buildZip([{ name: 'zip-target\\..\\evil.md', data: md }]), 422, 'uses backslashes in its path'],
    ['symlink', buildZip([{ name: 'zip-target/course.md', data: md }, { name: 'zip-target/media/secret.png', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]), 422, 'is a symbolic link'],
    ['too many files', buildZip(Array.from({ length: 501 }, (_, i) => ({ name: `zip-target/${i}.md`, data: md }))), 422, 'The zip holds 501 entries; the limit is 500.'],
    ['a header claiming 3 GB', buildZip([{ name: 'zip-target/media/a.png', data: Buffer.alloc(10), declaredSize: 3 * 1024 ** 3 }]), 413, 'is larger than the limit of 25 MB'],
    ['a bomb: 7 files of 24 MB of zeros', buildZip(Array.from({ length: 7 }, (_, i) => ({ name: `zip-target/media/${i}.png`, data: Buffer.alloc(24 * 1024 * 1024) }))), 413, 'Unpacked, the zip would be larger than the limit of 150 MB.'],
    ['a lying header', buildZip([{ name: 'zip-target/course.md', data: Buffer.alloc(1024 * 1024, 0x61), declaredSize: 64 }]), 422, 'The zip is damaged'],
    ['no course.md', buildZip([{ name: 'zip-target/01-a.md', data: md }]), 422, 'There is no course.md in the zip'],
    ['an unusable address', buildZip([{ name: 'Bad Name/course.md', data: md }]), 422, 'cannot be a course address'],
  ];
  for (const [label, zip, status, message] of cases) {
    const res = await upload(zip, label === 'an unusable address' ? '' : 'zip-target');
    expect({ label, status: res.status }).toEqual({ label, status });
    expect(res.text).toContain(message);
    expect(res.text).toContain('Nothing was changed.');
    expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
  }
  const none = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).field('slug', 'zip-target').expect(422);
  expect(none.text).toContain('Choose a zip file to upload.');

  expect(((await binary(agent.get('/author/courses/zip-target/draft/zip')).expect(200)).body as Buffer).equals(draftBefore)).toBe(true);
  expect(await t.testDb.db('courses').count({ n: '*' }).first()).toEqual(coursesBefore);
});

test('an upload over the size limit is a 413 page naming the limit', async () => {
  // The same app with small limits, so the test need not send 100 MB.
  const authoring = createAuthoringService({ db: t.testDb.db, clock: t.clock, curriculum: t.services.curriculum, curriculumDir: t.config.curriculumDir, limits: { maxZipBytes: 64 * 1024, maxMediaBytes: 32 * 1024 } });
  const { app } = createApp({ config: t.config, db: t.testDb.db, clock: t.clock, logger: pino({ level: 'silent' }), services: { ...t.services, authoring } });
  const { agent } = await createUser(t, 'trainer', 'Small Limits', app);
  const csrf = await csrfFrom(agent, '/author');
  await createCourse(agent, csrf, 'small-limits');
  const big = await agent.post(`/author/upload?_csrf=${encodeURIComponent(csrf)}`).attach('zip', Buffer.alloc(100 * 1024, 1), 'big.zip').expect(413);
  expect(big.text).toContain('The zip is larger than the limit of 64 KB.');
  const media = await agent.post(`/author/courses/small-limits/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', Buffer.concat([DOT_PNG, Buffer.alloc(40 * 1024)]), 'big.png').expect(413);
  expect(media.text).toContain('The file is larger than the limit of 32 KB.');
  expect(media.text).not.toContain('big.png');
});

test('media files are checked by type and content, with clear messages', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'media-checks');
  const up = (bytes: Buffer, name: string) => agent.post(`/author/courses/media-checks/media?_csrf=${encodeURIComponent(csrf)}`).attach('file', bytes, name);
  expect((await up(Buffer.from('<svg onload="alert(1)"/>'), 'logo.svg').expect(422)).text).toContain('Files ending in .svg cannot be used.');
  expect((await up(Buffer.from('MZ this is a program'), 'photo.png').expect(422)).text).toContain('it is not a real .png file');
  expect((await up(Buffer.alloc(0), 'empty.png').expect(422)).text).toContain('The file is empty.');
  expect((await agent.post(`/author/courses/media-checks/media?_csrf=${encodeURIComponent(csrf)}`).field('x', 'y').expect(422)).text).toContain('Choose a file to upload.');
  // Without the CSRF token in the action, nothing is read.
  await agent.post('/author/courses/media-checks/media').attach('file', DOT_PNG, 'dot.png').expect(403);
  const ok = await up(DOT_PNG, 'Café photo (1).PNG').expect(303);
  expect(ok.headers.location).toContain('name=Cafe-photo-1.png');
  expect((await up(DOT_PNG, 'Café photo (1).PNG').expect(303)).headers.location).toContain('notice=mediaReplaced');
  await agent.post('/author/courses/media-checks/media/Cafe-photo-1.png/delete').type('form').send({ _csrf: csrf }).expect(303);
  expect((await agent.get('/author/courses/media-checks').expect(200)).text).toContain('No media files yet.');
});

test('publishing is refused with every problem listed by file and line; nothing published changes', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'refused-course', 'Refused course');
  await publish(agent, csrf, 'refused-course').expect(303);
  const versionBefore = (await t.testDb.db('courses').where({ slug: 'refused-course' }).first()).current_version_id;

  await saveFile(agent, csrf, 'refused-course', 'course.md', '---\ntitle: "Broken: unclosed\nsummary: x\n---\nBody\n');
  await saveFile(agent, csrf, 'refused-course', '01-introduction.md', moduleFile('Intro', '## Part\n\n::: quiz\nWhat?\n:::\n\n::: check\nNo options here.\n:::'));
  const draft = await agent.get('/author/courses/refused-course').expect(200);
  expect(draft.text).toMatch(/href="\/author\/courses\/refused-course\/files\/course\.md\?line=\d+#text">course\.md:\d+<\/a>/);
  expect(draft.text).toContain('YAML:');
  expect(draft.text).toContain('unknown block &#34;::: quiz&#34;');
  expect(draft.text).toMatch(/01-introduction\.md:7<\/a>/);

  const refused = await publish(agent, csrf, 'refused-course').expect(422);
  expect(refused.text).toContain('Not published: fix these errors first');
  expect(refused.text).toContain('The draft has errors, so nothing was published.');
  expect(refused.text).toContain('a knowledge check needs at least two options');
  expect(refused.text).toMatch(/01-introduction\.md:\d+<\/a>: <strong class="status-errors">Error:<\/strong> unknown block/);
  const course = await t.testDb.db('courses').where({ slug: 'refused-course' }).first();
  expect(course.current_version_id).toBe(versionBefore);
  expect((await request(t.app).get('/courses/refused-course').expect(200)).text).toContain('Refused course');
  // The whole-course preview needs a draft that compiles: it says why instead.
  const preview = await agent.get('/author/courses/refused-course/preview').expect(422);
  expect(preview.text).toContain('The draft cannot be previewed yet');
  // The published version can still be previewed.
  await agent.get(`/author/courses/refused-course/preview?version=${versionBefore}`).expect(200);
  await agent.get('/author/courses/refused-course/preview?version=abc').expect(404);
});

test('the editor keeps the text on a conflict (409) and on an oversized file (413)', async () => {
  const a = await trainer('First Trainer');
  const b = await trainer('Second Trainer');
  await createCourse(a.agent, a.csrf, 'two-editors');
  const baseA = await editorBase(a.agent, 'two-editors', '01-introduction.md');
  await saveFile(b.agent, b.csrf, 'two-editors', '01-introduction.md', moduleFile('Intro', 'Second trainer was here.'));
  const conflict = await a.agent.post('/author/courses/two-editors/files/01-introduction.md').type('form')
    .send({ _csrf: a.csrf, base: baseA, text: moduleFile('Intro', 'First trainer text.'), intent: 'save' }).expect(409);
  expect(conflict.text).toContain('Someone else saved this file after you opened it.');
  expect(conflict.text).toContain('First trainer text.');
  // Saving again from that page replaces the other version, knowingly.
  const newBase = /name="base" value="([0-9a-f]*)"/.exec(conflict.text)![1];
  await a.agent.post('/author/courses/two-editors/files/01-introduction.md').type('form').send({ _csrf: a.csrf, base: newBase, text: moduleFile('Intro', 'First trainer text.'), intent: 'save' }).expect(303);
  expect((await a.agent.get('/author/courses/two-editors/files/01-introduction.md').expect(200)).text).toContain('First trainer text.');

  const huge = moduleFile('Intro', 'x'.repeat(300 * 1024));
  const tooLarge = await a.agent.post('/author/courses/two-editors/files/01-introduction.md').type('form')
    .send({ _csrf: a.csrf, base: newBase, text: huge, intent: 'save' }).expect(413);
  expect(tooLarge.text).toContain('The file is larger than the limit of 256 KB.');
  expect(tooLarge.text).toContain('x'.repeat(1000));
  // A body over the authoring form limit (1 MB) is a 413 page, not a 500.
  await a.agent.post('/author/courses/two-editors/files/01-introduction.md').type('form').send({ _csrf: a.csrf, text: 'é'.repeat(400 * 1024) }).expect(413);
  // Files that are not course Markdown cannot be opened.
  await a.agent.get('/author/courses/two-editors/files/..%2F..%2Fetc%2Fpasswd').expect(404);
  await a.agent.get('/author/courses/two-editors/files/README.txt').expect(404);
  await a.agent.get('/author/courses/no-such-course').expect(404);
});

test('modules: add, reorder (keys and links kept), delete with a confirmation step', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'ordering');
  for (const title of ['Second topic', 'Third topic']) {
    const added = await agent.post('/author/courses/ordering/modules').type('form').send({ _csrf: csrf, title }).expect(303);
    expect(added.headers.location).toMatch(/\/author\/courses\/ordering\/files\/0[23]-(second|third)-topic\.md$/);
  }
  const empty = await agent.post('/author/courses/ordering/modules').type('form').send({ _csrf: csrf, title: '  ' }).expect(422);
  expect(empty.text).toContain('Enter a title.');
  await saveFile(agent, csrf, 'ordering', '01-introduction.md', moduleFile('Introduction', '## Start\n\nNext: [the second topic](02-second-topic.md).'));

  const moved = await agent.post('/author/courses/ordering/modules/third-topic/move').type('form').send({ _csrf: csrf, direction: 'up' }).expect(303);
  expect(moved.headers.location).toBe('/author/courses/ordering?notice=moved&moved=third-topic&direction=up');
  const page = await agent.get('/author/courses/ordering').expect(200);
  const order = [...page.text.matchAll(/<span class="meta code">(\d\d-[a-z-]+\.md)<\/span>/g)].map((m) => m[1]);
  expect(order).toEqual(['01-introduction.md', '02-third-topic.md', '03-second-topic.md']);
  // The link to the renamed file follows it.
  expect((await agent.get('/author/courses/ordering/files/01-introduction.md').expect(200)).text).toContain('[the second topic](03-second-topic.md)');
  expect(page.text).toContain('No errors');
  // Moving the first module up changes nothing.
  await agent.post('/author/courses/ordering/modules/introduction/move').type('form').send({ _csrf: csrf, direction: 'up' }).expect(303);
  await agent.post('/author/courses/ordering/modules/introduction/move').type('form').send({ _csrf: csrf, direction: 'sideways' }).expect(400);

  const confirm = await agent.get('/author/courses/ordering/modules/third-topic/delete').expect(200);
  expect(confirm.text).toContain('Delete the module “Third topic”?');
  expect(confirm.text).toContain('Learners&#39; progress on this module is kept');
  await agent.post('/author/courses/ordering/modules/third-topic/delete').type('form').send({ _csrf: csrf }).expect(303);
  // A double submit finds nothing to delete and changes nothing.
  await agent.post('/author/courses/ordering/modules/third-topic/delete').type('form').send({ _csrf: csrf }).expect(303);
  const after = await agent.get('/author/courses/ordering').expect(200);
  expect([...after.text.matchAll(/<span class="meta code">(\d\d-[a-z-]+\.md)<\/span>/g)].map((m) => m[1])).toEqual(['01-introduction.md', '02-second-topic.md']);
  expect((await agent.get('/author/courses/ordering/files/01-introduction.md').expect(200)).text).toContain('[the second topic](02-second-topic.md)');
});

test('a new version keeps learners\' progress by module key; a completed course keeps its version', async () => {
  const { agent, csrf } = await trainer();
  await createCourse(agent, csrf, 'versioned', 'Versioned course');
  await saveFile(agent, csrf, 'versioned', '01-introduction.md', moduleFile('Alpha', '## Alpha\n\nThe first module.'));
  for (const title of ['Beta', 'Gamma']) await agent.post('/author/courses/versioned/modules').type('form').send({ _csrf: csrf, title }).expect(303);
  await publish(agent, csrf, 'versioned', 'Three modules.').expect(303);
  const v1 = Number((await t.testDb.db('courses').where({ slug: 'versioned' }).first()).current_version_id);

  // One learner completes 2 of 3 modules; another finishes the course.
  const mid = await registerLearner(t.app);
  const midCsrf = await csrfFrom(mid.agent, '/courses/versioned');
  await mid.agent.post('/courses/versioned/enrol').type('form').send({ _csrf: midCsrf }).expect(303);
  for (const key of ['introduction', 'beta']) await mid.agent.post(`/courses/versioned/modules/${key}/complete`).type('form').send({ _csrf: midCsrf }).expect(303);
  const fin = await registerLearner(t.app);
  const finCsrf = await csrfFrom(fin.agent, '/courses/versioned');
  await fin.agent.post('/courses/versioned/enrol').type('form').send({ _csrf: finCsrf }).expect(303);
  for (const key of ['introduction', 'beta', 'gamma']) await fin.agent.post(`/courses/versioned/modules/${key}/complete`).type('form').send({ _csrf: finCsrf }).expect(303);

  // The trainer edits one module, removes another and adds one.
  await saveFile(agent, csrf, 'versioned', '01-introduction.md', moduleFile('Alpha', '## Alpha\n\nThe first module, rewritten.'));
  await agent.post('/author/courses/versioned/modules/beta/delete').type('form').send({ _csrf: csrf }).expect(303);
  await agent.post('/author/courses/versioned/modules').type('form').send({ _csrf: csrf, title: 'Delta' }).expect(303);
  await publish(agent, csrf, 'versioned', 'Rewrote Alpha, replaced Beta with Delta.').expect(303);
  const v2 = Number((await t.testDb.db('courses').where({ slug: 'versioned' }).first()).current_version_id);
  expect(v2).not.toBe(v1);

  const history = await agent.get('/author/courses/versioned/versions').expect(200);
  expect(history.text).toContain('Version 2');
  expect(history.text).toContain('Added: Delta (delta)');
  expect(history.text).toContain('Removed: Beta (beta)');
  expect(history.text).toContain('Edited: Alpha (introduction)');
  expect(history.text).not.toContain('Edited: Gamma');
  expect(history.text).toContain('Rewrote Alpha, replaced Beta with Delta.');

  // The learner mid-course moves to version 2 at their next page; Alpha's progress carries over.
  const enrolment = () => t.testDb.db('enrolments as e').join('users as u', 'u.id', 'e.user_id').where('u.email', mid.email).first('e.id', 'e.version_id', 'e.completed_at');
  expect(Number((await enrolment()).version_id)).toBe(v1);
  const course = await mid.agent.get('/courses/versioned').expect(200);
  expect(course.text).toMatch(/<progress[^>]*max="3" value="1"/);
  expect(course.text).toContain('1 of 3 modules complete');
  expect(course.text).toContain('href="/courses/versioned/modules/gamma"'); // resume at the first one not done
  expect(Number((await enrolment()).version_id)).toBe(v2);
  expect((await mid.agent.get('/courses/versioned/modules/introduction').expect(200)).text).toContain('The first module, rewritten.');
  await mid.agent.get('/courses/versioned/modules/beta').expect(404);
  // Nothing the learner earned was deleted: Beta's progress row is still there.
  const rows = await t.testDb.db('module_progress').where({ enrolment_id: (await enrolment()).id }).orderBy('module_key').select('module_key');
  expect(rows.map((r) => r.module_key)).toEqual(['beta', 'introduction']);
  // Finishing the new version completes it on version 2.
  for (const key of ['gamma', 'delta']) await mid.agent.post(`/courses/versioned/modules/${key}/complete`).type('form').send({ _csrf: midCsrf }).expect(303);
  const midCompletion = await t.testDb.db('completions as c').join('users as u', 'u.id', 'c.user_id').where('u.email', mid.email).first('c.version_id');
  expect(Number(midCompletion.version_id)).toBe(v2);

  // The learner who had finished keeps their completion, on version 1.
  const finished = await fin.agent.get('/courses/versioned').expect(200);
  expect(finished.text).toContain('Well done: you have completed this course.');
  const finRow = await t.testDb.db('enrolments as e').join('users as u', 'u.id', 'e.user_id').where('u.email', fin.email).first('e.version_id', 'e.completed_at');
  expect(Number(finRow.version_id)).toBe(v1);
  expect(finRow.completed_at).not.toBeNull();
  const completion = await t.testDb.db('completions as c').join('users as u', 'u.id', 'c.user_id').where('u.email', fin.email).first('c.version_id');
  expect(Number(completion.version_id)).toBe(v1);
});

test('a folder course with errors is listed with its problems by file and line, read-only', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-curriculum-'));
  fs.cpSync(path.join(FIXTURE_CURRICULUM, 'first-aid-basics'), path.join(dir, 'first-aid-basics'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'broken-course'));
  fs.writeFileSync(path.join(dir, 'broken-course', 'course.md'), '---\ntitle: "Unclosed\nsummary: x\n---\n');
  fs.writeFileSync(path.join(dir, 'broken-course', '01-a.md'), '---\ntitle: A\nminutes: 5\n---\n::: quiz\nx\n:::\n');
  const other = await createTestApp({ config: { curriculumDir: dir } });
  try {
    const { agent } = await createUser(other, 'trainer');
    const list = await agent.get('/author').expect(200);
    expect(list.text).toContain('href="/author/courses/broken-course"');
    expect(list.text).toMatch(/broken-course[\s\S]*the curriculum folder \(read-only here\)[\s\S]*Not yet[\s\S]*\d+ errors?/);
    const page = await agent.get('/author/courses/broken-course').expect(200);
    expect(page.text).toContain('This course is kept in the curriculum folder; change it there.');
    expect(page.text).toMatch(/broken-course\/course\.md:\d+<\/span>: <strong class="status-errors">Error:<\/strong> YAML:/);
    expect(page.text).toMatch(/broken-course\/01-a\.md:5<\/span>: <strong class="status-errors">Error:<\/strong> unknown block/);
    expect(page.text).not.toContain('/files/course.md'); // no editor for a folder course
  } finally {
    await other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

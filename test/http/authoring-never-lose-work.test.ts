// Never losing work in the authoring area, through HTTP on a real database: autosave takes the
// save's path (a conflict keeps both texts and overwrites nothing); a zip over a draft asks first
// and the replaced draft comes back from the history; every save is kept, compared and restored,
// with autosaves coalesced; and a draft preview shows what compiles, with the draft's glossary.
import request from 'supertest';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';
import { buildZip } from '../support/zip';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

type Agent = request.Agent;

async function trainer(name: string) {
  const { agent } = await createUser(t, 'trainer', name);
  return { agent, csrf: await csrfFrom(agent, '/author') };
}

async function createCourse(agent: Agent, csrf: string, slug: string, title: string) {
  await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug, title, summary: 'A summary.', audience: ['police'], minutes: '20' }).expect(303);
}

function unescape(s: string) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
const textareaOf = (html: string) => unescape(/<textarea id="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]);
const baseOf = (html: string) => /name="base" value="([0-9a-f]*)"/.exec(html)![1];
const moduleFile = (title: string, body: string) => `---\ntitle: ${title}\nminutes: 5\n---\n${body}\n`;
const FILE = '/author/courses/%s/files/01-introduction.md';
const file = (slug: string) => FILE.replace('%s', slug);

async function open(agent: Agent, slug: string) {
  const page = await agent.get(file(slug)).expect(200);
  return { text: textareaOf(page.text), base: baseOf(page.text), html: page.text };
}

const autosave = (agent: Agent, csrf: string, slug: string, base: string, text: string) =>
  agent.post(`${file(slug)}/autosave`).set('X-CSRF-Token', csrf).set('Accept', 'application/json').type('form').send({ base, text });

test('autosave saves through the same check as Save: a conflict writes nothing and keeps both texts', async () => {
  const a = await trainer('Ada Autosave');
  const b = await trainer('Ben Other');
  await createCourse(a.agent, a.csrf, 'autosaved', 'Autosaved course');
  const opened = await open(a.agent, 'autosaved');
  expect(opened.html).toContain('data-autosave-url="/author/courses/autosaved/files/01-introduction.md/autosave"');
  expect(opened.html).toMatch(/<noscript><p class="notice">Without JavaScript nothing is saved as you type/);

  // Without the CSRF token, nothing is saved.
  await a.agent.post(`${file('autosaved')}/autosave`).type('form').send({ base: opened.base, text: 'x' }).expect(403);

  const first = await autosave(a.agent, a.csrf, 'autosaved', opened.base, moduleFile('Intro', 'Typed by Ada, part one.')).expect(200);
  expect(first.body).toEqual({ ok: true, base: expect.stringMatching(/^[0-9a-f]{64}$/) });
  const second = await autosave(a.agent, a.csrf, 'autosaved', first.body.base, moduleFile('Intro', 'Typed by Ada, part two.')).expect(200);
  expect((await open(a.agent, 'autosaved')).text).toContain('Typed by Ada, part two.');

  // Ben saves from the page he opened; Ada's next autosave still carries her older base.
  const ben = await open(b.agent, 'autosaved');
  await b.agent.post(file('autosaved')).type('form').send({ _csrf: b.csrf, base: ben.base, text: moduleFile('Intro', 'Ben rewrote this.'), intent: 'save' }).expect(303);
  const conflict = await autosave(a.agent, a.csrf, 'autosaved', second.body.base, moduleFile('Intro', 'Typed by Ada, part three.')).expect(409);
  expect(conflict.body).toEqual({ ok: false, reason: 'conflict' });
  expect((await open(a.agent, 'autosaved')).text).toContain('Ben rewrote this.');

  // Ada's Save from the editor then shows the conflict page with her text, as before; a second
  // Save replaces Ben's text knowingly, and his stays in the history.
  const page = await a.agent.post(file('autosaved')).type('form')
    .send({ _csrf: a.csrf, base: second.body.base, text: moduleFile('Intro', 'Typed by Ada, part three.'), intent: 'save' }).expect(409);
  expect(textareaOf(page.text)).toContain('Typed by Ada, part three.');
  // That page tells its script not to autosave over Ben's text: only a second Save decides.
  expect(page.text).toContain('data-shown="conflict"');
  expect(opened.html).toContain('data-shown="saved"');
  await a.agent.post(file('autosaved')).type('form').send({ _csrf: a.csrf, base: baseOf(page.text), text: moduleFile('Intro', 'Typed by Ada, part three.'), intent: 'save' }).expect(303);
  const history = await a.agent.get('/author/courses/autosaved/history').expect(200);
  const bens = /id="save-(\d+)">\s*<h2>Saved 01-introduction\.md<\/h2>\s*<p class="meta">by Ben Other/.exec(history.text);
  expect(bens).not.toBeNull();
  expect((await a.agent.get(`/author/courses/autosaved/history/${bens![1]}`).expect(200)).text).toContain('Ben rewrote this.');

  // An oversized autosave is refused with 413; nothing is written.
  await autosave(a.agent, a.csrf, 'autosaved', baseOf(page.text), moduleFile('Intro', 'x'.repeat(300 * 1024))).expect(413);
});

test('autosaves by one person of one file within the window are one history entry; Save is always its own', async () => {
  const a = await trainer('Cora Coalesce');
  await createCourse(a.agent, a.csrf, 'coalesced', 'Coalesced course');
  const entries = async () => (await a.agent.get('/author/courses/coalesced/history').expect(200)).text.match(/<li class="entry"/g)?.length ?? 0;
  const start = await entries();
  let { base } = await open(a.agent, 'coalesced');
  for (const n of [1, 2, 3]) {
    base = (await autosave(a.agent, a.csrf, 'coalesced', base, moduleFile('Intro', `Draft ${n}.`)).expect(200)).body.base;
    t.clock.advance(60_000);
  }
  expect(await entries()).toBe(start + 1);
  const page = await a.agent.get('/author/courses/coalesced/history').expect(200);
  expect(page.text).toContain('Saved 01-introduction.md automatically while typing');
  expect(page.text).toContain('for up to 10 minutes');

  // Past the window, a new entry begins.
  t.clock.advance(10 * 60_000);
  base = (await autosave(a.agent, a.csrf, 'coalesced', base, moduleFile('Intro', 'Draft 4.')).expect(200)).body.base;
  expect(await entries()).toBe(start + 2);
  // A Save button press is its own entry.
  await a.agent.post(file('coalesced')).type('form').send({ _csrf: a.csrf, base, text: moduleFile('Intro', 'Saved by hand.'), intent: 'save' }).expect(303);
  expect(await entries()).toBe(start + 3);
});

test('every save is kept with who and when; any save compares with the draft now and comes back', async () => {
  const a = await trainer('Hana History');
  const other = await trainer('Olle Outsider');
  await createCourse(a.agent, a.csrf, 'with-history', 'With history');
  await createCourse(other.agent, other.csrf, 'not-mine', 'Not mine');
  const save = async (text: string) => {
    const { base } = await open(a.agent, 'with-history');
    await a.agent.post(file('with-history')).type('form').send({ _csrf: a.csrf, base, text, intent: 'save' }).expect(303);
  };
  await save(moduleFile('Intro', '## Start\n\nThe first words.\nA line that stays.'));
  await save(moduleFile('Intro', '## Start\n\nThe second words.\nA line that stays.'));

  const history = await a.agent.get('/author/courses/with-history/history').expect(200);
  expect(history.text).toContain('Saved 01-introduction.md');
  expect(history.text).toContain('by Hana History');
  expect(history.text).toContain('Changed: 01-introduction.md');
  const ids = [...history.text.matchAll(/id="save-(\d+)"/g)].map((m) => Number(m[1]));
  expect(ids.length).toBeGreaterThanOrEqual(3); // created, two saves
  const firstSave = ids[1]; // newest first: [second save, first save, created]

  // The compare page: the first save's line removed, the draft's added, the kept line not marked.
  const compare = await a.agent.get(`/author/courses/with-history/history/${firstSave}`).expect(200);
  const line = (op: string, words: string) => new RegExp(`<li class="${op}">(?:(?!</li>).)*${words}`);
  expect(compare.text).toMatch(line('del', 'The first words\\.'));
  expect(compare.text).toMatch(line('add', 'The second words\\.'));
  expect(compare.text).not.toMatch(line('(add|del)', 'A line that stays'));
  expect(compare.text).toMatch(line('same', 'A line that stays'));
  expect(compare.text).toContain('Edited: Intro (introduction)');

  // Brought back: the draft is the first save again, and the second save is still in the history.
  const restored = await a.agent.post(`/author/courses/with-history/history/${firstSave}/restore`).type('form').send({ _csrf: a.csrf }).expect(303);
  expect(restored.headers.location).toBe('/author/courses/with-history?notice=restored');
  expect((await open(a.agent, 'with-history')).text).toContain('The first words.');
  const after = await a.agent.get('/author/courses/with-history/history').expect(200);
  expect(after.text).toContain('An earlier save brought back');
  await a.agent.get(`/author/courses/with-history/history/${ids[0]}`).expect(200);
  expect((await a.agent.get(`/author/courses/with-history/history/${ids[0]}`)).text).toContain('The second words.');

  // Another course's save is not found under this address; nonsense ids are 404; a learner is refused.
  const theirs = Number(/id="save-(\d+)"/.exec((await other.agent.get('/author/courses/not-mine/history').expect(200)).text)![1]);
  await a.agent.get(`/author/courses/with-history/history/${theirs}`).expect(404);
  await a.agent.post(`/author/courses/with-history/history/${theirs}/restore`).type('form').send({ _csrf: a.csrf }).expect(404);
  await a.agent.get('/author/courses/with-history/history/abc').expect(404);
  const { agent: learner } = await createUser(t, 'learner', 'Lee Learner');
  await learner.get('/author/courses/with-history/history').expect(403);
  // A folder course has no draft history.
  await a.agent.get('/author/courses/first-aid-basics/history').expect(409);
});

test('a zip over a draft asks first, naming the course; the replaced draft comes back from the history', async () => {
  const a = await trainer('Zed Zipper');
  await createCourse(a.agent, a.csrf, 'zip-asks', 'The course that asks');
  const { base } = await open(a.agent, 'zip-asks');
  await a.agent.post(file('zip-asks')).type('form').send({ _csrf: a.csrf, base, text: moduleFile('Intro', 'Words worth keeping.'), intent: 'save' }).expect(303);
  const zip = buildZip([
    { name: 'zip-asks/course.md', data: Buffer.from('---\ntitle: From the zip\nsummary: Zipped.\naudience: [police]\nminutes: 5\n---\nOverview.\n') },
    { name: 'zip-asks/01-zipped.md', data: Buffer.from(moduleFile('Zipped', 'Zipped words.')) },
  ]);
  const upload = (slug: string) => a.agent.post(`/author/upload?_csrf=${encodeURIComponent(a.csrf)}`).field('slug', slug).attach('zip', zip, 'zip-asks.zip');

  // Asked first: the page names the course; nothing has changed.
  const asked = await upload('zip-asks').expect(200);
  expect(asked.text).toContain('This address already has a draft');
  expect(asked.text).toContain('The course “The course that asks” (zip-asks) already has a draft.');
  expect(asked.text).toContain('kept in the course&#39;s draft history');
  expect((await open(a.agent, 'zip-asks')).text).toContain('Words worth keeping.');
  const token = /name="token" value="([0-9a-f]{64})"/.exec(asked.text)![1];

  // No choice: asked again, nothing changed. Someone else's token: the upload is not theirs.
  await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token }).expect(422);
  const b = await trainer('Bea Bystander');
  await b.agent.post('/author/upload/confirm').type('form').send({ _csrf: b.csrf, token, choice: 'replace' }).expect(410);
  expect((await open(a.agent, 'zip-asks')).text).toContain('Words worth keeping.');

  // Replace: the zip is the draft; the token is used up.
  const replaced = await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token, choice: 'replace' }).expect(303);
  expect(replaced.headers.location).toBe('/author/courses/zip-asks?notice=imported');
  const draft = await a.agent.get('/author/courses/zip-asks').expect(200);
  expect(draft.text).toContain('From the zip');
  await a.agent.get(file('zip-asks')).expect(404);
  await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token, choice: 'replace' }).expect(410);

  // The replaced draft is in the history and comes back.
  const history = await a.agent.get('/author/courses/zip-asks/history').expect(200);
  expect(history.text).toContain('Replaced by an uploaded zip');
  const ids = [...history.text.matchAll(/id="save-(\d+)"/g)].map((m) => Number(m[1]));
  await a.agent.post(`/author/courses/zip-asks/history/${ids[1]}/restore`).type('form').send({ _csrf: a.csrf }).expect(303);
  expect((await open(a.agent, 'zip-asks')).text).toContain('Words worth keeping.');

  // "A new course" instead: made at the address given; the draft is untouched.
  const again = await upload('zip-asks').expect(200);
  expect(again.text).toMatch(/name="slug"[^>]*value="zip-asks-2"/);
  const token2 = /name="token" value="([0-9a-f]{64})"/.exec(again.text)![1];
  const taken = await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token: token2, choice: 'new', slug: 'zip-asks' }).expect(422);
  expect(taken.text).toContain('A course already uses the address');
  const made = await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token: token2, choice: 'new', slug: 'zip-asks-copy' }).expect(303);
  expect(made.headers.location).toBe('/author/courses/zip-asks-copy?notice=created');
  expect((await open(a.agent, 'zip-asks')).text).toContain('Words worth keeping.');

  // With the address left empty, the zip is a new course: the folder's name is taken, so the next free one.
  const fresh = await a.agent.post(`/author/upload?_csrf=${encodeURIComponent(a.csrf)}`).attach('zip', zip, 'zip-asks.zip').expect(303);
  expect(fresh.headers.location).toBe('/author/courses/zip-asks-2?notice=created');
  expect((await open(a.agent, 'zip-asks')).text).toContain('Words worth keeping.');
  // `replace` naming the address is the confirmation in one request.
  await upload('zip-asks').field('replace', 'zip-asks').expect(303);
  expect((await a.agent.get('/author/courses/zip-asks').expect(200)).text).toContain('From the zip');

  // An upload left unanswered for a day is no longer waiting.
  const late = /name="token" value="([0-9a-f]{64})"/.exec((await upload('zip-asks').expect(200)).text)![1];
  t.clock.advance(25 * 3600_000);
  const gone = await a.agent.post('/author/upload/confirm').type('form').send({ _csrf: a.csrf, token: late, choice: 'replace' }).expect(410);
  expect(gone.text).toContain('This upload is no longer waiting for an answer.');
});

test('a draft preview shows every module that compiles and the course title, with the draft glossary', async () => {
  const a = await trainer('Pia Preview');
  await createCourse(a.agent, a.csrf, 'partly-broken', 'Partly broken course');
  const save = async (path: string, text: string) => {
    const page = await a.agent.get(`/author/courses/partly-broken/files/${path}`).expect(200);
    await a.agent.post(`/author/courses/partly-broken/files/${path}`).type('form').send({ _csrf: a.csrf, base: baseOf(page.text), text, intent: 'save' }).expect(303);
  };
  await save('glossary.md', '---\nterms:\n  outreach: Going to where people are.\n---\n');
  await save('01-introduction.md', moduleFile('Introduction', '## Start\n\nAbout [[outreach]].'));
  await a.agent.post('/author/courses/partly-broken/modules').type('form').send({ _csrf: a.csrf, title: 'Broken one' }).expect(303);
  // Its front matter has no title: the module cannot compile at all.
  await save('02-broken-one.md', '---\nminutes: 5\n---\nNo title above.\n');

  const course = await a.agent.get('/author/courses/partly-broken/preview').expect(200);
  expect(course.text).toContain('<h1>Partly broken course</h1>');
  expect(course.text).toContain('Introduction');
  expect(course.text).toContain('left out of this preview until they are fixed');
  expect(course.text).toMatch(/href="\/author\/courses\/partly-broken\/files\/02-broken-one\.md\?line=\d+#text">02-broken-one\.md:\d+<\/a>/);
  const module = await a.agent.get('/author/courses/partly-broken/preview/introduction').expect(200);
  expect(module.text).toContain('href="/author/courses/partly-broken/preview-glossary#');
  expect(module.text).not.toContain('href="/courses/partly-broken/glossary');
  const broken = await a.agent.get('/author/courses/partly-broken/preview/broken-one').expect(422);
  expect(broken.text).toContain('02-broken-one.md');
  const glossary = await a.agent.get('/author/courses/partly-broken/preview-glossary').expect(200);
  expect(glossary.text).toContain('Going to where people are.');
  // The editor's live preview links there too, and lists problems in line order.
  const live = await a.agent.post('/author/courses/partly-broken/files/01-introduction.md/preview').set('X-CSRF-Token', a.csrf).type('form')
    .send({ text: moduleFile('Introduction', '## Start\n\nAbout [[outreach]].\n\n::: quiz\n:::\n\n::: check\nOne.\n:::') }).expect(200);
  expect(live.text).toContain('href="/author/courses/partly-broken/preview-glossary#');
  const lines = [...live.text.matchAll(/data-line="(\d+)"/g)].map((m) => Number(m[1]));
  expect(lines.length).toBeGreaterThan(1);
  expect([...lines].sort((x, y) => x - y)).toEqual(lines);
});

test('after a move, the moved module\'s button has the focus again', async () => {
  const a = await trainer('Mo Mover');
  await createCourse(a.agent, a.csrf, 'focus-move', 'Focus move');
  await a.agent.post('/author/courses/focus-move/modules').type('form').send({ _csrf: a.csrf, title: 'Second' }).expect(303);
  await a.agent.post('/author/courses/focus-move/modules').type('form').send({ _csrf: a.csrf, title: 'Third' }).expect(303);
  const moved = await a.agent.post('/author/courses/focus-move/modules/second/move').type('form').send({ _csrf: a.csrf, direction: 'down' }).expect(303);
  const page = await a.agent.get(moved.headers.location).expect(200);
  // Now last: its Down button is disabled, so Up takes the focus.
  expect(page.text).toMatch(/<li id="module-second"[\s\S]*?value="up" class="button small secondary" autofocus>/);
  expect(page.text.match(/autofocus/g)).toHaveLength(1);
});

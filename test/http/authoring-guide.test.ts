// The course-writing guide in the browser (issue 15, point 2) and the small things a trainer
// notices (point 5): the guide renders every block from curriculum/README.md and every editor page
// links to it; a new glossary.md starts from a working example; a new module does not repeat its
// title; the editor names a module by its title; times carry their ISO instant for the browser.
import { BLOCK_NAMES } from '../../src/curriculum/blocks';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const textareaOf = (html: string) => unescape(/<textarea id="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]);

async function trainerWithCourse(slug: string) {
  const { agent } = await createUser(t, 'trainer', 'Tess Trainer');
  const csrf = await csrfFrom(agent, '/author/new');
  await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug, title: `Course ${slug}`, summary: 'A summary.', audience: ['police'], minutes: '10' }).expect(303);
  return { agent, csrf };
}

test('the guide renders the whole course format, every block with its example, for trainers only', async () => {
  const { agent } = await createUser(t, 'trainer');
  const page = await agent.get('/author/guide').expect(200);
  for (const name of [...BLOCK_NAMES, 'survey']) expect(page.text).toMatch(new RegExp(`<code class="language-markdown">(?:[^<]*\\n)?::: ${name}\\b`));
  for (const section of ['course.md', 'Modules: NN-slug.md', 'Special blocks', 'Knowledge check', 'Reflection', 'Scenario', 'Callouts', 'Lived experience', 'Images, audio and video', 'Glossary', 'How checks are graded']) {
    expect(page.text).toMatch(new RegExp(`<h[23] id="[a-z0-9-]+">${section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h[23]>`));
  }
  // The contents link to the sections.
  expect(page.text).toContain('<a href="#knowledge-check">Knowledge check</a>');
  expect(page.text).toContain('id="knowledge-check"');
  // Raw HTML in the guide would be shown as text, as in a course.
  expect(page.text).not.toMatch(/<script(?! src="\/js\/)/);

  const learner = await createUser(t, 'learner');
  await learner.agent.get('/author/guide').expect(403);
});

test('every editor page, and the course and list pages, link to the guide', async () => {
  const { agent } = await trainerWithCourse('guided');
  for (const url of ['/author', '/author/new', '/author/courses/guided', '/author/courses/guided/files/course.md', '/author/courses/guided/files/01-introduction.md', '/author/courses/guided/files/glossary.md']) {
    const page = await agent.get(url).expect(200);
    expect({ url, link: page.text.includes('href="/author/guide"') }).toEqual({ url, link: true });
  }
});

test('a new glossary.md opens as a working example; a new module does not repeat its title', async () => {
  const { agent, csrf } = await trainerWithCourse('starter-texts');
  const glossary = await agent.get('/author/courses/starter-texts/files/glossary.md').expect(200);
  const text = textareaOf(glossary.text);
  expect(text).toBe('---\nterms:\n  harm reduction: Write what the term means here, in one plain sentence.\n---\n');
  // It previews as a glossary, not as an error, and the placeholder is pointed out.
  expect(glossary.text).toContain('<dt>harm reduction</dt>');
  expect(glossary.text).toContain('this is the template&#39;s placeholder text');
  expect(glossary.text).not.toContain('class="status-errors"');

  const added = await agent.post('/author/courses/starter-texts/modules').type('form').send({ _csrf: csrf, title: 'Working with outreach' }).expect(303);
  const editor = await agent.get(added.headers.location).expect(200);
  const body = textareaOf(editor.text);
  expect(body).toContain('title: Working with outreach');
  expect(body).not.toContain('## Working with outreach');
  // The editor names the module by its title; the file name is said once, beside it.
  expect(editor.text).toContain('<h1>Edit module: Working with outreach</h1>');
  expect(editor.text).toContain('<span class="code">02-working-with-outreach.md</span>');
  expect((await agent.get('/author/courses/starter-texts/files/course.md').expect(200)).text).toContain('<h1>Edit the course&#39;s details and overview</h1>');
});

test('the draft and its versions show their times as <time datetime>, UTC until the browser says otherwise; the module key is explained', async () => {
  const { agent, csrf } = await trainerWithCourse('timed');
  const course = await agent.get('/author/courses/timed').expect(200);
  expect(course.text).toMatch(/Last saved <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z" class="local-time">[^<]+ UTC<\/time> by Tess Trainer\./);
  expect(course.text).toContain('<script src="/js/local-time.js" defer></script>');
  expect(course.text).toContain('are its key: learners&#39; progress is kept by it');
  await agent.post('/author/courses/timed/publish').type('form').send({ _csrf: csrf, notes: '' }).expect(303);
  const versions = await agent.get('/author/courses/timed/versions').expect(200);
  expect(versions.text).toMatch(/Published <time datetime="[^"]+Z" class="local-time">[^<]+ UTC<\/time> by Tess Trainer/);
});

test('the new-course page loads the slug script, and the server still checks the address', async () => {
  const { agent } = await createUser(t, 'trainer');
  const page = await agent.get('/author/new').expect(200);
  expect(page.text).toContain('<script src="/js/author-new-course.js" defer></script>');
  const csrf = await csrfFrom(agent, '/author/new');
  const bad = await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug: 'Not A Slug!', title: 'T', summary: 'S.', audience: ['police'], minutes: '10' }).expect(422);
  expect(bad.text).toContain('value="Not A Slug!"');
});

test('a missing media file in a browser course says to upload it, with a link to the upload; a useless alt text is a warning', async () => {
  const { agent, csrf } = await trainerWithCourse('missing-media');
  const page = await agent.get('/author/courses/missing-media/files/01-introduction.md').expect(200);
  const base = /name="base" value="([0-9a-f]*)"/.exec(page.text)![1];
  const text = '---\ntitle: Introduction\nminutes: 10\n---\n## Forms\n\n![form.png](media/form.png)\n';
  const preview = await agent.post('/author/courses/missing-media/files/01-introduction.md').type('form').send({ _csrf: csrf, base, text, intent: 'preview' }).expect(200);
  expect(preview.text).toContain('image &#34;media/form.png&#34; is not among this course&#39;s files: upload form.png on the course&#39;s page, under &#34;Images, audio and video&#34;');
  expect(preview.text).toContain('<a href="/author/courses/missing-media#media">Upload media files</a>');
  expect(preview.text).toContain('01-introduction.md:7</a>: <strong>Warning:</strong> the alt text &#34;form.png&#34;');
});

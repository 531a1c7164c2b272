// Knowledge checks, reflections, content warnings, the glossary and media, as a learner meets them.
import request from 'supertest';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { answer, attemptOnPage, optionsOnPage } from '../support/assessment';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const COURSE = '/courses/blocks-demo';
const MODULE = `${COURSE}/modules/everything`;

async function enrolled() {
  const learner = await registerLearner(t.app);
  const csrf = await csrfFrom(learner.agent, COURSE);
  await learner.agent.post(`${COURSE}/enrol`).type('form').send({ _csrf: csrf }).expect(303);
  return { ...learner, csrf };
}

test('a content warning comes first, with the choice to continue or skip', async () => {
  const { agent } = await enrolled();
  const first = await agent.get(MODULE).expect(200);
  expect(first.text).toContain('Mentions violence, without detail.');
  expect(first.text).toContain(`href="${MODULE}?continue=1#content"`);
  expect(first.text).toContain(`href="${COURSE}/modules/second"`);
  expect(first.text).not.toContain('Does trafficking require crossing a border?');
  const body = await agent.get(`${MODULE}?continue=1`).expect(200);
  expect(body.text).toContain('Does trafficking require crossing a border?');
});

test('answers and feedback are not in the page until the learner answers, even with options shuffled', async () => {
  const { agent, csrf } = await enrolled();
  const page = await agent.get(`${MODULE}?continue=1`).expect(200);
  expect(page.text).not.toContain('holding or controlling someone involves no travel');
  expect(page.text).not.toMatch(/correct|right answer/i);
  // The options' form values are opaque ids, not their positions: nothing on the page tells the right one.
  const shown = optionsOnPage(page.text, 'everything--border');
  expect(shown.map((o) => o.text).sort()).toEqual(['No.', 'Yes, always.']);
  for (const o of shown) expect(o.id).toMatch(/^[0-9a-f]{10}$/);
  const partial = await answer(agent, csrf, MODULE, 'everything--check-2', ['Working indoors.']);
  expect(partial.text).toContain('Not quite.');
  const wrong = await answer(agent, csrf, MODULE, 'everything--border', ['Yes, always.']);
  expect(wrong.text).toContain('Not quite.');
  expect(wrong.text).toContain('holding or controlling someone involves no travel');
  // Only the chosen option's feedback is shown.
  expect(wrong.text).not.toContain('the offence is about control and exploitation');
  const right = await answer(agent, csrf, MODULE, 'everything--border', ['No.']);
  expect(right.text).toContain('That is right.');
  const multi = await answer(agent, csrf, MODULE, 'everything--check-2', ['Working indoors.', 'Screening clients.']);
  expect(multi.text).toContain('That is right.');
  const attempt = attemptOnPage((await agent.get(`${MODULE}?continue=1`)).text, 'everything--border');
  const none = await agent.post(`${MODULE}/checks/everything--border`).type('form').send({ _csrf: csrf, attempt }).expect(422);
  expect(none.text).toContain('Choose an answer first.');
  await agent.post(`${MODULE}/checks/no-such-check`).type('form').send({ _csrf: csrf, option: '0', attempt: '1' }).expect(404);
});

test('a reflection is saved privately, kept on error, and never shown to anyone else', async () => {
  const a = await enrolled();
  const id = 'everything--reflection-1';
  const saved = await a.agent.post(`${MODULE}/reflections/${id}`).type('form').send({ _csrf: a.csrf, text: 'My private thought <b>bold</b>' }).expect(303);
  const page = await a.agent.get(saved.headers.location).expect(200);
  expect(page.text).toContain('My private thought &lt;b&gt;bold&lt;/b&gt;</textarea>');
  expect(page.text).toContain('Saved.');
  const long = 'x'.repeat(5001);
  const tooLong = await a.agent.post(`${MODULE}/reflections/${id}`).type('form').send({ _csrf: a.csrf, text: long }).expect(422);
  expect(tooLong.text).toContain(long);
  expect(tooLong.text).toContain('Please keep your reflection under 5,000 characters.');
  const b = await enrolled();
  const other = await b.agent.get(`${MODULE}?continue=1`).expect(200);
  expect(other.text).not.toContain('My private thought');
});

test('the glossary page and media are served', async () => {
  const glossary = await request(t.app).get(`${COURSE}/glossary`).expect(200);
  expect(glossary.text).toContain('id="term-harm-reduction"');
  const { agent } = await enrolled();
  const page = await agent.get(`${MODULE}?continue=1`).expect(200);
  const src = /<img src="([^"]+)" alt="A single dot">/.exec(page.text)![1];
  const img = await request(t.app).get(src).expect(200);
  expect(img.headers['content-type']).toBe('image/png');
  expect(img.headers['cache-control']).toContain('immutable');
  await request(t.app).get(`${COURSE}/media/${'0'.repeat(64)}/dot.png`).expect(404);
  await request(t.app).get('/courses/first-aid-basics/glossary').expect(404);
});

// A learner who finished an earlier version hears of the new one on the course page (issue 15,
// point 6): the version notes and the modules added, removed and edited, and may take it. Taking
// it leaves the completion and certificate of the first version as they were: it still verifies.
import request from 'supertest';
import { createTestApp, createUser, csrfFrom, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

type Agent = request.Agent;
const moduleFile = (title: string, body: string) => `---\ntitle: ${title}\nminutes: 5\n---\n${body}\n`;

async function saveFile(agent: Agent, csrf: string, slug: string, file: string, text: string) {
  const page = await agent.get(`/author/courses/${slug}/files/${file}`).expect(200);
  const base = /name="base" value="([0-9a-f]*)"/.exec(page.text)![1];
  await agent.post(`/author/courses/${slug}/files/${file}`).type('form').send({ _csrf: csrf, base, text, intent: 'save' }).expect(303);
}

const publish = (agent: Agent, csrf: string, slug: string, notes: string) =>
  agent.post(`/author/courses/${slug}/publish`).type('form').send({ _csrf: csrf, notes }).expect(303);

test('a learner who finished version 1 sees what changed in version 2, and may take it; the version 1 certificate still verifies', async () => {
  const { agent } = await createUser(t, 'trainer', 'Tess Trainer');
  const csrf = await csrfFrom(agent, '/author/new');
  await agent.post('/author/new').type('form')
    .send({ _csrf: csrf, slug: 'renewed', title: 'Renewed course', summary: 'A summary.', audience: ['police'], minutes: '15' }).expect(303);
  await saveFile(agent, csrf, 'renewed', '01-introduction.md', moduleFile('Alpha', '## Alpha\n\nThe first module.'));
  for (const title of ['Beta', 'Gamma']) await agent.post('/author/courses/renewed/modules').type('form').send({ _csrf: csrf, title }).expect(303);
  await publish(agent, csrf, 'renewed', 'Three modules.');

  // The learner finishes version 1 and gets its certificate.
  const learner = await createUser(t, 'learner', 'Lee Learner');
  const lcsrf = await csrfFrom(learner.agent, '/courses/renewed');
  await learner.agent.post('/courses/renewed/enrol').type('form').send({ _csrf: lcsrf }).expect(303);
  for (const key of ['introduction', 'beta', 'gamma']) await learner.agent.post(`/courses/renewed/modules/${key}/complete`).type('form').send({ _csrf: lcsrf }).expect(303);
  const finished = await learner.agent.get('/courses/renewed').expect(200);
  expect(finished.text).toContain('Well done: you have completed this course.');
  expect(finished.text).not.toContain('A newer version of this course');
  const code = /\/certificates\/([A-Z0-9]+)\.pdf/.exec(finished.text)![1];

  // The trainer edits Alpha, takes Beta out, adds Delta, and publishes version 2 with notes.
  await saveFile(agent, csrf, 'renewed', '01-introduction.md', moduleFile('Alpha', '## Alpha\n\nThe first module, rewritten for 2027.'));
  await agent.post('/author/courses/renewed/modules/beta/delete').type('form').send({ _csrf: csrf }).expect(303);
  await agent.post('/author/courses/renewed/modules').type('form').send({ _csrf: csrf, title: 'Delta' }).expect(303);
  await publish(agent, csrf, 'renewed', 'Rewrote Alpha for the 2027 law; Beta is replaced by Delta.');

  const page = await learner.agent.get('/courses/renewed').expect(200);
  expect(page.text).toContain('A newer version of this course');
  expect(page.text).toContain('Rewrote Alpha for the 2027 law; Beta is replaced by Delta.');
  expect(page.text).toContain('New module: Delta');
  expect(page.text).toContain('Module taken out: Beta');
  expect(page.text).toContain('Module changed: Alpha');
  expect(page.text).not.toContain('Module changed: Gamma');
  // Their completion is still shown, on the version they finished.
  expect(page.text).toContain('Well done: you have completed this course.');

  // They take the new version: a new round on version 2, from its first module.
  const take = await learner.agent.post('/courses/renewed/retake').type('form').send({ _csrf: lcsrf }).expect(303);
  expect(take.headers.location).toBe('/courses/renewed/modules/introduction');
  expect((await learner.agent.get(take.headers.location).expect(200)).text).toContain('The first module, rewritten for 2027.');
  const after = await learner.agent.get('/courses/renewed').expect(200);
  expect(after.text).not.toContain('A newer version of this course');
  expect(after.text).toContain('0 of 3 modules complete');
  const current = Number((await t.testDb.db('courses').where({ slug: 'renewed' }).first()).current_version_id);
  const enrolment = await t.testDb.db('enrolments').where({ user_id: learner.user.id }).first();
  expect(Number(enrolment.version_id)).toBe(current);
  expect(enrolment.completed_at).toBeNull();

  // The certificate of version 1 still verifies, and its completion is kept.
  const verify = await request(t.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(200);
  expect(verify.body).toMatchObject({ valid: true, status: 'valid', holderName: 'Lee Learner', courseTitle: 'Renewed course' });
  const completions = await t.testDb.db('completions').where({ user_id: learner.user.id }).select('version_id');
  expect(completions.map((c) => Number(c.version_id))).not.toContain(current);
  expect(completions).toHaveLength(1);

  // Finishing version 2 completes it again, with a certificate of its own; the first still verifies.
  for (const key of ['introduction', 'gamma', 'delta']) await learner.agent.post(`/courses/renewed/modules/${key}/complete`).type('form').send({ _csrf: lcsrf }).expect(303);
  const again = await t.testDb.db('completions').where({ user_id: learner.user.id }).orderBy('id').select('version_id');
  expect(again.map((c) => Number(c.version_id))).toEqual([Number(completions[0].version_id), current]);
  expect((await request(t.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(200)).body).toMatchObject({ valid: true });
});

test('without a newer version, a finished course with a valid certificate may not be retaken', async () => {
  const learner = await createUser(t, 'learner', 'Sam Settled');
  const csrf = await csrfFrom(learner.agent, '/courses/first-aid-basics');
  await learner.agent.post('/courses/first-aid-basics/enrol').type('form').send({ _csrf: csrf }).expect(303);
  for (const key of ['welcome', 'middle', 'wrap-up']) await learner.agent.post(`/courses/first-aid-basics/modules/${key}/complete`).type('form').send({ _csrf: csrf }).expect(303);
  const page = await learner.agent.get('/courses/first-aid-basics').expect(200);
  expect(page.text).not.toContain('A newer version of this course');
  await learner.agent.post('/courses/first-aid-basics/retake').type('form').send({ _csrf: csrf }).expect(409);
});

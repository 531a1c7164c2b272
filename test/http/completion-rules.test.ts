// Completion rules and the pre/post survey as a learner meets them: the survey asked before the
// first module and at the end, what is missing said in plain words, the course completing (with its
// certificate) in the request that meets the last condition, exactly once under double submits and
// two tabs, a minimum time per module, and courses without rules finishing as they always did.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { completeModules, signedInUser } from '../support/factories';
import { answer, publishAssessmentCourse, surveyForm } from '../support/assessment';
import type { PublishedCourse } from '../support/factories';

let t: TestApp;
let graded: PublishedCourse;
beforeAll(async () => {
  t = await createTestApp();
  graded = await publishAssessmentCourse(t, 'graded-course');
  await publishAssessmentCourse(t, 'timed-course');
});
afterAll(async () => { await t.close(); });

const COURSE = '/courses/graded-course';
const START = `${COURSE}/modules/start`;
const END = `${COURSE}/modules/end`;

async function counts(userId: number) {
  const [completions, certificates] = await Promise.all([
    t.testDb.db('completions').where({ user_id: userId }).count({ n: '*' }).first(),
    t.testDb.db('certificates').where({ user_id: userId }).count({ n: '*' }).first(),
  ]);
  return { completions: Number(completions!.n), certificates: Number(certificates!.n) };
}

async function enrolled() {
  const l = await signedInUser(t);
  const res = await l.agent.post(`${COURSE}/enrol`).type('form').send({ _csrf: l.csrf }).expect(303);
  return { ...l, enrolRedirect: res.headers.location as string };
}

/** Passes every check of the graded course, over HTTP. */
async function passEverything(agent: request.Agent, csrf: string) {
  await answer(agent, csrf, START, 'start--border', ['No.']);
  await answer(agent, csrf, START, 'start--roles', ['Working indoors.', 'Screening clients.']);
  await answer(agent, csrf, START, 'start--reports', ['False']);
  await answer(agent, csrf, END, 'end--scenario-the-licence-check', ['Follow your city']);
  await answer(agent, csrf, END, 'end--recheck', ['Before each release']);
}

test('the pre-course survey comes first: enrolling and every module page lead to it until it is answered', async () => {
  const l = await enrolled();
  expect(l.enrolRedirect).toBe(`${COURSE}/survey/pre`);
  expect((await l.agent.get(START).expect(303)).headers.location).toBe(`${COURSE}/survey/pre`);
  const page = await l.agent.get(`${COURSE}/survey/pre`).expect(200);
  expect(page.text).toContain('How much do you agree?');
  expect(page.text).toContain('True or false?');
  expect(page.text).toContain('Strongly disagree');
  expect(page.text).toContain('Your answers are stored without your name.');
  const sent = await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 2) }).expect(303);
  expect(sent.headers.location).toBe(START);
  await l.agent.get(START).expect(200);
  // Answered: the page moves on, and the same form again stores nothing more.
  expect((await l.agent.get(`${COURSE}/survey/pre`).expect(303)).headers.location).toBe(START);
  await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 5) }).expect(303);
  const rows = await t.testDb.db('survey_responses').where({ phase: 'pre' }).select('*');
  const mine = rows.filter((r) => JSON.parse(r.answers)['same-response'] === 2);
  expect(mine).toHaveLength(1);
  // No user id in the row: only a pseudonym, the day and the answers.
  expect(Object.keys(mine[0]).sort()).toEqual(['answered_on', 'answers', 'course_id', 'id', 'phase', 'respondent', 'version_id']);
  expect(mine[0].respondent).toMatch(/^[0-9a-f]{32}$/);
  expect(mine[0].answered_on).toBe('2026-03-01');
});

describe('a survey form that is empty, incomplete or tampered with stores nothing', () => {
  test('empty (422), incomplete (422, answers kept), unknown item or value (400), too early for the post-course survey (409)', async () => {
    const l = await enrolled();
    const before = await t.testDb.db('survey_responses').count({ n: '*' }).first();
    const empty = await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf }).expect(422);
    expect(empty.text).toContain('Choose an answer for each statement: none was answered.');
    const partial = { ...surveyForm(graded.course, 4) };
    delete partial['i-move-along'];
    const incomplete = await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...partial }).expect(422);
    expect(incomplete.text).toContain('Choose an answer for 1 more statement.');
    expect(incomplete.text).toMatch(/id="i-same-response-4" name="i-same-response" value="4" checked/);
    expect(incomplete.text).toMatch(/id="i-move-along-error"/);
    await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 4), 'i-not-an-item': '3' }).expect(400);
    await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 9) }).expect(400);
    await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 4, 'maybe') }).expect(400);
    const early = await l.agent.post(`${COURSE}/survey/post`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 4) }).expect(409);
    expect(early.text).toContain('once every module is complete');
    await l.agent.get(`${COURSE}/survey/sideways`).expect(404);
    expect(await t.testDb.db('survey_responses').count({ n: '*' }).first()).toEqual(before);
  });
});

test('the journey: fail, wait, pass, finish the modules, and the course completes at the post-course survey', async () => {
  const l = await enrolled();
  await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 2) }).expect(303);
  await answer(l.agent, l.csrf, START, 'start--border', ['Yes, always.']);
  t.clock.advance(10 * 60_000);
  await passEverything(l.agent, l.csrf);
  await l.agent.post(`${START}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  const last = await l.agent.post(`${END}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  expect(last.headers.location).toBe(`${COURSE}/survey/post`);
  expect(await counts(l.user.id)).toEqual({ completions: 0, certificates: 0 });
  const course = await l.agent.get(COURSE).expect(200);
  expect(course.text).toContain('What is left to finish the course');
  expect(course.text).toContain('Answer the end-of-course survey.');
  const done = await l.agent.post(`${COURSE}/survey/post`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 4, 'true') }).expect(303);
  expect(done.headers.location).toBe(`${COURSE}/evaluation?completed=1`);
  expect(await counts(l.user.id)).toEqual({ completions: 1, certificates: 1 });
  const evaluation = await l.agent.get(`${COURSE}/evaluation?completed=1`).expect(200);
  expect(evaluation.text).toContain('Well done: you have completed this course.');
  expect(evaluation.text).toMatch(/href="\/certificates\/[A-Z0-9]+\.pdf"/);
  expect(evaluation.text).toContain('The course was relevant to my job.');
  // The pre and post answers pair under one pseudonym.
  const rows = await t.testDb.db('survey_responses').whereIn('phase', ['pre', 'post']).select('respondent', 'phase');
  const post = rows.filter((r) => r.phase === 'post');
  expect(post).toHaveLength(1);
  expect(rows.filter((r) => r.respondent === post[0].respondent).map((r) => r.phase).sort()).toEqual(['post', 'pre']);
});

test('what is missing is said in plain words, with links', async () => {
  const l = await enrolled();
  await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 3) }).expect(303);
  await answer(l.agent, l.csrf, START, 'start--border', ['No.']);
  await l.agent.post(`${START}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  const page = await l.agent.get(COURSE).expect(200);
  expect(page.text).toContain('What is left to finish the course');
  expect(page.text).toContain('Mark 1 module complete');
  expect(page.text).toContain(`<a href="${END}">The end</a>`);
  expect(page.text).toContain('Answer 4 knowledge checks correctly');
  expect(page.text).toContain(`<a href="${START}?continue=1">Start (2)</a>`);
  expect(page.text).toContain('Answer the end-of-course survey, once every module is complete.');
});

test('exactly once: the post-course survey sent from two tabs at once completes the course once, with one certificate', async () => {
  const l = await enrolled();
  await l.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: l.csrf, ...surveyForm(graded.course, 2) }).expect(303);
  await passEverything(l.agent, l.csrf);
  await l.agent.post(`${START}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  await l.agent.post(`${END}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  const form = { _csrf: l.csrf, ...surveyForm(graded.course, 4) };
  const results = await Promise.all([0, 1, 2].map(() => l.agent.post(`${COURSE}/survey/post`).type('form').send(form)));
  expect(results.map((r) => r.status)).toEqual([303, 303, 303]);
  expect(await counts(l.user.id)).toEqual({ completions: 1, certificates: 1 });
  expect(await t.testDb.db('survey_responses').where({ phase: 'post' }).count({ n: '*' }).first().then((r) => Number(r!.n))).toBeGreaterThanOrEqual(1);
});

test('exactly once: the last check and the last module finished together in two tabs', async () => {
  const l = await signedInUser(t);
  await t.services.learning.enrol('timed-course', l.user);
  const first = '/courses/timed-course/modules/first';
  const second = '/courses/timed-course/modules/second';
  await l.agent.get(`${first}`).expect(200);
  await l.agent.get(`${second}`).expect(200);
  t.clock.advance(3 * 60_000);
  await l.agent.post(`${first}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  const page = await l.agent.get(first);
  const { optionsOnPage, attemptOnPage, idsFor } = await import('../support/assessment');
  const [a, b] = await Promise.all([
    l.agent.post(`${first}/checks/first--colour`).type('form').send({ _csrf: l.csrf, option: idsFor(optionsOnPage(page.text, 'first--colour'), ['Green.']), attempt: attemptOnPage(page.text, 'first--colour') }),
    l.agent.post(`${second}/complete`).type('form').send({ _csrf: l.csrf }),
  ]);
  expect([a.status, b.status]).toEqual([200, 303]);
  expect(await counts(l.user.id)).toEqual({ completions: 1, certificates: 1 });
});

test('a minimum time per module: marking complete too soon is refused (409) with the time left, then allowed', async () => {
  const l = await signedInUser(t);
  await t.services.learning.enrol('timed-course', l.user);
  const second = '/courses/timed-course/modules/second';
  const page = await l.agent.get(second).expect(200);
  expect(page.text).toContain('This course asks for at least 3 minutes on each module: you can mark this one complete in about 3 minutes.');
  t.clock.advance(60_000);
  const soon = await l.agent.post(`${second}/complete`).type('form').send({ _csrf: l.csrf }).expect(409);
  expect(soon.text).toContain('you can mark this one complete in about 2 minutes');
  expect(await t.testDb.db('module_progress').where({ module_key: 'second' }).join('enrolments', 'enrolments.id', 'module_progress.enrolment_id').where('enrolments.user_id', l.user.id).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(0);
  t.clock.advance(2 * 60_000);
  await l.agent.post(`${second}/complete`).type('form').send({ _csrf: l.csrf }).expect(303);
  // A module never opened has no time on it yet.
  await l.agent.post('/courses/timed-course/modules/first/complete').type('form').send({ _csrf: l.csrf }).expect(409);
});

test('"every check answered": a wrong answer counts as answered', async () => {
  const l = await signedInUser(t);
  await t.services.learning.enrol('timed-course', l.user);
  await l.agent.get('/courses/timed-course/modules/first').expect(200);
  await l.agent.get('/courses/timed-course/modules/second').expect(200);
  t.clock.advance(3 * 60_000);
  await l.agent.post('/courses/timed-course/modules/first/complete').type('form').send({ _csrf: l.csrf }).expect(303);
  const last = await l.agent.post('/courses/timed-course/modules/second/complete').type('form').send({ _csrf: l.csrf }).expect(303);
  expect(last.headers.location).toBe('/courses/timed-course');
  expect((await l.agent.get('/courses/timed-course')).text).toContain('Answer 1 knowledge check');
  const res = await answer(l.agent, l.csrf, '/courses/timed-course/modules/first', 'first--colour', ['Green.']);
  expect(await counts(l.user.id)).toEqual({ completions: 1, certificates: 1 });
  expect(res.text).toContain('Well done: you have completed this course.');
  expect(res.text).toContain('href="/courses/timed-course?completed=1"');
});

test('a course without rules completes when every module is marked complete, checks unanswered, as before', async () => {
  const l = await signedInUser(t);
  await completeModules(t, l.user, 'blocks-demo', ['everything', 'second']);
  expect(await counts(l.user.id)).toEqual({ completions: 1, certificates: 1 });
  const page = await l.agent.get('/courses/blocks-demo').expect(200);
  expect(page.text).not.toContain('What is left to finish the course');
});

test('the evaluation: open once the course is finished, empty refused (422), too long kept (422), given once', async () => {
  const l = await signedInUser(t);
  await l.agent.get('/courses/first-aid-basics/evaluation').expect(404);
  await completeModules(t, l.user, 'first-aid-basics', ['welcome']);
  await l.agent.get('/courses/first-aid-basics/evaluation').expect(303);
  expect((await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf, useful: '5' }).expect(409)).text).toContain('once you have finished the course');
  await completeModules(t, l.user, 'first-aid-basics', ['middle', 'wrap-up']);
  const course = await l.agent.get('/courses/first-aid-basics').expect(200);
  expect(course.text).toContain('/courses/first-aid-basics/evaluation');
  await l.agent.get('/courses/first-aid-basics/evaluation').expect(200);
  expect((await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf }).expect(422)).text).toContain('Answer at least one question, or write a comment.');
  const long = 'x'.repeat(2001);
  expect((await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf, comment: long }).expect(422)).text).toContain(long);
  await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf, useful: '7' }).expect(400);
  expect(await t.testDb.db('course_evaluations').count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(0);
  await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf, useful: '5', relevant: '4', comment: 'Good examples.' }).expect(303);
  await l.agent.post('/courses/first-aid-basics/evaluation').type('form').send({ _csrf: l.csrf, useful: '1' }).expect(303);
  const rows = await t.testDb.db('course_evaluations').select('*');
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ useful: 5, relevant: 4, recommend: null, comment: 'Good examples.' });
  expect((await l.agent.get('/courses/first-aid-basics?evaluated=1')).text).toContain('Thank you: your answers were recorded.');
});

test('a visitor is asked to sign in; a learner not enrolled finds nothing', async () => {
  expect((await request(t.app).get(`${COURSE}/survey/pre`).expect(303)).headers.location).toMatch(/^\/login\?next=/);
  const other = await signedInUser(t);
  await other.agent.get(`${COURSE}/survey/pre`).expect(404);
  await other.agent.post(`${COURSE}/survey/pre`).type('form').send({ _csrf: other.csrf, ...surveyForm(graded.course, 3) }).expect(404);
  await other.agent.get('/courses/first-aid-basics/survey/pre').expect(404);
});

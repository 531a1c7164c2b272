// Graded checks as a learner meets them: options in an order of their own with opaque ids, the
// answer key withheld until an answer is stored, every attempt stored with its score and time,
// attempt limits and waits, pass marks, and bad input refused with nothing stored.
import { createTestApp, type TestApp } from '../support/app';
import { signedInUser, type SignedIn } from '../support/factories';
import { answer, attemptOnPage, idsFor, optionsOnPage, publishAssessmentCourse } from '../support/assessment';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await publishAssessmentCourse(t, 'graded-course');
  await publishAssessmentCourse(t, 'timed-course');
});
afterAll(async () => { await t.close(); });

const COURSE = '/courses/graded-course';
const START = `${COURSE}/modules/start`;
const END = `${COURSE}/modules/end`;
const MINUTE = 60_000;

/** A learner enrolled in the graded course, past its pre-course survey. */
async function learner(): Promise<SignedIn & { userId: number }> {
  const made = await signedInUser(t);
  await t.services.learning.enrol('graded-course', made.user);
  const survey = (await t.services.curriculum.catalog()).find((c) => c.course.slug === 'graded-course')!.course.survey!;
  const answers = Object.fromEntries(survey.items.map((i) => [i.id, i.kind === 'attitude' ? 3 : 'not-sure']));
  await t.services.learning.submitSurvey('graded-course', 'pre', answers, made.user);
  return { agent: made.agent, csrf: made.csrf, userId: made.user.id };
}

async function attempts(userId: number, checkId?: string) {
  const q = t.testDb.db('check_attempts').where({ user_id: userId }).orderBy('id');
  if (checkId) q.where({ check_id: checkId });
  return q.select('check_id', 'attempt', 'chosen', 'score', 'passed', 'attempted_at');
}

test('before an answer the page holds no answer key and no feedback; options carry opaque ids', async () => {
  const a = await learner();
  const page = await a.agent.get(`${START}?continue=1`).expect(200);
  expect(page.text).not.toMatch(/correct|right answer/i);
  for (const feedback of ['holding or controlling someone involves no travel', 'the offence is about control', 'any labour or service', 'indoors, workers', 'they circulate']) {
    expect(page.text).not.toContain(feedback);
  }
  const options = optionsOnPage(page.text, 'start--border');
  expect(options.map((o) => o.text).sort()).toEqual(['No.', 'Only when sexual services are involved.', 'Yes, always.']);
  // Ids say nothing of position or rightness: not indexes, the same length, no pattern.
  for (const o of options) expect(o.id).toMatch(/^[0-9a-f]{10}$/);
  expect(new Set(options.map((o) => o.id)).size).toBe(3);
});

test('options are shuffled per learner, stable across reloads; true/false and keep-order checks stay as written', async () => {
  const orders = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const a = await learner();
    const first = optionsOnPage((await a.agent.get(`${START}?continue=1`)).text, 'start--border').map((o) => o.text);
    const again = optionsOnPage((await a.agent.get(`${START}?continue=1`)).text, 'start--border').map((o) => o.text);
    expect(again).toEqual(first);
    orders.add(first.join('|'));
    expect(optionsOnPage((await a.agent.get(`${START}?continue=1`)).text, 'start--reports').map((o) => o.text)).toEqual(['True', 'False']);
    expect(optionsOnPage((await a.agent.get(END)).text, 'end--recheck').map((o) => o.text.slice(0, 5))).toEqual(['Never', 'Once ', 'Befor']);
  }
  expect(orders.size).toBeGreaterThan(1);
});

test('a wrong answer is stored with its score and time, shows only its own feedback, and the wait is enforced', async () => {
  const a = await learner();
  const wrong = await answer(a.agent, a.csrf, START, 'start--border', ['Yes, always.']);
  expect(wrong.text).toContain('Not quite.');
  expect(wrong.text).toContain('holding or controlling someone involves no travel');
  expect(wrong.text).not.toContain('the offence is about control and exploitation');
  expect(wrong.text).toContain('You can answer again in about 10 minutes.');
  expect(wrong.text).toContain('2 attempts left.');
  const stored = await attempts(a.userId, 'start--border');
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ attempt: 1, passed: expect.anything() });
  expect(Boolean(stored[0].passed)).toBe(false);
  expect(Number(stored[0].score)).toBe(0);
  expect(JSON.parse(stored[0].chosen)).toEqual(idsFor(optionsOnPage(wrong.text, 'start--border'), ['Yes, always.']));

  // Reloaded, the page still shows the attempt and its feedback (the answer was stored).
  const reload = await a.agent.get(`${START}?continue=1`).expect(200);
  expect(reload.text).toContain('holding or controlling someone involves no travel');

  const early = await answer(a.agent, a.csrf, START, 'start--border', ['No.'], 429);
  expect(early.headers['retry-after']).toBe('600');
  expect(early.text).toContain('Wait about 10 more minutes before answering again');
  expect(await attempts(a.userId, 'start--border')).toHaveLength(1);

  t.clock.advance(10 * MINUTE);
  const right = await answer(a.agent, a.csrf, START, 'start--border', ['No.']);
  expect(right.text).toContain('That is right.');
  expect(right.text).toContain('the offence is about control and exploitation');
  expect(right.text).not.toContain('Check again');
  const after = await attempts(a.userId, 'start--border');
  expect(after.map((r) => [r.attempt, Boolean(r.passed), Number(r.score)])).toEqual([[1, false, 0], [2, true, 1]]);
  expect(new Date(after[1].attempted_at).getTime() - new Date(after[0].attempted_at).getTime()).toBe(10 * MINUTE);
});

test('after the last attempt allowed, a further answer is refused (409) and the right answer is shown', async () => {
  const a = await learner();
  for (let i = 0; i < 3; i++) {
    await answer(a.agent, a.csrf, START, 'start--border', ['Yes, always.']);
    t.clock.advance(10 * MINUTE);
  }
  const page = await a.agent.get(`${START}?continue=1`).expect(200);
  expect(page.text).toContain('No attempts left.');
  expect(page.text).toContain('the offence is about control and exploitation');
  expect(page.text).toMatch(/No\.\s*<strong class="answer-mark correct">\(right answer\)<\/strong>/);
  const ids = optionsOnPage(page.text, 'start--border');
  const refused = await a.agent.post(`${START}/checks/start--border`).type('form').send({ _csrf: a.csrf, option: idsFor(ids, ['No.']), attempt: '4' }).expect(409);
  expect(refused.text).toContain('You have answered this question as many times as the course allows.');
  expect(await attempts(a.userId, 'start--border')).toHaveLength(3);
});

test('a pass mark per check: half of a "choose all" question passes where the course sets 50', async () => {
  const a = await learner();
  const half = await answer(a.agent, a.csrf, START, 'start--roles', ['Working indoors.']);
  expect(half.text).toContain('That is right.');
  const [row] = await attempts(a.userId, 'start--roles');
  expect(Number(row.score)).toBeCloseTo(0.5);
  expect(Boolean(row.passed)).toBe(true);

  const b = await learner();
  // A right and a wrong option: 1 - 1 = 0 of 2.
  await answer(b.agent, b.csrf, START, 'start--roles', ['Working indoors.', 'Working alone']);
  const [mixed] = await attempts(b.userId, 'start--roles');
  expect([Number(mixed.score), Boolean(mixed.passed)]).toEqual([0, false]);
});

test('a graded scenario is answered like a check and shows the outcome of the choice made', async () => {
  const a = await learner();
  const page = await a.agent.get(END).expect(200);
  expect(page.text).toContain('The licence check');
  expect(page.text).not.toContain('nobody is put at risk');
  const res = await answer(a.agent, a.csrf, END, 'end--scenario-the-licence-check', ['Follow your city']);
  expect(res.text).toContain('A good choice.');
  expect(res.text).toContain('nobody is put at risk');
  expect(res.text).toContain('Ask how to involve a support organization.');
});

describe('bad input: a clear message, the right status, nothing stored', () => {
  test('unknown option id (400), a tampered or missing attempt number (400), two answers to a one-answer check (400), empty (422)', async () => {
    const a = await learner();
    const page = await a.agent.get(`${START}?continue=1`);
    const ids = optionsOnPage(page.text, 'start--border').map((o) => o.id);
    const post = (body: Record<string, unknown>) => a.agent.post(`${START}/checks/start--border`).type('form').send({ _csrf: a.csrf, ...body });

    const unknown = await post({ option: 'ffffffffff', attempt: '1' }).expect(400);
    expect(unknown.text).toContain('The answer sent is not one of this question');
    expect((await post({ option: '0', attempt: '1' }).expect(400)).text).toContain('is not one of this question');
    expect((await post({ option: ids[0], attempt: '7' }).expect(400)).text).toContain('The form sent does not match the page');
    expect((await post({ option: ids[0], attempt: 'x' }).expect(400)).text).toContain('The form sent does not match the page');
    await post({ option: ids[0] }).expect(400);
    await post({ option: [ids[0], ids[1]], attempt: '1' }).expect(400);
    const empty = await post({ attempt: '1' }).expect(422);
    expect(empty.text).toContain('Choose an answer first.');
    expect(await attempts(a.userId)).toHaveLength(0);
  });

  test('a check of another course or module is not found (404)', async () => {
    const a = await learner();
    await a.agent.post(`${START}/checks/first--colour`).type('form').send({ _csrf: a.csrf, option: 'abc', attempt: '1' }).expect(404);
    await a.agent.post(`${START}/checks/end--recheck`).type('form').send({ _csrf: a.csrf, option: 'abc', attempt: '1' }).expect(404);
    await a.agent.post(`/courses/timed-course/modules/first/checks/start--border`).type('form').send({ _csrf: a.csrf, option: 'abc', attempt: '1' }).expect(404);
    expect(await attempts(a.userId)).toHaveLength(0);
  });

  test('a double submit or a second tab stores one attempt, and says so', async () => {
    const a = await learner();
    const page = await a.agent.get(`${START}?continue=1`);
    const form = { _csrf: a.csrf, option: idsFor(optionsOnPage(page.text, 'start--border'), ['Yes, always.']), attempt: attemptOnPage(page.text, 'start--border') };
    const [one, two] = await Promise.all([
      a.agent.post(`${START}/checks/start--border`).type('form').send(form),
      a.agent.post(`${START}/checks/start--border`).type('form').send(form),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect([one.text, two.text].filter((x) => x.includes('This answer was already recorded'))).toHaveLength(1);
    expect(await attempts(a.userId, 'start--border')).toHaveLength(1);
  });

  test('a learner not enrolled cannot answer (404), nor can a visitor (403: no session, no form token)', async () => {
    const other = await signedInUser(t);
    await other.agent.post(`${START}/checks/start--border`).type('form').send({ _csrf: other.csrf, option: 'abc', attempt: '1' }).expect(404);
    const request = (await import('supertest')).default;
    await request(t.app).post(`${START}/checks/start--border`).type('form').send({ option: 'abc', attempt: '1' }).expect(403);
  });
});

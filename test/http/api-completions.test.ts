// GET /api/v1/completions: one row per learner and required course, with the same statuses and
// numbers as the managers' report (the same report service), filtered, paged to the end, and as
// CSV streamed whole. Nothing a learner wrote or answered is ever in it.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { completeModules, publishCourse } from '../support/factories';
import { apiGet, makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { optionIds } from '../../src/learning/grading';

let t: TestApp;
let a: ReportingOrganization;
let b: ReportingOrganization;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Cedar Police');
  b = await makeReportingOrganization(t, 'Dogwood Health');
});
afterAll(async () => { await t.close(); });

type Row = { learner: { id: number; name: string; email: string }; unit: { id: number; name: string } | null; course: { id: number; slug: string }; status: string; percent: number; dueAt: string | null; completedAt: string | null; expiresAt: string | null };

async function rows(query: string, token = a.token.token): Promise<Row[]> {
  const out: Row[] = [];
  let url: string | null = `/api/v1/completions${query}`;
  while (url) {
    const res: request.Response = await apiGet(t, url, token).expect(200);
    out.push(...res.body.data);
    url = res.body.next ? String(res.body.next).slice('http://bridgework.test'.length) : null;
  }
  return out;
}

const key = (r: Row) => `${r.learner.id}:${r.course.id}`;

test('every learner in every course required of them, in learner then course order, nothing of another organization', async () => {
  const all = await rows('');
  // Foundations of all six people (the manager too), the follow-up of South's two.
  expect(all).toHaveLength(8);
  expect(all.map(key)).toEqual([...all].sort((x, y) => x.learner.id - y.learner.id || x.course.id - y.course.id).map(key));
  const done = all.find((r) => r.learner.id === a.people.done.user.id)!;
  expect(done).toEqual({
    learner: { id: a.people.done.user.id, name: 'Cedar Police Done', email: a.people.done.email },
    unit: { id: a.units.north, name: 'Cedar Police North' },
    course: { id: a.courses.foundations.id, slug: a.courses.foundations.slug, title: a.courses.foundations.course.title },
    status: 'completed', percent: 100, dueAt: null, completedAt: '2026-03-01T10:00:00.000Z', expiresAt: null,
  });
  const halfway = all.find((r) => r.learner.id === a.people.halfway.user.id)!;
  expect(halfway).toMatchObject({ status: 'in_progress', percent: 50, completedAt: null, dueAt: expect.stringMatching(/^2026-03-31T23:59:59\.999Z$/) });
  expect(all.filter((r) => r.course.id === a.courses.followUp.id).map((r) => r.learner.id).sort()).toEqual([a.people.southA.user.id, a.people.southB.user.id].sort());
  expect(JSON.stringify(all)).not.toMatch(/Dogwood/i);
});

test('the same numbers as the managers\' report', async () => {
  const api = await rows('');
  const byStatus: Record<string, number> = {};
  for (const r of api) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const summary = await t.services.reports.summary(a.id, {});
  expect(Object.fromEntries(Object.entries(summary.byStatus).filter(([, n]) => n > 0))).toEqual(byStatus);
  expect(summary.required).toBe(api.length);
  const reportRows = [];
  for await (const r of t.services.reports.rows(a.id, {}, { order: 'id' })) reportRows.push(`${r.userId}:${r.courseId}:${r.status}:${Math.round(r.percent)}`);
  expect(api.map((r) => `${r.learner.id}:${r.course.id}:${r.status}:${r.percent}`)).toEqual(reportRows);
});

test('filters: status (one or several), unit, people in no unit, course by id or slug, one learner', async () => {
  expect((await rows('?status=completed')).map(key)).toEqual([`${a.people.done.user.id}:${a.courses.foundations.id}`]);
  expect((await rows('?status=completed,in_progress')).map((r) => r.learner.id).sort()).toEqual([a.people.done.user.id, a.people.halfway.user.id].sort());
  const south = await rows(`?unit=${a.units.south}`);
  expect(south).toHaveLength(4);
  expect(south.every((r) => r.unit?.id === a.units.south)).toBe(true);
  expect((await rows('?unit=none')).map((r) => r.learner.id).sort()).toEqual([a.manager.user.id, a.people.idle.user.id].sort());
  expect(await rows(`?course=${a.courses.followUp.slug}`)).toHaveLength(2);
  expect(await rows(`?course=${a.courses.foundations.id},${a.courses.followUp.slug}`)).toHaveLength(8);
  const one = await rows(`?learner=${a.people.southA.user.id}`);
  expect(one.map((r) => r.course.id).sort()).toEqual([a.courses.foundations.id, a.courses.followUp.id].sort());
  expect(await rows(`?learner=${b.people.southA.user.id}`)).toEqual([]);
  expect(await rows(`?learner=${a.people.southA.user.id}&course=${a.courses.followUp.id}&status=not_started&unit=${a.units.south}`)).toHaveLength(1);
});

test('updated since: rows whose learner was active or completed since; overdue as time passes', async () => {
  t.clock.advance(DAY);
  await completeModules(t, a.people.southA.user, a.courses.followUp.slug, ['one']);
  const since = new Date(t.clock.now().getTime() - 1000).toISOString();
  const recent = await rows(`?updated_since=${encodeURIComponent(since)}`);
  expect(recent.map(key)).toEqual([`${a.people.southA.user.id}:${a.courses.followUp.id}`]);
  expect(recent[0]).toMatchObject({ status: 'in_progress', percent: 25 });
  expect(await rows('?updated_since=2026-03-01')).toHaveLength(3);
  t.clock.advance(40 * DAY);
  const overdue = await rows('?status=overdue');
  expect(overdue.map((r) => r.learner.id).sort()).toEqual(
    [a.manager.user.id, a.people.halfway.user.id, a.people.idle.user.id, a.people.southA.user.id, a.people.southA.user.id, a.people.southB.user.id, a.people.southB.user.id].sort());
});

test('paging: every row exactly once whatever the page size, with the filters kept in `next`', async () => {
  const all = (await rows('?limit=1000')).map(key);
  for (const limit of [1, 2, 3, 7, 8]) {
    const res = await apiGet(t, `/api/v1/completions?limit=${limit}&status=overdue,completed,in_progress,not_started`, a.token.token).expect(200);
    expect(res.body.data.length).toBe(Math.min(limit, all.length));
    if (res.body.next) expect(res.body.next).toContain('status=overdue%2Ccompleted%2Cin_progress%2Cnot_started');
    const walked = (await rows(`?limit=${limit}`)).map(key);
    expect(walked).toEqual(all);
  }
  const oneLearner = (await rows(`?learner=${a.people.southB.user.id}&limit=1`)).map(key);
  expect(oneLearner).toHaveLength(2);
});

test('CSV: the whole filtered report, streamed, with a BOM, CRLF and formulas neutralized', async () => {
  await t.testDb.db('users').where({ id: a.people.idle.user.id }).update({ display_name: '=HYPERLINK("http://evil.example","Cedar Police Idle")' });
  const json = await rows('');
  for (const res of [
    await apiGet(t, '/api/v1/completions?format=csv', a.token.token),
    await apiGet(t, '/api/v1/completions', a.token.token).set('Accept', 'text/csv'),
  ]) {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = res.text;
    expect(text.startsWith('\uFEFFlearner_id,learner_name,email,unit_id,unit,course_id,course_slug,course,status,percent,due_at,completed_at,expires_at\r\n')).toBe(true);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(json.length + 1);
    expect(text).toContain(`${a.people.idle.user.id},"'=HYPERLINK(""http://evil.example"",""Cedar Police Idle"")",`);
    expect(text).not.toMatch(/Dogwood/i);
  }
  const south = await apiGet(t, `/api/v1/completions?format=csv&unit=${a.units.south}&status=overdue`, a.token.token).expect(200);
  expect(south.text.slice(1).split('\r\n').filter(Boolean)).toHaveLength(1 + 4);
  // `format` wins over Accept; JSON asked for is JSON.
  const asJson = await apiGet(t, '/api/v1/completions?format=json', a.token.token).set('Accept', 'text/csv').expect(200);
  expect(asJson.headers['content-type']).toMatch(/^application\/json/);
});

test('nonsense filters are 400 problems naming the parameter', async () => {
  const cases: [string, string][] = [
    ['status=done', 'status'], ['status=completed,', 'status'], ['status=completed&status=overdue', 'status'],
    ['unit=north', 'unit'], [`unit=${b.units.north}`, 'unit'], ['course=Not%20a%20slug', 'course'],
    [`course=${b.courses.foundations.slug}`, 'course'], ['course=no-such-course', 'course'], ['learner=me', 'learner'],
    ['updated_since=2026-02-30', 'updated_since'], ['updated_since=1700000000', 'updated_since'], ['format=xml', 'format'],
    ['format=csv&limit=10', 'limit'], ['limit=5000', 'limit'], ['cursor=abc', 'cursor'], ['sort=name', 'sort'],
  ];
  for (const [query, parameter] of cases) {
    const res = await apiGet(t, `/api/v1/completions?${query}`, a.token.token);
    expect(`${query} ${res.status} ${res.body.parameter}`).toBe(`${query} 400 ${parameter}`);
    expect(res.body.id).toBe('invalid_parameter');
    expect(res.text).not.toMatch(/Dogwood/i);
  }
});

test('no reflection or check answer ever appears, in JSON or CSV', async () => {
  const body = '::: reflection thoughts\nWhat did you notice?\n:::\n\n::: check quiz\nPick one.\n\n- [x] OPTION-RIGHT-7731\n  > FEEDBACK-7731\n- [ ] OPTION-WRONG-7731\n:::\n';
  const course = await publishCourse(t, { spec: { title: 'Reflective practice', modules: [{ key: 'one', body }, 'two'] } });
  const courseId = (await t.services.organizations.assignments.courses()).find((c) => c.slug === course.slug)!.courseId;
  const org = await t.services.organizations.find(a.id);
  const made = await t.services.organizations.assignments.create(org, { courseId, target: 'organization', unitId: null, userId: null, person: '', dueKind: 'window', dueDate: '', withinDays: '30', renews: false }, a.manager.user.id);
  expect(made.ok).toBe(true);
  const learner = a.people.southB.user;
  await t.services.learning.enrol(course.slug, learner);
  await t.services.learning.saveReflection(course.slug, 'one', 'one--thoughts', 'PRIVATE-REFLECTION-7731', learner);
  await t.services.learning.answerCheck(course.slug, 'one', 'one--quiz', { options: optionIds(course.course.modules[0].checks[0])[1], attempt: '1' }, learner);
  await t.services.learning.completeModule(course.slug, 'one', learner);
  const json = await apiGet(t, `/api/v1/completions?course=${course.slug}&limit=1000`, a.token.token).expect(200);
  expect(json.body.data.find((r: Row) => r.learner.id === learner.id)).toMatchObject({ status: 'in_progress', percent: 50 });
  const csv = await apiGet(t, `/api/v1/completions?course=${course.slug}&format=csv`, a.token.token).expect(200);
  for (const text of [json.text, csv.text]) expect(text).not.toMatch(/7731/);
});

test('the completions of another organization\'s token are its own', async () => {
  const other = await rows('', b.token.token);
  expect(other).toHaveLength(8);
  expect(JSON.stringify(other)).not.toMatch(/Cedar/i);
  const csv = await request(t.app).get('/api/v1/completions?format=csv').set('Authorization', `Bearer ${b.token.token}`).expect(200);
  expect(csv.text).not.toMatch(/Cedar/i);
});

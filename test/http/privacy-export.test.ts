// A person downloads everything Bridgework holds about them: their account, enrolments,
// progress, answers, survey answers (found by their pseudonyms), certificates and organization;
// never a secret (password hash, session, token hashes), never another person's rows.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { makeOrganization, makeMember } from '../support/organizations';
import { makeUser, signIn } from '../support/factories';
import { publishAssessmentCourse, takeSurveyCourse, surveyAnswers, answerByService } from '../support/assessment';
import { enqueueEmail } from '../../src/mail/outbox';
import { LINK_REMOVED } from '../../src/privacy/export';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

test('the JSON download and the readable page hold the person\'s data and nothing secret or of others', async () => {
  const graded = await publishAssessmentCourse(t, 'graded-course');
  const org = await makeOrganization(t, { name: 'Saanich Police' });
  const member = await makeMember(t, org.id, { name: 'Marisol Tenzing' });
  const other = await makeMember(t, org.id, { name: 'Other Learner' });
  await takeSurveyCourse(t, member.user, graded.slug, surveyAnswers(graded.course, 2), surveyAnswers(graded.course, 4, 'true'));
  await takeSurveyCourse(t, other.user, graded.slug, surveyAnswers(graded.course, 1), surveyAnswers(graded.course, 5, 'true'));
  await answerByService(t, member.user, graded.slug, 'start', 'start--border', [1]);
  await answerByService(t, other.user, graded.slug, 'start', 'start--border', [0]);
  // Email kept in the outbox is found by its address (in any case), the other person's is not.
  // Its links are left out: one may still reset a password or join an organization.
  const link = 'https://bridgework.test/password/reset/Zq8xN3vR0tLk2mW9yB4cD7fH1jP5sU6a';
  await enqueueEmail(t.testDb.db, { kind: 'test_note', to: member.email.toUpperCase(), subject: 'Your course', text: `Hello. Choose a password: ${link}\nThanks.`, dedupeKey: 'export-a' }, t.clock.now());
  await enqueueEmail(t.testDb.db, { kind: 'test_note', to: other.email, subject: 'Their course', text: 'Hello', dedupeKey: 'export-b' }, t.clock.now());

  const res = await member.agent.get('/account/data.json').expect(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['content-disposition']).toMatch(/^attachment/);
  expect(res.headers['cache-control']).toContain('no-store');
  const data = JSON.parse(res.text) as { generatedAt: string; tables: Record<string, Record<string, unknown>[]> };

  expect(data.tables.users).toEqual([expect.objectContaining({ id: member.user.id, email: member.email, display_name: 'Marisol Tenzing' })]);
  expect(data.tables.memberships).toEqual([expect.objectContaining({ user_id: member.user.id, organization_id: org.id, role: 'member' })]);
  expect(data.tables.enrolments).toHaveLength(1);
  expect(data.tables.module_progress!.length).toBeGreaterThan(0);
  expect(data.tables.check_attempts).toEqual([expect.objectContaining({ check_id: 'start--border', user_id: member.user.id })]);
  // Survey answers carry no user id: found by the person's pseudonyms, shown without them.
  expect(data.tables.survey_responses!.map((r) => r.phase).sort()).toEqual(['post', 'pre']);
  expect(JSON.parse(String(data.tables.survey_responses!.find((r) => r.phase === 'pre')!.answers))).toEqual(surveyAnswers(graded.course, 2));
  expect(JSON.stringify(data.tables.survey_responses)).not.toContain('respondent');
  expect(data.tables.outbox).toEqual([expect.objectContaining({ subject: 'Your course', kind: 'test_note', text_body: `Hello. Choose a password: ${LINK_REMOVED}\nThanks.` })]);
  expect(res.text).not.toContain('Zq8xN3vR0tLk2mW9yB4cD7fH1jP5sU6a');

  // Nothing secret, nothing of another person.
  const text = res.text;
  for (const secret of ['password_hash', 'token_hash', 'csrfToken', '"sid"', 'secret']) expect(text).not.toContain(secret);
  expect(text).not.toContain(other.email);
  expect(text).not.toContain('Other Learner');
  expect(JSON.stringify(data.tables.check_attempts)).not.toContain(String(other.user.id) + ',');

  // The readable page shows the same, for a person to read.
  const page = await member.agent.get('/account/data').expect(200);
  expect(page.text).toContain(member.email);
  expect(page.text).toContain('Marisol Tenzing');
  expect(page.text).toContain('start--border');
  expect(page.text).toContain('href="/account/data.json"');
  // Each column says what it holds (from the registry) beside its name in the download.
  expect(page.text).toContain('Name shown to managers and printed on certificates<br><code class="column-name">display_name</code>');
  expect(page.text).not.toContain(other.email);
});

test('the download is one\'s own only: signed out, it is a sign-in', async () => {
  const res = await request(t.app).get('/account/data.json');
  expect([302, 303]).toContain(res.status);
  expect(res.headers.location).toMatch(/^\/login/);
});

test('a person with nothing but an account gets their account', async () => {
  const made = await makeUser(t, { name: 'Newcomer Person' });
  const { agent } = await signIn(t, made.user);
  const data = JSON.parse((await agent.get('/account/data.json').expect(200)).text) as { tables: Record<string, unknown[]> };
  expect(Object.keys(data.tables)).toEqual(['users']);
});

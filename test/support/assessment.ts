// Courses with graded checks, rules and a survey (test/fixtures/assessment/), and a learner's way
// through them over HTTP: reading a check's options off the page as a browser would (their ids and
// words, in the order shown) and answering by the words of an option.
import path from 'node:path';
import type request from 'supertest';
import type { TestApp } from './app';
import { readCourseFolder } from '../../src/curriculum/parse';
import { makeUser, publishCourse, type PublishedCourse } from './factories';
import type { SessionUser } from '../../src/accounts/types';
import { optionIds } from '../../src/learning/grading';

export const ASSESSMENT_FIXTURES = path.join(__dirname, '..', 'fixtures', 'assessment');

/** Publishes a course of test/fixtures/assessment/ under its folder's name (or another slug). */
export async function publishAssessmentCourse(t: TestApp, folder: string, slug = folder): Promise<PublishedCourse> {
  const { files, problems } = readCourseFolder(path.join(ASSESSMENT_FIXTURES, folder));
  if (problems.length) throw new Error(`fixture ${folder}: ${problems.map((p) => p.message).join('; ')}`);
  return publishCourse(t, { slug, files });
}

export interface ShownOption {
  id: string;
  text: string;
}

/** A check's options as the page shows them: id (the form value) and words, in order. */
export function optionsOnPage(html: string, checkId: string): ShownOption[] {
  const form = new RegExp(`<form[^>]*id="${checkId}"[\\s\\S]*?</form>`).exec(html);
  if (!form) throw new Error(`no check ${checkId} on the page`);
  const out: ShownOption[] = [];
  const re = /<input type="(?:radio|checkbox)" name="option" value="([^"]+)" id="[^"]+"[^>]*>\s*<label for="[^"]+">([\s\S]*?)<\/label>/g;
  for (let m = re.exec(form[0]); m; m = re.exec(form[0])) out.push({ id: m[1], text: m[2].replace(/<strong class="answer-mark[\s\S]*$/, '').replace(/<[^>]+>/g, '').trim() });
  return out;
}

/** The attempt number the check's form would submit. */
export function attemptOnPage(html: string, checkId: string): string {
  const form = new RegExp(`<form[^>]*id="${checkId}"[\\s\\S]*?</form>`).exec(html);
  const m = form && /name="attempt" value="(\d+)"/.exec(form[0]);
  if (!m) throw new Error(`no attempt field for ${checkId}`);
  return m[1];
}

/** The option ids of the options whose words start with these texts. */
export function idsFor(options: ShownOption[], starts: string[]): string[] {
  return starts.map((s) => {
    const o = options.find((x) => x.text.startsWith(s));
    if (!o) throw new Error(`no option starting "${s}" among ${options.map((x) => x.text).join(' | ')}`);
    return o.id;
  });
}

/**
 * Answers a check as a browser would: reads the module page, picks the options by their words and
 * posts the form with its attempt number. Fails unless the response has the status expected.
 */
export async function answer(agent: request.Agent, csrf: string, moduleUrl: string, checkId: string, starts: string[], status = 200) {
  const page = await agent.get(`${moduleUrl}?continue=1`);
  const ids = idsFor(optionsOnPage(page.text, checkId), starts);
  const res = await agent.post(`${moduleUrl}/checks/${checkId}`).type('form').send({ _csrf: csrf, option: ids, attempt: attemptOnPage(page.text, checkId) });
  if (res.status !== status) throw new Error(`answering ${checkId}: expected ${status}, got ${res.status}: ${res.text.replace(/\s+/g, ' ').slice(0, 400)}`);
  return res;
}

/** A complete survey form: every attitude item at `agree` (1-5), every knowledge item `known`. */
export function surveyForm(course: PublishedCourse['course'], agree: number | ((itemId: string) => number), known: string | ((itemId: string) => string) = 'not-sure'): Record<string, string> {
  const form: Record<string, string> = {};
  for (const item of course.survey?.items ?? []) {
    form[`i-${item.id}`] = item.kind === 'attitude' ? String(typeof agree === 'function' ? agree(item.id) : agree) : (typeof known === 'function' ? known(item.id) : known);
  }
  return form;
}

/**
 * A learner through a course with a survey, by the learning service as the pages call it: enrols,
 * answers the pre-course survey, marks every module complete, answers the post-course survey.
 * `pre` and `post` are the answers by item id (see surveyAnswers).
 */
export async function takeSurveyCourse(t: TestApp, user: SessionUser, slug: string, pre: Record<string, string | number>, post: Record<string, string | number>): Promise<void> {
  await t.services.learning.enrol(slug, user);
  await t.services.learning.submitSurvey(slug, 'pre', pre, user);
  const page = await t.services.learning.coursePage(slug, user);
  for (const m of page.course.modules) await t.services.learning.completeModule(slug, m.key, user);
  await t.services.learning.submitSurvey(slug, 'post', post, user);
}

/** Answers for every item of a course's survey: attitude items at `agree`, knowledge items `known`. */
export function surveyAnswers(course: PublishedCourse['course'], agree: number, known = 'not-sure'): Record<string, string | number> {
  return Object.fromEntries((course.survey?.items ?? []).map((i) => [i.id, i.kind === 'attitude' ? agree : known]));
}

/** Answers a check through the learning service, choosing options by their indexes as written. */
export async function answerByService(t: TestApp, user: SessionUser, slug: string, moduleKey: string, checkId: string, chosen: number[], attempt = 1) {
  const course = (await t.services.learning.coursePage(slug, user)).course;
  const check = course.modules.find((m) => m.key === moduleKey)!.checks.find((c) => c.id === checkId)!;
  const ids = optionIds(check);
  return t.services.learning.answerCheck(slug, moduleKey, checkId, { options: chosen.map((i) => ids[i]), attempt: String(attempt) }, user);
}

export interface CohortOptions {
  /** Every attitude item's answer before the course. */
  pre: number;
  /** The i-th learner's attitude answers after it (knowledge items are then all answered "true"). */
  post: (i: number) => number;
  /** Whether the i-th learner gets the first check (start--border) right at the first attempt. */
  right: (i: number) => boolean;
  /** With a comment: the learner passes every check (after a wait, when wrong first), finishes and evaluates. */
  comment?: string;
}

/**
 * `count` learners of an organization (in the unit) through the graded course's survey, its first
 * check and, with a comment, to the end and its evaluation: the generated cohorts of the reports.
 */
export async function surveyCohort(t: TestApp, graded: PublishedCourse, org: { id: number; name: string; manager: { user: SessionUser } }, unitId: number | null, count: number, o: CohortOptions): Promise<SessionUser[]> {
  const link = await t.services.organizations.invitations.createOpen(await t.services.organizations.find(org.id), { unitId, expiresInDays: 7, maxUses: count }, org.manager.user.id);
  const token = link.link.split('/join/')[1];
  const slug = graded.slug;
  const out: SessionUser[] = [];
  for (let i = 0; i < count; i++) {
    const { user } = await makeUser(t, { name: `Learner ${org.name} ${i}` });
    await t.services.organizations.invitations.join(user, token);
    const member = (await t.services.accounts.findUser(user.id))!;
    await takeSurveyCourse(t, member, slug, surveyAnswers(graded.course, o.pre), surveyAnswers(graded.course, o.post(i), 'true'));
    await answerByService(t, member, slug, 'start', 'start--border', o.right(i) ? [1] : [0]);
    if (o.comment) {
      // Finishing the course opens the evaluation: every check passed (after the wait, where the first answer was wrong).
      if (!o.right(i)) {
        t.clock.advance(10 * 60_000);
        await answerByService(t, member, slug, 'start', 'start--border', [1], 2);
      }
      for (const [key, id, chosen] of [['start', 'start--roles', [0, 1]], ['start', 'start--reports', [1]], ['end', 'end--scenario-the-licence-check', [1]], ['end', 'end--recheck', [2]]] as const) {
        await answerByService(t, member, slug, key, id, [...chosen]);
      }
      await t.services.learning.submitEvaluation(slug, { useful: 4, relevant: 5, recommend: 4, comment: `${o.comment} ${i}` }, member);
    }
    out.push(member);
  }
  return out;
}

/**
 * Answers the pre-course survey of a course that has one (every attitude item neutral, every
 * knowledge item "not sure"), through the learning service: set-up for tests that open module
 * pages, which lead to the survey until it is answered.
 */
export async function answerPreSurvey(t: TestApp, user: SessionUser, slug: string): Promise<void> {
  const { course } = await t.services.learning.coursePage(slug, user);
  if (course.survey) await t.services.learning.submitSurvey(slug, 'pre', surveyAnswers(course as PublishedCourse['course'], 3), user);
}

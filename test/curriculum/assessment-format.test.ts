// The course format's additions for assessment: grading and completion rules in course.md, the
// survey block, graded scenarios, pinned and true/false checks, and the checker's warnings about
// answer cues (position, length) and feedback that says the same under every option.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCourseDir } from '../../src/curriculum/parse';
import { answerCues, cueWarnings, MIN_CHECKS_FOR_CUES } from '../../src/curriculum/cues';
import { ASSESSMENT_FIXTURES } from '../support/assessment';

function courseDir(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-assess-')), 'a-course');
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const COURSE = (front = '', body = 'Overview.\n') => `---\ntitle: A course\nsummary: Short.\naudience: [police]\nminutes: 5\n${front}---\n${body}`;
const MODULE = (body: string) => `---\ntitle: One\nminutes: 5\n---\n${body}`;
const CHECK = (name: string, options: [string, boolean, string?][], flags = '') =>
  `::: check ${name}${flags ? ` ${flags}` : ''}\nQuestion ${name}?\n\n${options.map(([text, right, fb]) => `- [${right ? 'x' : ' '}] ${text}\n  > ${fb ?? `About ${text}.`}`).join('\n')}\n:::\n\n`;

function messages(dir: string) {
  return parseCourseDir(dir).problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
}

test('the fixture courses compile cleanly, with their rules, grading and survey', () => {
  for (const name of ['graded-course', 'timed-course']) expect(messages(path.join(ASSESSMENT_FIXTURES, name))).toEqual([]);
  const c = parseCourseDir(path.join(ASSESSMENT_FIXTURES, 'graded-course')).course!;
  expect(c.grading).toEqual({ defaults: { passMark: 100, maxAttempts: 3, waitMinutes: 10, shuffle: true }, checks: { 'start--roles': { passMark: 50 } } });
  expect(c.completion).toEqual({ modules: 'all', checks: 'passed', postSurvey: true, minimumMinutes: null });
  expect(c.survey!.items.map((i) => [i.id, i.kind, i.reversed, i.answer])).toEqual([
    ['same-response', 'attitude', false, null], ['fear-of-enforcement', 'attitude', false, null], ['move-along', 'attitude', true, null],
    ['advertising', 'knowledge', false, 'true'], ['border-crossing', 'knowledge', false, 'false'],
  ]);
  // The survey block is not part of the overview.
  expect(c.overviewHtml).not.toContain('same response');
  expect(c.modules.flatMap((m) => m.checks.map((k) => [k.id, k.kind, Boolean(k.keepOrder)]))).toEqual([
    ['start--border', 'single', false], ['start--roles', 'multiple', false], ['start--reports', 'true-false', true],
    ['end--scenario-the-licence-check', 'scenario', false], ['end--recheck', 'single', true],
  ]);
});

test('a course without rules compiles with no completion rules and the default grading', () => {
  const c = parseCourseDir(courseDir({ 'course.md': COURSE(), '01-one.md': MODULE('## A\n\nText.\n') })).course!;
  expect(c.completion).toBeNull();
  expect(c.survey).toBeNull();
  expect(c.grading!.defaults).toEqual({ passMark: 100, maxAttempts: null, waitMinutes: 0, shuffle: true });
});

describe('rules in course.md are checked against the course', () => {
  test('unknown checks and modules, a required survey that is not there (at the line of their field)', () => {
    const dir = courseDir({
      'course.md': COURSE('grading:\n  checks:\n    one/nope: { pass_mark: 50 }\ncompletion:\n  modules: [one, ghost]\n  checks: [one/q, one/missing]\n  post_survey: true\n'),
      '01-one.md': MODULE(CHECK('q', [['Yes', true], ['No', false]])),
    });
    expect(messages(dir)).toEqual([
      'course.md:6: no check "one/nope" in this course: name it as module-key/check-name (an unnamed check is check-1, check-2... in its module)',
      'course.md:9: no module with the key "ghost" in this course',
      'course.md:9: no check "one/missing" in this course: name it as module-key/check-name (an unnamed check is check-1, check-2... in its module)',
      'course.md:9: post_survey is required but the course has no ::: survey block',
    ]);
  });

  test('bad values are named by field', () => {
    const dir = courseDir({
      'course.md': COURSE('grading:\n  pass_mark: 120\n  attempts: 0\n  wait_minutes: -1\n  colour: red\ncompletion:\n  checks: some\n  minimum_minutes: 2.5\n'),
      '01-one.md': MODULE('## A\n\nText.\n'),
    });
    const m = messages(dir);
    expect(m).toContain('course.md:6: field "grading.pass_mark": must be at most 100');
    expect(m).toContain('course.md:6: field "grading.attempts": must be more than 0');
    expect(m).toContain('course.md:6: field "grading.wait_minutes": must be 0 or more');
    expect(m).toContain('course.md:6: unknown field "grading.colour" (check its spelling)');
    expect(m).toContain('course.md:11: field "completion.checks": must be none, answered, passed, or a list of checks written module-key/check-name');
    expect(m).toContain('course.md:11: field "completion.minimum_minutes": must be a whole number of minutes');
  });
});

describe('the survey block', () => {
  const survey = (items: string) => COURSE('', `Overview.\n\n::: survey\nHow do you see it?\n\n${items}\n:::\n`);

  test('items of each kind, with the lines of their problems', () => {
    const dir = courseDir({
      'course.md': survey('- (agree) fine: A statement.\n- (agree) fine: The same name.\n- agree nope: No brackets.\n- (agree) Bad_Name: Upper case.\n- (agree, reversed) negated: People should not be helped.\n- (true) empty:'),
      '01-one.md': MODULE('## A\n\nText.\n'),
    });
    expect(messages(dir)).toEqual([
      'course.md:13: two survey items are named "fine": give each its own name',
      'course.md:14: write each survey item as "- (agree) name: statement", "- (agree, reversed) name: ...", "- (true) name: ..." or "- (false) name: ..."',
      'course.md:15: survey item name "Bad_Name" must be lowercase letters, digits and hyphens: pre and post answers are paired by it',
      'course.md:16: warning: reversed item "negated" is built on "not": state the opposite view positively instead (reversals built on negation are misread more often)',
      'course.md:17: survey item "empty" has no statement after the colon',
    ]);
  });

  test('an empty survey, two surveys, a survey in a module, and too many reversed items', () => {
    expect(messages(courseDir({ 'course.md': COURSE('', '::: survey\nJust words.\n:::\n'), '01-one.md': MODULE('## A\n\nText.\n') })))
      .toEqual(['course.md:7: the survey has no items: add a list of items, or remove the block']);
    expect(messages(courseDir({ 'course.md': COURSE('', '::: survey\n- (agree) a: A.\n:::\n::: survey\n- (agree) b: B.\n:::\n'), '01-one.md': MODULE('## A\n\nText.\n') })))
      .toEqual(['course.md:10: a course has one survey: merge the items into the first ::: survey block']);
    expect(messages(courseDir({ 'course.md': COURSE(), '01-one.md': MODULE('::: survey\n- (agree) a: A.\n:::\n') })))
      .toEqual(['01-one.md:5: a survey belongs in course.md (it is asked before the first module and at the end), not in a module']);
    expect(messages(courseDir({ 'course.md': COURSE('', '::: survey\n- (agree, reversed) a: A.\n- (agree, reversed) b: B.\n- (agree) c: C.\n:::\n'), '01-one.md': MODULE('## A\n\nText.\n') })))
      .toEqual(['course.md:7: warning: 2 of 3 attitude items are reversed: use only a few reversed items']);
  });
});

describe('graded scenarios', () => {
  test('every first choice must be marked, follow-ups must not be', () => {
    const dir = courseDir({
      'course.md': COURSE(),
      '01-one.md': MODULE('::: scenario A night shift\nA situation.\n\n- [x] Good.\n  > Good outcome.\n  - [ ] Nested mark.\n    > Follow-up.\n- Unmarked.\n  > Other outcome.\n:::\n'),
    });
    expect(messages(dir)).toEqual([
      '01-one.md:10: only the first choices of a scenario are graded: remove [x] or [ ] from this follow-up choice',
      '01-one.md:12: mark every choice of a graded scenario: [x] for a good choice, [ ] for the others',
    ]);
  });

  test('an unmarked scenario stays a reading, not a question', () => {
    const c = parseCourseDir(courseDir({ 'course.md': COURSE(), '01-one.md': MODULE('::: scenario\nA situation.\n\n- One.\n  > A.\n- Two.\n  > B.\n:::\n') })).course!;
    expect(c.modules[0].checks).toEqual([]);
    expect(c.modules[0].segments[0]).toMatchObject({ kind: 'html' });
  });
});

describe('the checker warns about cues that let learners pass by pattern', () => {
  const checks = (rightAt: number[], longestRight = false) => rightAt.map((at, n) => CHECK(`q${n}`, [0, 1, 2].map((i) => [
    i === at && longestRight ? `The right answer, which is much longer than the others ${n}` : `Option ${i} of ${n}`, i === at, `Feedback ${i} of ${n}.`,
  ] as [string, boolean, string]))).join('');

  test('the right answer in the same position in most checks (more than half)', () => {
    const dir = courseDir({ 'course.md': COURSE(), '01-one.md': MODULE(checks([1, 1, 1, 0, 2])) });
    expect(messages(dir)).toEqual(['course.md:1: warning: the right answer is option 2 in 3 of 5 single-answer checks: vary where it sits, or learners can pass by pattern']);
    expect(messages(courseDir({ 'course.md': COURSE(), '01-one.md': MODULE(checks([1, 1, 0, 2])) }))).toEqual([]);
  });

  test('the right answer the longest option in most checks', () => {
    const dir = courseDir({ 'course.md': COURSE(), '01-one.md': MODULE(checks([0, 1, 2, 0, 1], true)) });
    expect(messages(dir)).toEqual(['course.md:1: warning: the right answer is the longest option in 5 of 5 checks: make the wrong options as full and plausible as the right one']);
  });

  test(`no cue warning for fewer than ${MIN_CHECKS_FOR_CUES} checks: a share of so few means nothing`, () => {
    expect(cueWarnings(answerCues([{ checks: [] }]))).toEqual([]);
    expect(messages(courseDir({ 'course.md': COURSE(), '01-one.md': MODULE(checks([1, 1, 1], true)) }))).toEqual([]);
  });

  test('the same feedback under every option', () => {
    const dir = courseDir({ 'course.md': COURSE(), '01-one.md': MODULE(CHECK('same', [['Yes', true, 'See the law.'], ['No', false, 'See the law.']])) });
    expect(messages(dir)).toEqual(['01-one.md:5: warning: every option of this question gives the same feedback: say why each option is right or wrong']);
  });

  test('the starter courses today: second position in 37 of 53 checks is a warning', () => {
    const cues = { total: 53, position: { position: 2, count: 37 }, longest: { count: 32, of: 49 } };
    expect(cueWarnings(cues).map((w) => w.key)).toEqual(['cuePosition', 'cueLongest']);
  });
});

// Completion rules as pure functions: what is still missing, in order, for courses with and without rules.
import { missingFor, needsAssessmentFacts, postSurveyOpen, requiredModules, type CompletionFacts } from '../../src/learning/completion';
import type { CompiledCheck, CompiledCourse, CompletionRules } from '../../src/curriculum/types';

const check = (id: string): CompiledCheck => ({ id, questionHtml: '', multiple: false, options: [] });
const MODULES: CompiledCourse['modules'] = [
  { key: 'one', title: 'One', minutes: 5, objectives: [], contentWarning: null, segments: [], checks: [check('one--a'), check('one--b')], reflections: [] },
  { key: 'two', title: 'Two', minutes: 5, objectives: [], contentWarning: null, segments: [], checks: [check('two--c')], reflections: [] },
  { key: 'extra', title: 'Extra', minutes: 5, objectives: [], contentWarning: null, segments: [], checks: [], reflections: [] },
];
const SURVEY = { introHtml: '', items: [] };
const course = (completion: CompletionRules | null, survey: typeof SURVEY | null = SURVEY) => ({ modules: MODULES, completion, survey });
const rules = (o: Partial<CompletionRules> = {}): CompletionRules => ({ modules: 'all', checks: 'none', postSurvey: false, minimumMinutes: null, ...o });
const facts = (o: Partial<CompletionFacts> = {}): CompletionFacts => ({ completedKeys: new Set(), answered: new Set(), passed: new Set(), postSurvey: false, ...o });

test('without rules: every module, and nothing else', () => {
  expect(missingFor(course(null), facts({ completedKeys: new Set(['one', 'two']) }))).toEqual([{ kind: 'modules', modules: [{ key: 'extra', title: 'Extra' }] }]);
  expect(missingFor(course(null), facts({ completedKeys: new Set(['one', 'two', 'extra']) }))).toEqual([]);
  expect(needsAssessmentFacts(course(null))).toBe(false);
});

test('the listed modules only', () => {
  const c = course(rules({ modules: ['one', 'two'] }));
  expect(requiredModules(c).map((m) => m.key)).toEqual(['one', 'two']);
  expect(missingFor(c, facts({ completedKeys: new Set(['one', 'two']) }))).toEqual([]);
});

test('every check answered: a wrong answer counts', () => {
  const c = course(rules({ checks: 'answered' }));
  const all = new Set(['one', 'two', 'extra']);
  expect(missingFor(c, facts({ completedKeys: all, answered: new Set(['one--a']) }))).toEqual([
    { kind: 'answer', checks: [{ id: 'one--b', moduleKey: 'one', moduleTitle: 'One' }, { id: 'two--c', moduleKey: 'two', moduleTitle: 'Two' }] },
  ]);
  expect(missingFor(c, facts({ completedKeys: all, answered: new Set(['one--a', 'one--b', 'two--c']) }))).toEqual([]);
});

test('every check passed, or the listed ones', () => {
  const all = new Set(['one', 'two', 'extra']);
  expect(missingFor(course(rules({ checks: 'passed' })), facts({ completedKeys: all, answered: new Set(['one--a', 'one--b', 'two--c']), passed: new Set(['one--a']) })))
    .toEqual([{ kind: 'pass', checks: [{ id: 'one--b', moduleKey: 'one', moduleTitle: 'One' }, { id: 'two--c', moduleKey: 'two', moduleTitle: 'Two' }] }]);
  expect(missingFor(course(rules({ checks: ['two--c'] })), facts({ completedKeys: all, passed: new Set(['two--c']) }))).toEqual([]);
});

test('the post-course survey, last, and open only once the modules are done', () => {
  const c = course(rules({ postSurvey: true }));
  expect(missingFor(c, facts())).toEqual([{ kind: 'modules', modules: MODULES.map((m) => ({ key: m.key, title: m.title })) }, { kind: 'post-survey' }]);
  expect(postSurveyOpen(c, new Set(['one', 'two']))).toBe(false);
  expect(postSurveyOpen(c, new Set(['one', 'two', 'extra']))).toBe(true);
  expect(missingFor(c, facts({ completedKeys: new Set(['one', 'two', 'extra']), postSurvey: true }))).toEqual([]);
  expect(postSurveyOpen(course(rules(), null), new Set(['one', 'two', 'extra']))).toBe(false);
  expect(needsAssessmentFacts(c)).toBe(true);
});

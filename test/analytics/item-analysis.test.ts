// Item analysis from crafted attempts: share right at the first attempt, how often each option is
// chosen, the flags, and nothing said about a question fewer than 5 learners answered.
import { itemAnalysis, type AttemptRecord } from '../../src/analytics/item-analysis';
import { optionIds } from '../../src/learning/grading';
import type { CompiledCheck } from '../../src/curriculum/types';

const check = (id: string): CompiledCheck => ({
  id, questionHtml: `<p>${id}?</p>`, multiple: false, kind: 'single',
  options: [{ html: 'Yes', correct: false, feedbackHtml: null }, { html: 'No', correct: true, feedbackHtml: null }, { html: 'Maybe', correct: false, feedbackHtml: null }],
});
const EASY = check('m--easy');
const HARD = check('m--hard');
const FEW = check('m--few');
const MODULES = [{ title: 'Module', checks: [EASY, HARD, FEW] }];

function attempts(c: CompiledCheck, firsts: number[], seconds: number[] = []): AttemptRecord[] {
  const ids = optionIds(c);
  return [
    ...firsts.map((i) => ({ checkId: c.id, attempt: 1, chosen: [ids[i]], passed: i === 1 })),
    ...seconds.map((i) => ({ checkId: c.id, attempt: 2, chosen: [ids[i]], passed: i === 1 })),
  ];
}

const rows = itemAnalysis(MODULES, [
  ...attempts(EASY, [1, 1, 1, 1, 1, 1]),
  ...attempts(HARD, [0, 0, 2, 0, 0, 1, 0, 2, 0, 0], [1, 1, 1]),
  ...attempts(FEW, [0, 1, 1]),
  { checkId: HARD.id, attempt: 2, chosen: ['oldwording'], passed: false },
]);

test('the share right at the first attempt and the flags', () => {
  expect(rows.map((r) => [r.checkId, r.learners, r.firstRight, r.flag])).toEqual([
    ['m--easy', 6, 1, 'nobody-misses'],
    ['m--hard', 10, 0.1, 'nearly-everyone-misses'],
    ['m--few', 3, null, null],
  ]);
});

test('how often each option is chosen, over every attempt, and options since reworded counted apart', () => {
  const hard = rows[1];
  expect(hard.attempts).toBe(14);
  expect(hard.options!.map((o) => [o.html, o.correct, o.chosen])).toEqual([['Yes', false, 7], ['No', true, 4], ['Maybe', false, 2]]);
  expect(hard.options![0].share).toBeCloseTo(7 / 14, 12);
  expect(hard.earlierWording).toBe(1);
});

test('a question fewer than 5 learners answered says nothing of its options', () => {
  expect(rows[2].options).toBeNull();
});

// Grading as pure rules: opaque option ids, each learner's stable order, reading a form's answer,
// scores and pass marks, and what a learner may do next (attempt limits and waits).
import { attemptState, displayOrder, grade, isShuffled, kindOf, optionIds, readAnswer, type AttemptFacts } from '../../src/learning/grading';
import { DEFAULT_CHECK_SETTINGS } from '../../src/curriculum/course-rules';
import type { CompiledCheck } from '../../src/curriculum/types';

const opt = (html: string, correct = false) => ({ html, correct, feedbackHtml: `<p>about ${html}</p>` });
const SINGLE: CompiledCheck = { id: 'm--one', questionHtml: '<p>?</p>', multiple: false, kind: 'single', options: [opt('A'), opt('B', true), opt('C'), opt('D')] };
const MULTI: CompiledCheck = { id: 'm--all', questionHtml: '<p>?</p>', multiple: true, kind: 'multiple', options: [opt('A', true), opt('B', true), opt('C', true), opt('D')] };
const TF: CompiledCheck = { id: 'm--tf', questionHtml: '<p>?</p>', multiple: false, kind: 'true-false', options: [opt('True'), opt('False', true)] };
const OLD: CompiledCheck = { id: 'm--old', questionHtml: '<p>?</p>', multiple: true, options: [opt('A', true), opt('B', true)] };

test('a check published before grading still has a kind', () => {
  expect(kindOf(OLD)).toBe('multiple');
  expect(kindOf({ ...OLD, multiple: false })).toBe('single');
});

test('option ids are opaque, stable and unique, and change when the words do', () => {
  const ids = optionIds(SINGLE);
  expect(ids).toHaveLength(4);
  expect(new Set(ids).size).toBe(4);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{10}$/);
  expect(optionIds({ ...SINGLE })).toEqual(ids);
  expect(optionIds({ ...SINGLE, options: [opt('A changed'), ...SINGLE.options.slice(1)] }).slice(1)).toEqual(ids.slice(1));
  const twice: CompiledCheck = { ...SINGLE, id: 'm--dup', options: [opt('Same'), opt('Same', true)] };
  expect(new Set(optionIds(twice)).size).toBe(2);
});

test('each learner has an order of their own, the same every time; pinned checks and previews keep the written order', () => {
  const s = DEFAULT_CHECK_SETTINGS;
  const orders = new Set<string>();
  for (let learner = 1; learner <= 40; learner++) {
    const order = displayOrder(SINGLE, s, learner);
    expect([...order].sort()).toEqual([0, 1, 2, 3]);
    expect(displayOrder(SINGLE, s, learner)).toEqual(order);
    orders.add(order.join(''));
  }
  expect(orders.size).toBeGreaterThan(10);
  // The right option is not stuck in one place across learners.
  const rightAt = new Set([...Array(40).keys()].map((l) => displayOrder(SINGLE, s, l + 1).indexOf(1)));
  expect(rightAt.size).toBe(4);
  expect(displayOrder(SINGLE, s, null)).toEqual([0, 1, 2, 3]);
  expect(displayOrder({ ...SINGLE, keepOrder: true }, s, 7)).toEqual([0, 1, 2, 3]);
  expect(displayOrder(SINGLE, { ...s, shuffle: false }, 7)).toEqual([0, 1, 2, 3]);
  expect(displayOrder(TF, s, 7)).toEqual([0, 1]);
  expect(isShuffled(TF, s)).toBe(false);
});

test('reading an answer: ids to indexes; empty, unknown and two answers to a one-answer check are told apart', () => {
  const ids = optionIds(SINGLE);
  expect(readAnswer(SINGLE, ids[1])).toEqual({ ok: true, chosen: [1] });
  expect(readAnswer(SINGLE, undefined)).toEqual({ ok: false, problem: 'empty' });
  expect(readAnswer(SINGLE, [])).toEqual({ ok: false, problem: 'empty' });
  expect(readAnswer(SINGLE, '1')).toEqual({ ok: false, problem: 'unknown_option' });
  expect(readAnswer(SINGLE, optionIds(MULTI)[0])).toEqual({ ok: false, problem: 'unknown_option' });
  expect(readAnswer(SINGLE, [ids[0], ids[1]])).toEqual({ ok: false, problem: 'tampered' });
  expect(readAnswer(SINGLE, { a: 1 })).toEqual({ ok: false, problem: 'tampered' });
  const multi = optionIds(MULTI);
  expect(readAnswer(MULTI, [multi[2], multi[0], multi[0]])).toEqual({ ok: true, chosen: [0, 2] });
});

test('scores: one right option is all or nothing; several count each right one and take one off for each wrong one', () => {
  expect(grade(SINGLE, [1], 100)).toEqual({ score: 1, passed: true });
  expect(grade(SINGLE, [0], 100)).toEqual({ score: 0, passed: false });
  expect(grade(MULTI, [0, 1, 2], 100)).toEqual({ score: 1, passed: true });
  expect(grade(MULTI, [0, 1], 100).passed).toBe(false);
  expect(grade(MULTI, [0, 1], 100).score).toBeCloseTo(2 / 3, 12);
  expect(grade(MULTI, [0, 1], 66).passed).toBe(true);
  // 2 of 3 is 66.67%: it passes a mark of 66, not one of 67.
  expect(grade(MULTI, [0, 1], 67).passed).toBe(false);
  expect(grade(MULTI, [0, 1, 2, 3], 100).score).toBeCloseTo(2 / 3, 12);
  expect(grade(MULTI, [0, 3], 100).score).toBe(0);
  expect(grade(MULTI, [3], 1).score).toBe(0);
});

describe('what a learner may do next', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 10, minutes));
  const wrong = (n: number, minutes: number): AttemptFacts => ({ attempt: n, chosen: [0], passed: false, at: at(minutes) });
  const settings = { ...DEFAULT_CHECK_SETTINGS, maxAttempts: 3, waitMinutes: 10 };

  test('nothing yet: open', () => {
    expect(attemptState(settings, [], at(0))).toEqual({ status: 'open', attempts: 0, left: 3, nextAt: null, last: null });
  });

  test('a wrong answer: wait until 10 minutes after it, then open', () => {
    expect(attemptState(settings, [wrong(1, 0)], at(9))).toMatchObject({ status: 'waiting', left: 2, nextAt: at(10) });
    expect(attemptState(settings, [wrong(1, 0)], at(10))).toMatchObject({ status: 'open', left: 2 });
  });

  test('as many wrong answers as allowed: used up, whatever the time', () => {
    expect(attemptState(settings, [wrong(1, 0), wrong(2, 10), wrong(3, 20)], at(500))).toMatchObject({ status: 'used-up', left: 0 });
  });

  test('passed stays passed, and the attempt that passed is the one shown', () => {
    const passed = { attempt: 2, chosen: [1], passed: true, at: at(10) };
    expect(attemptState(settings, [wrong(1, 0), passed], at(11))).toMatchObject({ status: 'passed', last: passed });
  });

  test('no limit and no wait by default', () => {
    expect(attemptState(DEFAULT_CHECK_SETTINGS, Array.from({ length: 20 }, (_, i) => wrong(i + 1, i)), at(19))).toMatchObject({ status: 'open', left: null });
  });
});

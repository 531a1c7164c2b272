// The change report from crafted survey answers: pairing by pseudonym, scoring (reversed items,
// knowledge right/wrong/not sure), attitude and knowledge kept apart, figures checked by hand, and
// suppression of small items, small groups and their complements.
import { changeReport, pairResponses, quarterOf, scoreOf, type ResponseRow } from '../../src/analytics/change-report';
import type { CompiledSurvey, SurveyItem } from '../../src/curriculum/types';

const item = (id: string, kind: SurveyItem['kind'], o: Partial<SurveyItem> = {}): SurveyItem => ({ id, kind, textHtml: id, reversed: false, answer: kind === 'knowledge' ? 'true' : null, ...o });
const SURVEY: CompiledSurvey = {
  introHtml: '',
  items: [item('respect', 'attitude'), item('move-along', 'attitude', { reversed: true }), item('advertising', 'knowledge', { answer: 'true' }), item('border', 'knowledge', { answer: 'false' })],
};

function response(respondent: string, phase: 'pre' | 'post', answers: Record<string, unknown>, answeredOn = '2026-03-01'): ResponseRow {
  return { respondent, phase, answeredOn, answers };
}

test('scores: agreement as given, reversed items recoded 6 - x, knowledge 1 when right and 0 when wrong or not sure', () => {
  expect(scoreOf(SURVEY.items[0], 4)).toBe(4);
  expect(scoreOf(SURVEY.items[1], 4)).toBe(2);
  expect(scoreOf(SURVEY.items[1], 1)).toBe(5);
  expect(scoreOf(SURVEY.items[2], 'true')).toBe(1);
  expect(scoreOf(SURVEY.items[2], 'false')).toBe(0);
  expect(scoreOf(SURVEY.items[2], 'not-sure')).toBe(0);
  expect(scoreOf(SURVEY.items[3], 'false')).toBe(1);
  expect(scoreOf(SURVEY.items[0], 9)).toBeNull();
  expect(scoreOf(SURVEY.items[2], 'yes')).toBeNull();
});

test('pairs are made by pseudonym; a pre without a post (or the reverse) is left out', () => {
  const pairs = pairResponses([response('a', 'pre', {}), response('a', 'post', {}), response('b', 'pre', {}), response('c', 'post', {})]);
  expect(pairs.map((p) => p.respondent)).toEqual(['a']);
});

test('five learners, by hand: item means, changes and intervals; attitude and knowledge apart', () => {
  // respect: pre 2,3,3,4,2 -> post 4,4,3,5,4 (the hand-worked example of statistics.test.ts).
  // move-along (reversed): answers pre 4,4,4,4,4 (scored 2), post 2,2,2,2,2 (scored 4): +2, no spread.
  // Overall attitude per learner is the mean of the two: pre 2,2.5,2.5,3,2 -> post 4,4,3.5,4.5,4.
  const pre = [2, 3, 3, 4, 2];
  const post = [4, 4, 3, 5, 4];
  const rows = pre.flatMap((p, i) => [
    response(`r${i}`, 'pre', { respect: p, 'move-along': 4, advertising: 'not-sure', border: 'true' }),
    response(`r${i}`, 'post', { respect: post[i], 'move-along': 2, advertising: i < 3 ? 'true' : 'false', border: 'false' }),
  ]);
  const r = changeReport(SURVEY, rows);
  expect(r.pairs).toBe(5);
  expect(r.shown).toBe(true);
  const respect = r.attitude.items[0].stats!;
  expect([respect.meanPre, respect.meanPost, respect.change]).toEqual([2.8, 4, 1.2000000000000002].map((x) => expect.closeTo(x, 10)));
  expect(respect.ciLow).toBeCloseTo(0.161149, 5);
  expect(respect.ciHigh).toBeCloseTo(2.238851, 5);
  const moveAlong = r.attitude.items[1].stats!;
  expect([moveAlong.meanPre, moveAlong.meanPost, moveAlong.change, moveAlong.ciLow, moveAlong.ciHigh]).toEqual([2, 4, 2, 2, 2]);
  // Overall: changes 2, 1.5, 1, 1.5, 2 (mean 1.6); deviations .4 -.1 -.6 -.1 .4, squares .16+.01+.36+.01+.16 = .7;
  // sd = sqrt(.7 / 4) = 0.418330; se = 0.187083; half-width 2.776445 * 0.187083 = 0.519426.
  const overall = r.attitude.overall!;
  expect(overall.change).toBeCloseTo(1.6, 12);
  expect(overall.ciLow).toBeCloseTo(1.080574, 5);
  expect(overall.ciHigh).toBeCloseTo(2.119426, 5);
  // Knowledge: advertising right 0/5 -> 3/5; border right 0/5 -> 5/5.
  expect(r.knowledge.items.map((i) => [i.stats!.meanPre, i.stats!.meanPost])).toEqual([[0, 0.6], [0, 1]]);
  // Per learner share right: pre 0 for all; post 1,1,1,.5,.5: change mean 0.8.
  expect(r.knowledge.overall!.change).toBeCloseTo(0.8, 12);
  // Attitude figures never mix with knowledge ones.
  expect(r.attitude.items.map((i) => i.item.id)).toEqual(['respect', 'move-along']);
  expect(r.knowledge.items.map((i) => i.item.id)).toEqual(['advertising', 'border']);
});

test('fewer than 5 pairs: nothing is shown, not even per item', () => {
  const rows = [0, 1, 2, 3].flatMap((i) => [response(`r${i}`, 'pre', { respect: 1 }), response(`r${i}`, 'post', { respect: 5 })]);
  const r = changeReport(SURVEY, rows);
  expect(r.pairs).toBe(4);
  expect(r.shown).toBe(false);
  expect(r.attitude.overall).toBeNull();
  expect(r.attitude.items.every((i) => i.stats === null && i.n === 0)).toBe(true);
});

test('an item answered both times by fewer than 5 is hidden while the others show', () => {
  const rows = [0, 1, 2, 3, 4, 5].flatMap((i) => [
    response(`r${i}`, 'pre', { respect: 2, ...(i < 4 ? { 'move-along': 3 } : {}) }),
    response(`r${i}`, 'post', { respect: 4, 'move-along': 3 }),
  ]);
  const r = changeReport(SURVEY, rows);
  expect(r.attitude.items[0].stats!.n).toBe(6);
  expect(r.attitude.items[1]).toMatchObject({ n: 4, stats: null });
});

test('groups: a cohort of 4 is "small", the next smallest is hidden with it, and periods are quarters of the post answer', () => {
  const rows: ResponseRow[] = [];
  const add = (prefix: string, count: number, day: string) => {
    for (let i = 0; i < count; i++) {
      rows.push(response(`${prefix}${i}`, 'pre', { respect: 2 }, '2026-01-05'), response(`${prefix}${i}`, 'post', { respect: 3 + (i % 3) }, day));
    }
  };
  add('north', 20, '2026-02-10');
  add('south', 16, '2026-05-01');
  add('east', 4, '2026-05-02');
  const unitOf = (respondent: string) => respondent.replace(/\d+$/, '');
  const r = changeReport(SURVEY, rows, [
    { name: 'unit', groups: [{ key: 'north', label: 'North' }, { key: 'south', label: 'South' }, { key: 'east', label: 'East' }, { key: 'none', label: 'No unit' }], groupOf: (p) => unitOf(p.respondent) },
    { name: 'period', groups: [], groupOf: (p) => quarterOf(p.post.answeredOn) },
  ]);
  expect(r.pairs).toBe(40);
  const units = Object.fromEntries(r.breakdowns[0].rows.map((g) => [g.key, [g.n, g.suppression]]));
  expect(units).toEqual({ north: [20, null], south: [null, 'complementary'], east: [null, 'small'], none: [null, 'small'] });
  const north = r.breakdowns[0].rows[0];
  expect(north.attitude!.n).toBe(20);
  expect(north.attitude!.ciLow).not.toBeNull();
  expect(r.breakdowns[0].rows[2]).toMatchObject({ attitude: null, knowledge: null });
  const periods = Object.fromEntries(r.breakdowns[1].rows.map((g) => [g.key, [g.n, g.suppression]]));
  expect(periods).toEqual({ '2026 Q1': [20, null], '2026 Q2': [20, null] });
});

test('quarters', () => {
  expect(['2026-01-01', '2026-03-31', '2026-04-01', '2026-12-31'].map(quarterOf)).toEqual(['2026 Q1', '2026 Q1', '2026 Q2', '2026 Q4']);
});

// Small-group suppression against crafted cohorts: what a reader could work out from the total
// and the groups shown must never be a group of fewer than 5.
import { suppressGroups, MIN_GROUP } from '../../src/analytics/suppression';

const groups = (sizes: Record<string, number>) => Object.entries(sizes).map(([key, n]) => ({ key, n }));
const view = (sizes: Record<string, number>) => Object.fromEntries(suppressGroups(groups(sizes)));

/** Whether any hidden group holding people could be worked out as total - shown. */
function derivable(sizes: Record<string, number>): boolean {
  const result = suppressGroups(groups(sizes));
  const hidden = Object.entries(sizes).filter(([k, n]) => result.get(k) !== null && n > 0);
  return hidden.length === 1;
}

test('the threshold is 5', () => {
  expect(MIN_GROUP).toBe(5);
});

test('every group of 5 or more is shown when nothing is hidden', () => {
  expect(view({ north: 12, south: 5, east: 30 })).toEqual({ north: null, south: null, east: null });
});

test('a group of 4 is hidden, and with it the next smallest, so total minus the rest cannot give it', () => {
  expect(view({ north: 20, south: 16, east: 4 })).toEqual({ north: null, south: 'complementary', east: 'small' });
});

test('two small groups cover each other: nothing more is hidden', () => {
  expect(view({ north: 20, south: 3, east: 2 })).toEqual({ north: null, south: 'small', east: 'small' });
});

test('an empty group gives no cover: a manager knows which units never took the course', () => {
  expect(view({ north: 30, south: 3, east: 0 })).toEqual({ north: 'complementary', south: 'small', east: 'small' });
});

test('ties are broken by the order given, so the same cohort always hides the same groups', () => {
  expect(view({ a: 9, b: 9, c: 1 })).toEqual({ a: 'complementary', b: null, c: 'small' });
});

test('a total under 5 hides every group', () => {
  expect(view({ north: 2, south: 2 })).toEqual({ north: 'small', south: 'small' });
  expect(view({ only: 4 })).toEqual({ only: 'small' });
});

test('a single group of 5 or more is simply the total', () => {
  expect(view({ only: 44 })).toEqual({ only: null });
});

test('crafted cohorts: no hidden group of people can ever be worked out', () => {
  const cohorts: Record<string, number>[] = [];
  for (let a = 0; a <= 12; a++) for (let b = 0; b <= 12; b++) for (let c = 0; c <= 12; c += 3) cohorts.push({ a, b, c });
  for (const sizes of cohorts) {
    const total = sizes.a + sizes.b + sizes.c;
    const result = suppressGroups(groups(sizes));
    for (const [k, n] of Object.entries(sizes)) if (n < 5) expect({ sizes, k, s: result.get(k) }).toEqual({ sizes, k, s: 'small' });
    if (total >= 5) expect({ sizes, derivable: derivable(sizes) }).toEqual({ sizes, derivable: false });
  }
});

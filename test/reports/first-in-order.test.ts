// firstInOrder must give exactly what a full sort then a slice gives, for every k.
import { firstInOrder } from '../../src/reports/first-in-order';

/** A small deterministic generator (no flaky seeds). */
function numbers(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648));
}

const byValue = (a: number, b: number) => a - b;

test.each([
  ['in no order', numbers(500, 7)],
  ['already in order', [...numbers(500, 3)].sort(byValue)],
  ['in reverse order', [...numbers(500, 5)].sort(byValue).reverse()],
])('%s: the k first of a full sort, for every k', (_name, items) => {
  const sorted = [...items].sort(byValue);
  for (const k of [0, 1, 2, 49, 50, 51, 100, 249, 250, 251, 499, 500, 501]) {
    expect(firstInOrder(items, k, byValue)).toEqual(sorted.slice(0, Math.max(0, k)));
  }
});

test('objects by a comparator with a tie-break, the input left as it was', () => {
  const people = numbers(300, 11).map((n, i) => ({ name: `P${n % 17}`, id: i }));
  const before = [...people];
  const cmp = (a: { name: string; id: number }, b: { name: string; id: number }) => a.name.localeCompare(b.name) || b.id - a.id;
  expect(firstInOrder(people, 40, cmp)).toEqual([...people].sort(cmp).slice(0, 40));
  expect(people).toEqual(before);
});

test('fewer items than asked for: all of them, in order', () => {
  expect(firstInOrder([3, 1, 2], 10, byValue)).toEqual([1, 2, 3]);
  expect(firstInOrder([], 5, byValue)).toEqual([]);
});

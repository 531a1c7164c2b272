// The first k items in an order, without sorting all of them: the matrix shows one page of 50
// people out of 10,000, and sorting them all by name (a collator comparison, about a microsecond
// each) cost about 30 ms when the people came in no order. A max-heap of the k best seen so far
// rejects most of the rest with one comparison against its worst.

/**
 * The k smallest items by `compare`, in order: the same as `[...items].sort(compare).slice(0, k)`
 * when `compare` is a total order (no two items equal).
 */
export function firstInOrder<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  // Most of them are wanted (a late page): a plain sort is as cheap.
  if (k * 2 >= items.length) return [...items].sort(compare).slice(0, k);
  const heap: T[] = [];
  const later = (i: number, j: number) => compare(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  for (const item of items) {
    if (heap.length < k) {
      // Up: the latest of the kept is at the root.
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!later(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (compare(item, heap[0]!) < 0) {
      // Replaces the latest kept, then down.
      heap[0] = item;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let latest = i;
        if (left < k && later(left, latest)) latest = left;
        if (right < k && later(right, latest)) latest = right;
        if (latest === i) break;
        swap(i, latest);
        i = latest;
      }
    }
  }
  return heap.sort(compare);
}

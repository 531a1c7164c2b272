// Small-group suppression. A group of fewer than MIN_GROUP people is never shown (its count, its
// means, anything), and neither is a group whose count could be worked out from the total shown and
// the groups shown beside it (complementary suppression): when the groups a breakdown hides hold
// people in only one of them, the next smallest is hidden too. A total below MIN_GROUP hides everything.

export const MIN_GROUP = 5;

/** Why a group is not shown: too small, or hidden so that a small one cannot be worked out. */
export type Suppression = 'small' | 'complementary';

/**
 * For each group of one breakdown (groups that together make the total), whether it is hidden.
 * Groups are compared by size, then by their order in the list (so the result is stable).
 */
export function suppressGroups<K>(groups: readonly { key: K; n: number }[], min = MIN_GROUP): Map<K, Suppression | null> {
  const out = new Map<K, Suppression | null>(groups.map((g) => [g.key, g.n < min ? 'small' : null]));
  const total = groups.reduce((s, g) => s + g.n, 0);
  if (total < min) {
    for (const g of groups) out.set(g.key, 'small');
    return out;
  }
  // The total minus the shown groups is what the hidden ones hold together. When only one hidden
  // group holds anyone, that sum is its count: a reader who knows the empty ones are empty (a
  // manager knows which units never took a course) would work it out. Hide the smallest shown group too.
  const occupied = groups.filter((g) => out.get(g.key) !== null && g.n > 0);
  if (occupied.length === 1) {
    const next = groups
      .map((g, i) => ({ g, i }))
      .filter(({ g }) => out.get(g.key) === null)
      .sort((a, b) => a.g.n - b.g.n || a.i - b.i)[0];
    if (next) out.set(next.g.key, 'complementary');
  }
  return out;
}

/** Whether a total (of a whole report, or an item answered by some) may be shown. */
export function shownTotal(n: number, min = MIN_GROUP): boolean {
  return n >= min;
}

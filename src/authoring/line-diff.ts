// A line diff of two texts for the draft history's compare page: the common start and end are
// kept aside, and the middle is compared by longest common subsequence. Past a size where that
// would be slow, the middle is shown as removed then added, which is still a correct diff.

export type DiffLine = { op: 'same' | 'add' | 'del'; text: string; oldLine: number | null; newLine: number | null };

const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ op: 'same', text: a[i], oldLine: i + 1, newLine: i + 1 });
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    midA.forEach((text, i) => out.push({ op: 'del', text, oldLine: start + i + 1, newLine: null }));
    midB.forEach((text, j) => out.push({ op: 'add', text, oldLine: null, newLine: start + j + 1 }));
  } else {
    // lcs[i][j]: the longest common subsequence of midA[i..] and midB[j..], in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = midA[i] === midB[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        out.push({ op: 'same', text: midA[i], oldLine: start + i + 1, newLine: start + j + 1 });
        i++; j++;
      } else if (j < m && (i >= n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) {
        out.push({ op: 'add', text: midB[j], oldLine: null, newLine: start + j + 1 });
        j++;
      } else {
        out.push({ op: 'del', text: midA[i], oldLine: start + i + 1, newLine: null });
        i++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) out.push({ op: 'same', text: a[endA + k], oldLine: endA + k + 1, newLine: endB + k + 1 });
  return out;
}

/** The changed lines with `context` unchanged lines around each change; runs skipped become null. */
export function withContext(lines: DiffLine[], context = 3): (DiffLine | null)[] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: (DiffLine | null)[] = [];
  lines.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (out.length === 0 || out[out.length - 1] !== null) out.push(null);
  });
  return out;
}

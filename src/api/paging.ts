// Cursor paging for the API's lists. Every list is in the order of a unique key (an id, or a
// learner and course), and a cursor is the key of the last row sent: the next page starts after
// it, so rows added or removed between pages never make another row be sent twice or skipped.
// A cursor is opaque to clients (base64url of JSON) and names its list, so a learners cursor
// given to another list is refused rather than misread.
import { HttpError } from '../http/errors';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export type CursorKey = (number | string)[];

export function encodeCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString('base64url');
}

/** The key a cursor carries; anything else is a 400 naming the `cursor` parameter. */
export function decodeCursor(list: string, cursor: string, arity: number): CursorKey {
  const bad = () => new HttpError(400, 'invalid_parameter', { key: 'api.parameters.cursor', params: { parameter: 'cursor' } });
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const v = value as { l?: unknown; k?: unknown } | null;
  if (!v || v.l !== list || !Array.isArray(v.k) || v.k.length !== arity || !v.k.every((x) => (typeof x === 'number' && Number.isSafeInteger(x)) || typeof x === 'string')) throw bad();
  return v.k as CursorKey;
}

export function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * One page of rows already in key order: those after `after`, at most `limit`, and the key to
 * continue from when more remain.
 */
export function pageOf<T>(rows: T[], keyOf: (row: T) => CursorKey, after: CursorKey | null, limit: number): { rows: T[]; nextKey: CursorKey | null } {
  let start = 0;
  if (after) {
    // Binary search: the first row whose key is greater than the cursor's.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(keyOf(rows[mid]), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = rows.slice(start, start + limit);
  const more = start + limit < rows.length;
  return { rows: page, nextKey: more && page.length ? keyOf(page[page.length - 1]) : null };
}

// What every list of the API is: a path, its filters, the schema of its rows, and how to load the
// organization's rows in key order. The routes serve a list from this description and the OpenAPI
// document is written from the same one, so a filter or a field cannot be served undocumented.
import type { z } from 'zod';
import { compareKeys, type CursorKey } from './paging';
import type { ParameterSpec } from './query';

export interface ListEndpoint<Row = unknown> {
  /** Under /api/v1, e.g. '/learners'. */
  path: string;
  /** The cursor's namespace, and the OpenAPI operation's id. */
  name: string;
  summary: string;
  description: string;
  /** The filters; `limit` and `cursor` are every list's. */
  filters: readonly ParameterSpec[];
  /** The schema of a page of rows. */
  page: z.ZodType;
  /** The unique key rows are ordered by (the cursor carries the last one sent). */
  key: (row: Row) => CursorKey;
  /** The organization's rows the filters keep, in key order. */
  load(organizationId: number, filters: Record<string, unknown>): Promise<Row[]>;
}

/** Orders rows by their key, the order pageOf expects. */
export function byKey<Row>(key: (row: Row) => CursorKey): (a: Row, b: Row) => number {
  return (a, b) => compareKeys(key(a), key(b));
}

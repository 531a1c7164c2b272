// Reads a report's queries as arrays of rows in the order of their columns (a row as an object
// costs about twice as much to make, at 100,000 rows), on a connection of their own:
// - SQLite: a read-only better-sqlite3 connection to the same file, so the reads never hold the
//   pool's one connection; each statement's rows fetched at once (about twice as fast as stepping
//   them one at a time with iterate()).
// - PostgreSQL: the queries side by side, each on a connection borrowed from knex's pool (which
//   sets its search path), given back when it is done.
// - An in-memory SQLite database (no file another connection could open) is read through knex:
//   only tools use one.
// Every row is held: the callers bound what they ask (store.ts readFacts: one organization's
// matrix, or a part of a few hundred people of an ordered export, so an export of any size holds
// one part at a time).
import type { Knex } from 'knex';
import { openReadOnlySqlite, type Db } from '../db/knex';

/** knex's SQLite dialect stores a Date as epoch milliseconds and a boolean as 0/1; a raw statement needs the same. */
function sqliteBinding(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** What readAll uses of a raw better-sqlite3 statement beyond ReadOnlySqlite's iterate(). */
interface AllRows {
  all(...bindings: unknown[]): unknown[][];
}
interface PgArrayQuery {
  query(q: { text: string; values: readonly unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][] }>;
}

/** Every row of each query, as arrays, in the order of the queries. */
export async function readAll(db: Db, queries: Knex.QueryBuilder[]): Promise<unknown[][][]> {
  if (db.client.dialect === 'postgresql') {
    return Promise.all(queries.map(async (query) => {
      const { sql, bindings } = query.toSQL().toNative();
      const conn = (await db.client.acquireConnection()) as PgArrayQuery;
      try {
        return (await conn.query({ text: sql, values: bindings, rowMode: 'array' })).rows;
      } finally {
        await db.client.releaseConnection(conn);
      }
    }));
  }
  const conn = openReadOnlySqlite(db);
  if (!conn) return Promise.all(queries.map(async (query) => ((await query) as Record<string, unknown>[]).map((r) => Object.values(r))));
  try {
    return queries.map((query) => {
      const { sql, bindings } = query.toSQL().toNative();
      return (conn.prepare(sql).raw(true) as unknown as AllRows).all(...bindings.map(sqliteBinding));
    });
  } finally {
    conn.close();
  }
}

// Reads a query's rows, as arrays in the order of its columns, a batch at a time from a connection of their own, so that 100,000 rows never
// sit in memory together: knex's `.stream()` on SQLite loads every row before giving the first.
// - SQLite: a read-only better-sqlite3 connection to the same file and its statement's iterate(),
//   which steps one row at a time. Between batches the event loop runs (a statement's step is
//   synchronous), so one long export does not stall every other request.
// - PostgreSQL: a server-side cursor (pg-cursor) on a connection borrowed from knex's pool, which
//   sets its search path; the connection goes back to the pool when the reading stops.
// - An in-memory SQLite database (no file another connection could open) is read whole: only
//   tools use one.
// Stopping early (a `break`, a client gone) closes the statement or the cursor in `finally`.
import type { Knex } from 'knex';
import { openReadOnlySqlite, type Db } from '../db/knex';

const BATCH = 1000;

/** knex's SQLite dialect stores a Date as epoch milliseconds and a boolean as 0/1; a raw statement needs the same. */
function sqliteBinding(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* sqliteBatches(db: Db, query: Knex.QueryBuilder, size: number): AsyncGenerator<unknown[][]> {
  const conn = openReadOnlySqlite(db);
  if (!conn) {
    const rows = ((await query) as Record<string, unknown>[]).map((r) => Object.values(r));
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
    return;
  }
  try {
    const { sql, bindings } = query.toSQL().toNative();
    const iterator = conn.prepare(sql).raw(true).iterate(...bindings.map(sqliteBinding));
    try {
      for (;;) {
        const batch: unknown[][] = [];
        while (batch.length < size) {
          const r = iterator.next();
          if (r.done) break;
          batch.push(r.value);
        }
        if (batch.length) yield batch;
        if (batch.length < size) return;
        await nextTurn();
      }
    } finally {
      iterator.return?.();
    }
  } finally {
    conn.close();
  }
}

/** What this file uses of a pg connection and of pg-cursor (neither ships types here). */
interface PgCursor {
  read(rows: number): Promise<unknown[][]>;
  close(): Promise<void>;
}
type PgCursorClass = new (sql: string, values: readonly unknown[], options: { rowMode: 'array' }) => PgCursor;
interface PgConnection {
  query(cursor: PgCursor): PgCursor;
}

async function* postgresBatches(db: Db, query: Knex.QueryBuilder, size: number): AsyncGenerator<unknown[][]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Cursor = require('pg-cursor') as PgCursorClass;
  const { sql, bindings } = query.toSQL().toNative();
  const conn = (await db.client.acquireConnection()) as PgConnection;
  let cursor: PgCursor | null = null;
  try {
    cursor = conn.query(new Cursor(sql, bindings, { rowMode: 'array' }));
    for (;;) {
      const batch = await cursor.read(size);
      if (!batch.length) return;
      yield batch;
      if (batch.length < size) return;
    }
  } finally {
    try {
      await cursor?.close();
    } finally {
      await db.client.releaseConnection(conn);
    }
  }
}

/** The query's rows, in batches of up to `size`, read as they are wanted. */
export function streamBatches(db: Db, query: Knex.QueryBuilder, size = BATCH): AsyncGenerator<unknown[][]> {
  return db.client.dialect === 'postgresql' ? postgresBatches(db, query, size) : sqliteBatches(db, query, size);
}

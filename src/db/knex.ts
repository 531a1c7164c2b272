// One knex factory for both dialects: SQLite (a file in the data directory) by default,
// PostgreSQL when a connection string is given. The rest of the code never asks which.
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';
import type { Logger } from 'pino';
import { beginSqliteTransactionsImmediately } from './immediate-transactions';
import { inlineSqliteLimits } from './inline-limits';

export type Db = Knex;

export interface DbOptions {
  databaseUrl: string | null;
  /** SQLite file; ignored for PostgreSQL. */
  sqliteFile?: string;
  /** Extra PostgreSQL options (a search_path per test schema). */
  searchPath?: string;
  /** Where knex's own warnings go (by default, nowhere: the app logs failures itself). */
  logger?: Pick<Logger, 'warn' | 'error' | 'debug'>;
}

function knexLog(logger: DbOptions['logger']) {
  return {
    warn: (m: unknown) => logger?.warn({ knex: m }, 'knex warning'),
    error: (m: unknown) => logger?.error({ knex: m }, 'knex error'),
    deprecate: (m: unknown) => logger?.warn({ knex: m }, 'knex deprecation'),
    debug: (m: unknown) => logger?.debug({ knex: m }, 'knex debug'),
  };
}

/** The part of a better-sqlite3 connection and statement this file uses. */
interface SqliteStatement {
  readonly busy: boolean;
  safeIntegers(on?: boolean): unknown;
  raw(on?: boolean): unknown;
  columns(): { name: string }[];
  get(bindings: readonly unknown[]): unknown;
  all(bindings: readonly unknown[]): unknown[];
  run(bindings: readonly unknown[]): { changes: number };
}
interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): SqliteStatement;
}

const STATEMENT_CACHE_SIZE = 200;

/**
 * knex's better-sqlite3 dialect prepares every statement again on each query, and preparing costs
 * about as much as running a small indexed query (a module page's two queries on the bench's data:
 * about 190 us with preparing, 115 us without). This keeps the most recently used statements of a
 * connection by SQL text, so a page's few queries are prepared once per process. A reused statement behaves as a fresh one: one that is busy (an unfinished
 * `.iterate()`) is never handed out again, and the only per-statement mode knex sets
 * (safeIntegers, from a query's options) is reset to off, as these connections are made, on every reuse.
 * Nothing else calls `prepare()` on the pooled connection; code that needs pluck/raw/iterate uses
 * a connection of its own (or, for the hot-path helpers below, statements of their own).
 */
function cacheStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  (conn as PooledSqlite)[PREPARE_UNSHARED] = prepare;
  const cache = new Map<string, SqliteStatement>();
  conn.prepare = (sql: string) => {
    const cached = cache.get(sql);
    if (cached && !cached.busy) {
      cache.delete(sql); // most recently used last
      cache.set(sql, cached);
      cached.safeIntegers(false);
      return cached;
    }
    const statement = prepare(sql);
    if (!cached) {
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return statement;
  };
}

export function createDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    return knex({
      client: 'pg',
      connection: options.databaseUrl,
      searchPath: options.searchPath ? [options.searchPath] : undefined,
      log: knexLog(options.logger),
      pool: { min: 0, max: 10 },
    });
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    log: knexLog(options.logger),
    pool: {
      min: 1,
      max: 1,
      // Measured: without WAL and synchronous=NORMAL a page that writes its session was 2.5-3x slower.
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        cacheStatements(conn);
        done(null, conn);
      },
    },
  });
  beginSqliteTransactionsImmediately(db);
  inlineSqliteLimits(db);
  return db;
}

/** True when this knex instance talks to SQLite (better-sqlite3). */
export function isSqlite(db: Db): boolean {
  return db.client.config.client === 'better-sqlite3';
}

/**
 * Runs one SQL statement on the pool's SQLite connection without knex's query builder and runner,
 * which cost 30 to 45 us a statement on a signed-in page, for the few statements of every request.
 * The statement never runs inside someone else's open transaction: when the pool's connection is
 * idle (no transaction or query holds it, none waits for it), the statement runs on it at once,
 * which is safe because better-sqlite3 is synchronous and nothing else can run until it returns;
 * otherwise the connection is taken and given back through knex's pool, after whoever holds it.
 * (Taking it through the pool cost two promises, a timer and tarn's bookkeeping per statement,
 * about a tenth of what a signed-in page allocated.) Its statement is prepared once, for it alone
 * (ownStatement), and it is announced as knex's own 'query' event, so whatever counts or logs
 * statements still sees it. SQLite only: the caller keeps a knex query for PostgreSQL, and a test
 * runs both. Bindings are given to better-sqlite3 as they are (strings and numbers; knex would
 * turn a Date into a number).
 */
function onPooledSqlite<T>(db: Db, sql: string, bindings: readonly unknown[], method: string,
  use: (conn: PooledSqlite) => T): Promise<T> {
  const idle = idleSqliteConnection(db);
  if (idle) {
    try {
      return Promise.resolve(runOn(db, idle, sql, bindings, method, use));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return (async () => {
    const conn = (await db.client.acquireConnection()) as PooledSqlite;
    try {
      return runOn(db, conn, sql, bindings, method, use);
    } finally {
      db.client.releaseConnection(conn);
    }
  })();
}

/** The connection's own prepare, before cacheStatements: for statements no one else is handed. */
const PREPARE_UNSHARED = Symbol('prepareUnshared');
type PooledSqlite = SqliteConnection & { __knexUid?: string; [PREPARE_UNSHARED]?: (sql: string) => SqliteStatement };

function runOn<T>(db: Db, conn: PooledSqlite, sql: string, bindings: readonly unknown[], method: string,
  use: (conn: PooledSqlite) => T): T {
  // Announced only to someone listening (knex forwards its client's 'query' to the instance's
  // listeners): the event's object and knex's forwarding cost a signed-in page about 4% of its CPU.
  if ((db as unknown as EventEmitter).listenerCount('query') > 0) db.client.emit('query', { __knexUid: conn.__knexUid, method, sql, bindings });
  return use(conn);
}

/**
 * The hot-path helpers' statements, prepared once per connection and never handed to anyone else
 * (not through cacheStatements, whose statements knex shares): so the readers stay in raw mode
 * for good, and a call costs no cache reordering or mode resets (about 5% of a signed-in page).
 * `shape` (readers only) is checked against the statement's columns when it is prepared.
 */
const ownStatements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
function ownStatement(conn: PooledSqlite, sql: string, shape: SqliteRowShape<unknown> | null): SqliteStatement {
  let statements = ownStatements.get(conn);
  if (!statements) ownStatements.set(conn, (statements = new Map()));
  let st = statements.get(sql);
  if (st) return st;
  // Never the shared cache's prepare: a statement in raw mode must not reach knex.
  const prepareUnshared = conn[PREPARE_UNSHARED];
  if (!prepareUnshared) throw new Error('a pooled SQLite connection without its own prepare (see cacheStatements)');
  st = prepareUnshared(sql);
  if (shape) {
    const names = st.columns().map((c) => c.name);
    if (names.join() !== shape.columns.join()) throw new Error(`columns ${names.join()} are not ${shape.columns.join()}`);
    st.raw(true);
  }
  statements.set(sql, st);
  return st;
}

/** What this file reads of knex's pool (tarn): its counts, and its idle connections. */
interface SqlitePool {
  numUsed(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  free?: { resource: PooledSqlite }[];
}

/** The pool's connection when nothing holds it or waits for it; null otherwise. */
function idleSqliteConnection(db: Db): PooledSqlite | null {
  const pool = db.client.pool as SqlitePool | undefined;
  if (!pool || pool.numUsed() !== 0 || pool.numPendingAcquires() !== 0 || pool.numPendingCreates() !== 0) return null;
  return pool.free?.[0]?.resource ?? null;
}

/**
 * knex's own SQL and bindings for a query built once with marker values standing for its inputs:
 * `bind(a, b)` gives the bindings with each marker replaced by the value in the same place. So a
 * statement run by sqliteFirst/sqliteRun is exactly the one knex would have sent.
 */
export interface SqlTemplate {
  sql: string;
  bind(...values: unknown[]): unknown[];
}

export function sqlTemplate(query: Knex.QueryBuilder, markers: readonly string[]): SqlTemplate {
  const { sql, bindings } = query.toSQL().toNative();
  const places = bindings.map((b) => (typeof b === 'string' ? markers.indexOf(b) : -1));
  if (markers.some((_, i) => !places.includes(i))) throw new Error(`a marker is missing from ${sql}`);
  return { sql, bind: (...values) => bindings.map((b, i) => (places[i] >= 0 ? values[places[i]] : b)) };
}

/**
 * A query's template, built once per knex instance: `build` makes the query with the markers in
 * place of its inputs (see sqlTemplate). For a hot-path SQLite statement run by sqliteFirst.
 */
export function sqlTemplateOf<M extends string>(markers: readonly M[], build: (db: Db, ...markers: M[]) => Knex.QueryBuilder): (db: Db) => SqlTemplate {
  const built = new WeakMap<Db, SqlTemplate>();
  return (db) => {
    let template = built.get(db);
    if (template === undefined) built.set(db, (template = sqlTemplate(build(db, ...markers), markers)));
    return template;
  };
}

/**
 * How a hot-path select's rows become objects: its column names, in order, and a function making
 * one row from their values in that order (an object literal, so every row has the same shape).
 * better-sqlite3 builds a row object in C++ one property at a time, through V8's slow path; the
 * rows are read as arrays (raw mode) and made here instead. The names are checked against the
 * statement's when it is prepared, so a reordered column list fails at once rather than filling
 * the wrong fields.
 */
export interface SqliteRowShape<T> {
  columns: readonly string[];
  row(values: unknown[]): T;
}

/** The first row a SQLite select returns, or undefined (see onPooledSqlite and SqliteRowShape). */
export function sqliteFirst<T>(db: Db, sql: string, bindings: readonly unknown[], shape: SqliteRowShape<T>): Promise<T | undefined> {
  return onPooledSqlite(db, sql, bindings, 'first', (conn) => {
    const values = ownStatement(conn, sql, shape).get(bindings) as unknown[] | undefined;
    return values === undefined ? undefined : shape.row(values);
  });
}

/** Runs a SQLite insert, update or delete; resolves to the number of rows changed (see onPooledSqlite). */
export function sqliteRun(db: Db, sql: string, bindings: readonly unknown[]): Promise<number> {
  return onPooledSqlite(db, sql, bindings, 'run', (conn) => ownStatement(conn, sql, null).run(bindings).changes);
}

/** Unique-constraint violation on either dialect, recognised by code, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Foreign-key violation on either dialect (a row still referred to, or referring to none), by code. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** Checks the database answers; used by /healthz. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/** What a read-only SQLite connection offers for streaming: a statement's iterator, and closing. */
export interface ReadOnlySqlite {
  prepare(sql: string): { raw(on: boolean): { iterate(...bindings: unknown[]): IterableIterator<unknown[]> } };
  close(): void;
}

/** The SQLite file this knex instance uses; null on PostgreSQL or for an in-memory database. */
export function sqliteFileOf(db: Db): string | null {
  if (db.client.config.client !== 'better-sqlite3') return null;
  const file = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  return file && file !== ':memory:' ? file : null;
}

/**
 * A connection of its own, read-only, to the same SQLite file: for reading many rows with
 * better-sqlite3's `iterate()`, one at a time (knex's `.stream()` on SQLite loads every row before
 * the first is given). It reads a snapshot of what was committed when its statement started, and
 * never blocks the pool's one connection. Null when there is no file to open (PostgreSQL, or an
 * in-memory database, which no other connection can see). The caller closes it.
 */
export function openReadOnlySqlite(db: Db): ReadOnlySqlite | null {
  const file = sqliteFileOf(db);
  if (!file) return null;
  // better-sqlite3 ships no types; this file describes the little it uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as new (file: string, o: { readonly: boolean; fileMustExist: boolean }) => ReadOnlySqlite & SqliteConnection;
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  return conn;
}

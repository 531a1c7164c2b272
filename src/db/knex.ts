// One knex factory for both dialects: SQLite (a file in the data directory) by default,
// PostgreSQL when a connection string is given. The rest of the code never asks which.
import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';
import type { Logger } from 'pino';

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
 * a connection of its own.
 */
function cacheStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
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
  return knex({
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
}

/** Unique-constraint violation on either dialect, recognised by code, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
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

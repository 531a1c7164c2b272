// Every SQLite transaction takes the write lock when it begins (BEGIN IMMEDIATE), not at its first
// write. knex begins SQLite transactions with a deferred BEGIN: one that reads and then writes, while
// another connection (a second process, the CLI) has written meanwhile, fails at once with
// SQLITE_BUSY, as SQLite cannot upgrade a stale read snapshot to a write and busy_timeout is never
// consulted. With BEGIN IMMEDIATE the lock is waited for (busy_timeout) before anything is read.
// Applied to every transaction, not only some: every transaction in the app writes, and the pool has
// one connection, so taking the lock early costs nothing inside a process. Savepoints (nested
// transactions) are unchanged; PostgreSQL is untouched.
import type { Knex } from 'knex';

type TransactionClass = new (client: Knex.Client, ...args: unknown[]) => { query(conn: unknown, sql: string): Promise<unknown> };

// knex exports no transaction classes; this is the one its SQLite dialects use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction') as TransactionClass;

class ImmediateSqliteTransaction extends SqliteTransaction {
  begin(conn: unknown): Promise<unknown> {
    return this.query(conn, 'BEGIN IMMEDIATE;');
  }
}

/** Makes this SQLite knex instance's transactions begin with BEGIN IMMEDIATE. */
export function beginSqliteTransactionsImmediately(db: Knex): void {
  // A function, not an arrow: knex calls it on a transaction's own client (which inherits from
  // this one) for nested transactions, and the transaction must see that client to use a savepoint.
  (db.client as { transaction: unknown }).transaction = function transaction(this: Knex.Client, ...args: unknown[]) {
    return new ImmediateSqliteTransaction(this, ...args);
  };
}

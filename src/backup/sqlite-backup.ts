// Backing up and restoring the SQLite database file. A backup uses SQLite's online backup API
// (better-sqlite3's `db.backup()`), so it is a consistent snapshot even while the server writes;
// copying the file would not be (a WAL database is two files, changing underneath the copy).
// A restore checks the file first, then swaps it in with a rename, so the database is at every
// moment either the old one or the new one.
import fs from 'node:fs';
import path from 'node:path';

/** The part of a better-sqlite3 connection used here (the package ships no types). */
interface Connection {
  pragma(s: string, o?: { simple: boolean }): unknown;
  prepare(sql: string): { get(...bindings: unknown[]): unknown };
  exec(sql: string): void;
  backup(file: string, o: { progress(info: { totalPages: number; remainingPages: number }): number }): Promise<unknown>;
  close(): void;
}
type Open = new (file: string, o?: { readonly?: boolean; fileMustExist?: boolean }) => Connection;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as Open;

export class BackupError extends Error {}

/**
 * All remaining pages in one step. A write by another connection (the server) between two steps
 * makes SQLite start the backup again, so under a steady stream of writes a backup in small steps
 * might never finish. One step is harmless here: in WAL mode the backup's read snapshot does not
 * block the server's writers.
 */
const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  force?: boolean;
  /** Called before the pages are copied (and again should SQLite restart the copy). */
  onProgress?: (progress: { totalPages: number; copiedPages: number }) => void;
}

/** Copies the live database `dbFile` to `target`; resolves to the size of the copy in bytes. */
export async function backupSqlite(dbFile: string, target: string, options: BackupOptions = {}): Promise<number> {
  if (!fs.existsSync(dbFile)) throw new BackupError(`there is no database at ${dbFile}`);
  if (fs.existsSync(target) && !options.force) throw new BackupError(`${target} already exists (add --force to overwrite it)`);
  // Written beside the target and renamed into place: an interrupted backup never leaves a
  // half-written file under the name someone will restore from.
  const partial = `${target}.partial-${process.pid}`;
  const source = new Database(dbFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial, {
      progress({ totalPages, remainingPages }) {
        options.onProgress?.({ totalPages, copiedPages: totalPages - remainingPages });
        return ALL_PAGES;
      },
    });
    // One self-contained file (no -wal beside it), which can be opened read-only, copied or mailed.
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    source.close();
  }
  return fs.statSync(target).size;
}

/** Why `file` is not a Bridgework database that can be restored, or null when it is one. */
export function problemWithBackup(file: string): string | null {
  if (!fs.existsSync(file)) return `${file} does not exist`;
  let conn: Connection;
  try {
    conn = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return `${file} cannot be opened as a SQLite database (${(err as Error).message})`;
  }
  try {
    const integrity = conn.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return `${file} fails SQLite's integrity check (${String(integrity)})`;
    const migrations = conn.prepare("select 1 from sqlite_master where type = 'table' and name = 'knex_migrations'").get();
    if (!migrations) return `${file} is a SQLite database but not a Bridgework one (it has no knex_migrations table)`;
    return null;
  } catch (err) {
    return `${file} is not a readable SQLite database (${(err as Error).message})`;
  } finally {
    conn.close();
  }
}

/**
 * True when another connection (a running server, a CLI command) has `dbFile` open. An exclusive
 * lock cannot be had while any other connection to a WAL database is open, even an idle one.
 */
export function isDatabaseInUse(dbFile: string): boolean {
  if (!fs.existsSync(dbFile)) return false;
  const conn = new Database(dbFile, { fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 0');
    conn.pragma('locking_mode = EXCLUSIVE');
    conn.exec('BEGIN EXCLUSIVE');
    conn.exec('COMMIT');
    return false;
  } catch (err) {
    // Any other failure (a file SQLite cannot read at all) means no server is using it either.
    return (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
  } finally {
    conn.close();
  }
}

/**
 * Puts the backup `file` in place of `dbFile`: copied to a temporary file in the same folder (so
 * the rename is atomic), the old database's -wal and -shm removed (a stale write-ahead log would
 * be replayed onto the restored file), then renamed over it. The caller checks the file and that
 * no server holds the database first.
 */
export function restoreSqlite(file: string, dbFile: string): number {
  const dir = path.dirname(dbFile);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.restore-${process.pid}-${path.basename(dbFile)}`);
  try {
    fs.copyFileSync(file, temp);
    fs.rmSync(`${dbFile}-wal`, { force: true });
    fs.rmSync(`${dbFile}-shm`, { force: true });
    fs.renameSync(temp, dbFile);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  return fs.statSync(dbFile).size;
}

// `bridgework backup <file>` and `bridgework restore <file>`: SQLite only. On PostgreSQL the
// database's own tools do this better (and a server-side copy is what an operator expects).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { backupSqlite, BackupError, isDatabaseInUse, problemWithBackup, restoreSqlite } from '../backup/sqlite-backup';

type Out = { out: (s: string) => void; err: (s: string) => void };

const POSTGRES_ADVICE = {
  backup: 'DATABASE_URL is set: this database is PostgreSQL. Back it up with PostgreSQL\'s own tool, e.g.\n  pg_dump --format=custom --file=bridgework.dump "$DATABASE_URL"',
  restore: 'DATABASE_URL is set: this database is PostgreSQL. Restore it with PostgreSQL\'s own tool, e.g.\n  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" bridgework.dump',
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function parse(args: string[], io: Out, usage: string): { file: string; force: boolean } | null {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  } catch (err) {
    io.err(`${(err as Error).message}\n${usage}`);
    return null;
  }
  if (parsed.positionals.length !== 1) {
    io.err(usage);
    return null;
  }
  return { file: path.resolve(parsed.positionals[0]), force: parsed.values.force ?? false };
}

const databaseFile = (dataDir: string): string => path.join(dataDir, 'bridgework.sqlite');

export async function backupCommand(args: string[], io: Out): Promise<number> {
  const given = parse(args, io, 'Usage: bridgework backup <file> [--force]');
  if (!given) return 2;
  const config = loadConfig();
  if (config.databaseUrl) {
    io.err(POSTGRES_ADVICE.backup);
    return 2;
  }
  const source = databaseFile(config.dataDir);
  io.out(`Backing up ${source} to ${given.file}`);
  try {
    const size = await backupSqlite(source, given.file, {
      force: given.force,
      onProgress: ({ totalPages, copiedPages }) => io.out(`  copying pages ${copiedPages + 1} to ${totalPages}...`),
    });
    io.out(`Backup complete: ${given.file} (${formatSize(size)}).`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
}

export async function restoreCommand(args: string[], io: Out): Promise<number> {
  const given = parse(args, io, 'Usage: bridgework restore <file> [--force]');
  if (!given) return 2;
  const config = loadConfig();
  if (config.databaseUrl) {
    io.err(POSTGRES_ADVICE.restore);
    return 2;
  }
  const problem = problemWithBackup(given.file);
  if (problem) {
    io.err(`Not restored: ${problem}.`);
    return 1;
  }
  const target = databaseFile(config.dataDir);
  if (isDatabaseInUse(target)) {
    if (!given.force) {
      io.err(`Not restored: ${target} is in use (is the server running?). Stop the server first, or add --force to replace it anyway (the running server would then need a restart).`);
      return 1;
    }
    io.err(`Warning: ${target} is in use; replacing it anyway (--force). Restart the server now.`);
  } else if (fs.existsSync(target) && !given.force) {
    io.err(`Not restored: ${target} exists and would be replaced. Add --force to replace it (back it up first if unsure).`);
    return 1;
  }
  const size = restoreSqlite(given.file, target);
  io.out(`Restored ${given.file} to ${target} (${formatSize(size)}).`);
  return 0;
}

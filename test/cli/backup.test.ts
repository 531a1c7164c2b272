// `bridgework backup` and `bridgework restore`, run as a user runs them (compiled, in a child
// process), against a database that learners are writing to meanwhile (through the account service,
// in this process, on the same file, as the server would).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createAccountService } from '../../src/accounts/service';
import { systemClock } from '../../src/clock';
import { TEST_PASSWORD_COST } from '../support/password-cost';
import { requireBuilt } from '../support/built';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'bridgework.js');
requireBuilt(path.join(ROOT, 'dist', 'src', 'cli', 'backup.js'));

const cliEnv = (dataDir: string, extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ...extra });

function cli(args: string[], dataDir: string, extra: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: cliEnv(dataDir, extra), cwd: ROOT });
}

/** The same command, without blocking this process (whose writers must keep running). */
function cliAsync(args: string[], dataDir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(dataDir), cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `bw-${name}-`));

describe('bridgework backup and restore (SQLite)', () => {
  let dataDir: string;
  let db: Db;

  beforeAll(async () => {
    dataDir = tempDir('backup-live');
    db = createDb({ databaseUrl: null, sqliteFile: path.join(dataDir, 'bridgework.sqlite') });
    await migrateLatest(db);
  });
  afterAll(async () => { await db.destroy(); });

  test('a backup taken while learners sign up holds everything committed before it started; restore brings it back', async () => {
    const accounts = createAccountService({ db, clock: systemClock, passwordCost: TEST_PASSWORD_COST });
    const committed: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const email = `learner-${i}@example.org`;
        await accounts.createUser({ email, displayName: `Learner ${i}`, password: 'a long enough password', role: 'learner' });
        committed.push(email);
      }
    })();
    while (committed.length < 50) await new Promise((r) => setTimeout(r, 5));

    const backupFile = path.join(tempDir('backup-out'), 'bridgework-backup.sqlite');
    const before = [...committed];
    const backup = await cliAsync(['backup', backupFile], dataDir);
    const after = committed.length;
    writing = false;
    await writer;
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/Backup complete: .*bridgework-backup\.sqlite \(\d+(\.\d)? (bytes|KiB|MiB)\)/);
    // The writes really went on while the backup ran.
    expect(after).toBeGreaterThan(before.length);

    const fresh = tempDir('backup-restored');
    const restored = cli(['restore', backupFile], fresh);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(restored.stdout).toContain('Restored');

    const copy = createDb({ databaseUrl: null, sqliteFile: path.join(fresh, 'bridgework.sqlite') });
    try {
      const emails = new Set((await copy('users').select('email')).map((u: { email: string }) => u.email));
      for (const email of before) expect(emails.has(email)).toBe(true);
      expect(await copy.raw('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await copy.destroy();
    }
  }, 30_000);

  test('backup refuses to overwrite a file unless --force', () => {
    const file = path.join(tempDir('backup-exists'), 'taken.sqlite');
    fs.writeFileSync(file, 'precious');
    const refused = cli(['backup', file], dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already exists (add --force to overwrite it)');
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
    const forced = cli(['backup', file, '--force'], dataDir);
    expect(forced.status).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(8);
  });

  test('restore refuses a file that is not a Bridgework database, and a database in use unless --force', () => {
    const dir = tempDir('restore-bad');
    const notSqlite = path.join(dir, 'notes.txt');
    fs.writeFileSync(notSqlite, 'not a database at all, just some words that are long enough to look like a file');
    const r1 = cli(['restore', notSqlite], tempDir('restore-target'));
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/^Not restored: .*notes\.txt/);

    const otherSqlite = path.join(dir, 'other.sqlite');
    const other = spawnSync(process.execPath, ['-e', `new (require('better-sqlite3'))(${JSON.stringify(otherSqlite)}).exec('create table t (x)')`], { cwd: ROOT });
    expect(other.status).toBe(0);
    const r2 = cli(['restore', otherSqlite], tempDir('restore-target'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('not a Bridgework one');

    // This file's own knex connection holds the live database open, as a running server would.
    const good = path.join(dir, 'good.sqlite');
    expect(cli(['backup', good], dataDir).status).toBe(0);
    const inUse = cli(['restore', good], dataDir);
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toContain('is in use');
  });

  test('restore replaces an existing database only with --force, and drops its stale write-ahead log', async () => {
    const good = path.join(tempDir('restore-again'), 'good.sqlite');
    expect(cli(['backup', good], dataDir).status).toBe(0);
    const target = tempDir('restore-existing');
    expect(cli(['restore', good], target).status).toBe(0);
    const again = cli(['restore', good], target);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('Add --force to replace it');
    // A -wal left by the database being replaced would be replayed onto the restored file.
    fs.writeFileSync(path.join(target, 'bridgework.sqlite-wal'), 'stale');
    const forced = cli(['restore', good, '--force'], target);
    expect(forced.status).toBe(0);
    expect(fs.existsSync(path.join(target, 'bridgework.sqlite-wal'))).toBe(false);
    const copy = createDb({ databaseUrl: null, sqliteFile: path.join(target, 'bridgework.sqlite') });
    try {
      expect(await copy.raw('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(Number((await copy('users').count({ n: '*' }))[0].n)).toBeGreaterThan(0);
    } finally {
      await copy.destroy();
    }
  });

  test('with DATABASE_URL set, both commands point to pg_dump / pg_restore and exit 2', () => {
    const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const backup = cli(['backup', 'x.dump'], tempDir('pg'), env);
    expect(backup.status).toBe(2);
    expect(backup.stderr).toContain('pg_dump');
    const restore = cli(['restore', 'x.dump'], tempDir('pg'), env);
    expect(restore.status).toBe(2);
    expect(restore.stderr).toContain('pg_restore');
  });
});

// `bridgework privacy retention`, run as an operator runs it (compiled, in a child process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { requireBuilt } from '../support/built';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'bridgework.js');
requireBuilt(path.join(ROOT, 'dist', 'src', 'cli', 'index.js'));

function run(args: string[], env: NodeJS.ProcessEnv, input = '') {
  return spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, cwd: ROOT });
}

test('privacy retention erases accounts inactive past RETENTION_INACTIVE_DAYS, and refuses to run without it', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-retention-'));
  expect(run(['users', 'add', '--email', 'old@example.org', '--name', 'Old Account', '--role', 'learner'], { DATA_DIR: dataDir }, 'a very long password\n').status).toBe(0);

  const off = run(['privacy', 'retention'], { DATA_DIR: dataDir, RETENTION_INACTIVE_DAYS: '' });
  expect(off.status).toBe(2);
  expect(off.stderr).toContain('RETENTION_INACTIVE_DAYS is not set');

  const fresh = run(['privacy', 'retention'], { DATA_DIR: dataDir, RETENTION_INACTIVE_DAYS: '30' });
  expect(fresh.stdout).toContain('Erased 0 account(s)');

  const db = createDb({ databaseUrl: null, sqliteFile: path.join(dataDir, 'bridgework.sqlite') });
  try {
    await db('users').update({ created_at: new Date(Date.now() - 40 * 24 * 60 * 60 * 1000) });
    const due = run(['privacy', 'retention'], { DATA_DIR: dataDir, RETENTION_INACTIVE_DAYS: '30' });
    expect(due.status).toBe(0);
    expect(due.stdout).toContain('Erased 1 account(s)');
    expect(await db('users').first('email', 'display_name')).toEqual({ email: 'erased-1@erased.invalid', display_name: 'erased-1' });
  } finally {
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

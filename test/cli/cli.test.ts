// The bridgework command, run as a user runs it (compiled, in a child process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_CURRICULUM } from '../support/paths';
import { createDb } from '../../src/db/knex';
import { requireBuilt } from '../support/built';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'bridgework.js');
const COMPILED_CLI = path.join(ROOT, 'dist', 'src', 'cli', 'index.js');

function run(args: string[], input = '', env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
}

requireBuilt(COMPILED_CLI);

describe('bridgework CLI (compiled)', () => {
  test('curriculum check exits 0 on a valid tree', () => {
    const r = run(['curriculum', 'check', FIXTURE_CURRICULUM]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 course(s) valid, 0 error(s)');
  });

  test('curriculum check accepts a single course folder', () => {
    const r = run(['curriculum', 'check', `${FIXTURE_CURRICULUM}/blocks-demo`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 course(s) valid, 0 error(s)');
  });

  test('curriculum check exits 1 and prints path:line: message per problem', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-cli-'));
    fs.mkdirSync(path.join(root, 'bad'));
    fs.writeFileSync(path.join(root, 'bad', 'course.md'), '---\ntitle: Bad\nsummary: x\naudience: all\nminutes: 5\n---\nx\n');
    fs.writeFileSync(path.join(root, 'bad', '01-one.md'), '---\ntitle: One\n---\nBody\n');
    const r = run(['curriculum', 'check', root]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\/01-one\.md:2: missing required field "minutes"/);
  });

  test('users add reads the password from stdin and refuses a short one', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-cli-data-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const short = run(['users', 'add', '--email', 'a@example.org', '--name', 'Ad Min', '--role', 'admin'], 'short\n', env);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('password: Your password must be at least 12 characters.');
    const ok = run(['users', 'add', '--email', 'A@Example.org', '--name', 'Ad Min', '--role', 'admin'], 'a very long password\n', env);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Added admin a@example.org');
    const again = run(['users', 'add', '--email', 'a@example.org', '--name', 'Ad Min', '--role', 'admin'], 'a very long password\n', env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  test('unknown commands print usage and exit 2', () => {
    const r = run(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage:');
  });
});

test('users add stores the account in the data directory database', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-cli-db-'));
  const added = run(['users', 'add', '--email', 'x@example.org', '--name', 'Trainer Person', '--role', 'trainer'], 'another long password\n', { DATA_DIR: dataDir, DATABASE_URL: '' });
  expect(added.status).toBe(0);
  const db = createDb({ databaseUrl: null, sqliteFile: path.join(dataDir, 'bridgework.sqlite') });
  const row = await db('users').where({ email: 'x@example.org' }).first();
  await db.destroy();
  expect(row).toMatchObject({ display_name: 'Trainer Person', role: 'trainer' });
});

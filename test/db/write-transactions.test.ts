// Transactions on SQLite take the write lock when they begin (src/db/immediate-transactions.ts):
// 50 writers in 5 processes on one file, each reading then writing in a transaction, all succeed
// and none loses another's update. The same load with knex's own deferred BEGIN shows why: some
// fail at once with SQLITE_BUSY ("database is locked"). Processes, not connections in this one:
// better-sqlite3 waits for a lock synchronously, so two connections in one process would wait on
// each other.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { requireBuilt } from '../support/built';

const ROOT = path.join(__dirname, '..', '..');
const COMPILED_KNEX = path.join(ROOT, 'dist', 'src', 'db', 'knex.js');
requireBuilt(COMPILED_KNEX);

const PROCESSES = 5;
const WRITERS_PER_PROCESS = 10;

/** One process's writers: each reads the tally, lets the others run, then writes it back one higher. */
const WRITER = `
const [file, count, deferred, startAt] = process.argv.slice(1);
const { createDb } = require(${JSON.stringify(COMPILED_KNEX)});
const db = createDb({ databaseUrl: null, sqliteFile: file });
// The control: knex's own transactions, which begin with a deferred BEGIN.
if (deferred === 'deferred') delete db.client.transaction;
const errors = [];
// Every process starts writing at the same moment, however slowly the machine started them: the
// writers must overlap for the control to see a lock (and for the real test to be a real test).
new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())))
  .then(() => Promise.all(Array.from({ length: Number(count) }, () => db.transaction(async (trx) => {
    const { n } = await trx('tally').where({ id: 1 }).first();
    await new Promise((r) => setTimeout(r, 2));
    await trx('tally').where({ id: 1 }).update({ n: n + 1 });
  }).catch((err) => { errors.push(err.message); }))))
  .then(() => db.destroy())
  .then(() => { process.stdout.write(JSON.stringify(errors)); });
`;

/** Time for every process to start (Node and knex load) before they all begin together. */
const START_DELAY_MS = 3000;

function writers(file: string, mode: 'immediate' | 'deferred'): Promise<string[]> {
  const startAt = String(Date.now() + START_DELAY_MS);
  return Promise.all(Array.from({ length: PROCESSES }, () => new Promise<string[]>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', WRITER, file, String(WRITERS_PER_PROCESS), mode, startAt], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`writer exited ${code}: ${err}`))));
  }))).then((lists) => lists.flat());
}

async function tallyFile(): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-locks-')), 'locks.sqlite');
  const db = createDb({ databaseUrl: null, sqliteFile: file });
  await db.schema.createTable('tally', (t) => { t.integer('id').primary(); t.integer('n').notNullable(); });
  await db('tally').insert({ id: 1, n: 0 });
  await db.destroy();
  return file;
}

async function tallyOf(file: string): Promise<number> {
  const db = createDb({ databaseUrl: null, sqliteFile: file });
  try {
    return (await db('tally').where({ id: 1 }).first()).n;
  } finally {
    await db.destroy();
  }
}

test(`${PROCESSES * WRITERS_PER_PROCESS} concurrent read-then-write transactions in ${PROCESSES} processes never see "database is locked"`, async () => {
  const file = await tallyFile();
  expect(await writers(file, 'immediate')).toEqual([]);
  expect(await tallyOf(file)).toBe(PROCESSES * WRITERS_PER_PROCESS);
}, 30_000);

test('with knex\'s deferred BEGIN, the same load fails with SQLITE_BUSY (the reason for BEGIN IMMEDIATE)', async () => {
  const file = await tallyFile();
  const errors = await writers(file, 'deferred');
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]).toMatch(/database is locked|SQLITE_BUSY/);
}, 30_000);

test('nested transactions still use savepoints and roll back alone', async () => {
  const file = await tallyFile();
  const db = createDb({ databaseUrl: null, sqliteFile: file });
  try {
    await db.transaction(async (trx) => {
      await trx('tally').update({ n: 1 });
      await trx.transaction(async (inner) => {
        await inner('tally').update({ n: 2 });
        throw new Error('undo the inner one');
      }).catch(() => undefined);
    });
    expect((await db('tally').first()).n).toBe(1);
  } finally {
    await db.destroy();
  }
});

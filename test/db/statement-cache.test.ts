// The SQLite connection keeps prepared statements by SQL text (src/db/knex.ts): a reused
// statement must behave exactly as a freshly prepared one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, sqliteFirst, type Db } from '../../src/db/knex';

interface Statement { busy: boolean; all(...args: unknown[]): unknown[]; iterate(...args: unknown[]): IterableIterator<unknown> }
interface Connection { prepare(sql: string): Statement }

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-stmt-'));
  db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, 'test.sqlite') });
  await db.schema.createTable('items', (t) => { t.increments('id'); t.string('name'); });
  await db('items').insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
});

afterAll(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withConnection<T>(fn: (conn: Connection) => T): Promise<T> {
  const conn = (await db.client.acquireConnection()) as Connection;
  try {
    return fn(conn);
  } finally {
    await db.client.releaseConnection(conn);
  }
}

test('the same query prepared twice reuses one statement and gives fresh results', async () => {
  const sql = 'select name from items where id > ? order by id';
  await withConnection((conn) => expect(conn.prepare(sql)).toBe(conn.prepare(sql)));
  expect(await db.raw(sql, [1])).toEqual([{ name: 'b' }, { name: 'c' }]);
  await db('items').insert({ name: 'd' });
  expect(await db.raw(sql, [2])).toEqual([{ name: 'c' }, { name: 'd' }]);
  expect(await db('items').where('id', '>', 3).select('name')).toEqual([{ name: 'd' }]);
  expect(await db('items').where('id', '>', 3).select('name')).toEqual([{ name: 'd' }]);
});

test('a statement busy in an unfinished iterate() is never handed out again', async () => {
  await withConnection((conn) => {
    const sql = 'select name from items order by id';
    const first = conn.prepare(sql);
    const iterator = first.iterate();
    iterator.next();
    expect(first.busy).toBe(true);
    const second = conn.prepare(sql);
    expect(second).not.toBe(first);
    expect(second.all()).toHaveLength(4);
    iterator.return?.();
    expect(conn.prepare(sql)).toBe(first);
  });
});

test('safeIntegers set by one query does not leak into the next use of the statement', async () => {
  const sql = 'select count(*) as n from items';
  const big = await db.raw(sql).options({ safeIntegers: true });
  expect(typeof big[0].n).toBe('bigint');
  const plain = await db.raw(sql);
  expect(plain[0].n).toBe(4);
});

test('the cache is bounded: many distinct statements still work', async () => {
  for (let i = 0; i < 450; i++) {
    const rows = await db.raw(`select ${i} as v`);
    expect(rows[0].v).toBe(i);
  }
  expect((await db.raw('select 7 as v'))[0].v).toBe(7);
});

test('the hot-path readers use statements of their own: rows made by their shape, knex still given objects, a wrong shape refused', async () => {
  const sql = 'select id, name from items where id <= ? order by id';
  const shape = { columns: ['id', 'name'], row: ([id, name]: unknown[]) => ({ id, name, made: true }) };
  expect(await sqliteFirst(db, sql, [2], shape)).toEqual({ id: 1, name: 'a', made: true });
  expect(await sqliteFirst(db, sql, [0], shape)).toBeUndefined();
  // The same SQL through knex: the shared statement was never put in raw mode.
  expect(await db.raw(sql, [1])).toEqual([{ id: 1, name: 'a' }]);
  await withConnection((conn) => expect(conn.prepare(sql).all(1)).toEqual([{ id: 1, name: 'a' }]));
  // Columns in another order than the shape says: refused before any row is made.
  const swapped = 'select name, id from items where id <= ?';
  await expect(sqliteFirst(db, swapped, [1], shape)).rejects.toThrow('columns name,id are not id,name');
});

// A fresh database per test file: a SQLite file in a temporary folder, or, when
// TEST_DATABASE_URL is set, a PostgreSQL schema of its own. Both are dropped afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';

export interface TestDb {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `bw_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = createDb({ databaseUrl: url });
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
    const db = createDb({ databaseUrl: url, searchPath: schema });
    await migrateLatest(db);
    return {
      db,
      dialect: 'postgres',
      async drop() {
        await db.raw('drop schema ?? cascade', [schema]);
        await db.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-test-'));
  const db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, 'test.sqlite') });
  await migrateLatest(db);
  return {
    db,
    dialect: 'sqlite',
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

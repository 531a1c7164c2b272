// Every table and column of a freshly migrated database has an entry in the privacy registry
// (src/privacy/registry.ts), and every entry names something the database has. A migration that
// adds a column without saying whether it is personal, and what erasure does to it, fails here.
import { createTestDb, type TestDb } from '../support/db';
import { PRIVACY_REGISTRY } from '../../src/privacy/registry';
import { databaseColumns } from '../../src/privacy/store';

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.drop(); });

test('every column of every table is in the privacy registry, and every entry is in the database', async () => {
  const actual = await databaseColumns(t.db);
  expect(actual.size).toBeGreaterThan(20);
  const problems: string[] = [];
  for (const [table, columns] of actual) {
    const entry = PRIVACY_REGISTRY[table];
    if (!entry) { problems.push(`table ${table} is not in the registry (src/privacy/registry.ts)`); continue; }
    for (const c of columns) if (!(c in entry.columns)) problems.push(`column ${c} of table ${table} is not in the registry`);
  }
  for (const [table, entry] of Object.entries(PRIVACY_REGISTRY)) {
    const columns = actual.get(table);
    if (!columns) { problems.push(`table ${table} is in the registry but not in the database`); continue; }
    for (const c of Object.keys(entry.columns)) if (!columns.includes(c)) problems.push(`column ${c} of table ${table} is in the registry but not in the database`);
  }
  expect(problems).toEqual([]);
});

test('the registry\'s rules hang together', () => {
  const problems: string[] = [];
  for (const [table, entry] of Object.entries(PRIVACY_REGISTRY)) {
    const holder = typeof entry.holder === 'string' ? entry.holder : entry.holder?.column;
    if (holder && !(holder in entry.columns)) problems.push(`${table}: holder ${holder} is not a column`);
    if (entry.emailColumn && !(entry.emailColumn in entry.columns)) problems.push(`${table}: email column ${entry.emailColumn} is not a column`);
    if (entry.emailColumn && !Object.values(entry.columns).some((c) => c.erasure === 'delete-row')) problems.push(`${table}: an email column but no delete-row rule`);
    if (typeof entry.holder === 'object' && !PRIVACY_REGISTRY[entry.holder.through]?.columns.user_id) problems.push(`${table}: ${entry.holder.through} has no user_id`);
    for (const [column, c] of Object.entries(entry.columns)) {
      // A column said not to be personal cannot be erased: the rule would be a mistake in one or the other.
      if (!c.personal && c.erasure !== 'keep') problems.push(`${table}.${column}: not personal but erasure ${c.erasure}`);
      // Erasure finds the person's rows by a holder column or an email column; rate_limits' keys are matched by name in erase.ts.
      if (c.personal && c.erasure === 'delete-row' && !entry.holder && !entry.emailColumn && table !== 'rate_limits') problems.push(`${table}.${column}: delete-row with no holder or email column`);
      if (!c.purpose.trim()) problems.push(`${table}.${column}: no purpose`);
    }
  }
  expect(problems).toEqual([]);
});

// Migrations are imported explicitly (not discovered on disk) so the same list runs from
// compiled JavaScript, from ts-jest and from the CLI.
import type { Knex } from 'knex';
import { migrations } from '../../migrations';
import type { Db } from './knex';

class ListMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return Object.keys(migrations).sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    return migrations[name];
  }
}

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource: new ListMigrationSource() });
}

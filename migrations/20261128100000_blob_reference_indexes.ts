// Indexes on the columns that refer to stored file bytes (`media_files.sha256`), so that finding
// and deleting the bytes nothing refers to any more (src/curriculum/store.ts deleteUnusedBlobs),
// and the foreign-key check each deletion makes, look rows up instead of reading whole tables.
import type { Knex } from 'knex';

const TABLES = ['course_draft_files', 'course_version_files', 'course_draft_save_files'];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.alterTable(table, (t) => t.index(['sha256']));
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.alterTable(table, (t) => t.dropIndex(['sha256']));
}

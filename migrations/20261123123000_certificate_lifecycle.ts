// Certificates can be reissued (a corrected name supersedes the old certificate, which stays
// verifiable as superseded) and revoked with a reason, so one completion may now have several.
// Courses may declare a refresher course for recertification.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('certificates', (t) => {
    t.dropUnique(['completion_id']);
  });
  await knex.schema.alterTable('certificates', (t) => {
    t.index(['completion_id']);
    t.timestamp('superseded_at', { useTz: true }).nullable();
    t.integer('superseded_by').nullable().references('id').inTable('certificates');
    t.integer('revoked_by').nullable().references('id').inTable('users').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('certificates', (t) => {
    t.dropForeign(['superseded_by']);
    t.dropForeign(['revoked_by']);
    t.dropColumn('superseded_at');
    t.dropColumn('superseded_by');
    t.dropColumn('revoked_by');
    t.dropIndex(['completion_id']);
    t.unique(['completion_id']);
  });
}

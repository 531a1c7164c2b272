// Course media (stored by content hash, so every instance serves the same bytes and a file shared
// by two versions is stored once) and learners' private reflections.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('media_files', (t) => {
    t.string('sha256', 64).primary();
    t.string('content_type', 100).notNullable();
    t.integer('size').notNullable();
    t.binary('content').notNullable();
  });
  await knex.schema.createTable('reflections', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('CASCADE');
    // `module-key--reflection-id`: stable across versions like progress.
    t.string('reflection_id', 200).notNullable();
    t.text('text').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['user_id', 'course_id', 'reflection_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reflections');
  await knex.schema.dropTableIfExists('media_files');
}

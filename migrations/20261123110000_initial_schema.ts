// Accounts, database sessions, published course versions, enrolments, progress, completions,
// certificates and a shared rate-limit counter (so several app processes agree).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('email', 320).notNullable().unique();
    t.string('display_name', 200).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('role', 20).notNullable().defaultTo('learner');
    t.string('locale', 10).notNullable().defaultTo('en');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('data').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });

  await knex.schema.createTable('setup_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
  });

  await knex.schema.createTable('courses', (t) => {
    t.increments('id').primary();
    t.string('slug', 100).notNullable().unique();
    t.integer('current_version_id').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('course_versions', (t) => {
    t.increments('id').primary();
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.string('content_hash', 64).notNullable();
    t.string('title', 300).notNullable();
    // The compiled course (metadata, module list, rendered HTML) as JSON: immutable once written.
    t.text('compiled').notNullable();
    t.string('published_by', 200).notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable();
    t.unique(['course_id', 'content_hash']);
  });

  await knex.schema.createTable('enrolments', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    t.string('last_module_key', 100).nullable();
    t.timestamp('enrolled_at', { useTz: true }).notNullable();
    t.timestamp('last_activity_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.unique(['user_id', 'course_id']);
  });

  await knex.schema.createTable('module_progress', (t) => {
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('module_key', 100).notNullable();
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.primary(['enrolment_id', 'module_key']);
  });

  await knex.schema.createTable('completions', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.index(['user_id', 'course_id']);
  });

  await knex.schema.createTable('certificates', (t) => {
    t.increments('id').primary();
    t.string('code', 20).notNullable().unique();
    t.integer('completion_id').notNullable().unique().references('id').inTable('completions');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    // Snapshots: the certificate says what was true when it was issued, whatever changes later.
    t.string('holder_name', 200).notNullable();
    t.string('course_title', 300).notNullable();
    t.decimal('hours', 6, 2).nullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.string('revoked_reason', 500).nullable();
  });

  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 200).primary();
    t.integer('hits').notNullable();
    t.bigInteger('reset_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['rate_limits', 'certificates', 'completions', 'module_progress', 'enrolments',
    'course_versions', 'courses', 'setup_tokens', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}

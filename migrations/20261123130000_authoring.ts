// Trainer authoring in the browser: who owns a course (the curriculum folder or the browser),
// drafts stored in the database (so several app instances agree), and the files of every
// published version (so any version can be downloaded again as the exact zip of its folder).
//
// File bytes are stored once, by content hash, in `media_files`, which this migration adopts as
// the course blob store instead of adding a second `blobs` table: it is already content-addressed
// and immutable, published media already live there (a video in a draft, in five versions and
// on the learner's page is one row), and a draft's images are then served by the same media
// route a learner uses, so a trainer's preview is byte-for-byte what learners will get. Draft and
// version files only point at hashes.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    // 'folder': kept in curriculum/ and synced at start, read-only in the browser.
    // 'browser': made and edited in the browser; the folder sync never touches it.
    t.string('source', 10).notNullable().defaultTo('folder');
  });
  await knex.schema.alterTable('course_versions', (t) => {
    t.integer('published_by_user_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    // What the trainer wrote when publishing; course.md's version_notes is the folder's way.
    t.text('notes').nullable();
  });
  await knex.schema.createTable('course_drafts', (t) => {
    t.integer('course_id').primary().references('id').inTable('courses').onDelete('CASCADE');
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.integer('updated_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('course_draft_files', (t) => {
    t.integer('course_id').notNullable().references('course_id').inTable('course_drafts').onDelete('CASCADE');
    // Relative POSIX path inside the course folder: course.md, 01-intro.md, media/form.png.
    t.string('path', 200).notNullable();
    t.string('sha256', 64).notNullable().references('sha256').inTable('media_files');
    t.primary(['course_id', 'path']);
  });
  await knex.schema.createTable('course_version_files', (t) => {
    t.integer('version_id').notNullable().references('id').inTable('course_versions').onDelete('CASCADE');
    t.string('path', 200).notNullable();
    t.string('sha256', 64).notNullable().references('sha256').inTable('media_files');
    t.primary(['version_id', 'path']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('course_version_files');
  await knex.schema.dropTableIfExists('course_draft_files');
  await knex.schema.dropTableIfExists('course_drafts');
  await knex.schema.alterTable('course_versions', (t) => {
    t.dropForeign(['published_by_user_id']);
    t.dropColumn('published_by_user_id');
    t.dropColumn('notes');
  });
  await knex.schema.alterTable('courses', (t) => {
    t.dropColumn('source');
  });
}

// Drafts that never lose work: every save of a browser course's draft is kept as the set of files
// it left (path → content hash, like a published version's files), with who saved it and when, so
// any earlier save can be compared and brought back. A zip upload waiting for the trainer to
// confirm that it may replace a draft is held too (its files are already stored by hash).
//
// Consecutive autosaves of one file by one person are kept as one entry (its files replaced, its
// `saved_at` moved on) for a few minutes from `started_at`: src/authoring/history.ts has the rule.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('course_draft_saves', (t) => {
    t.increments('id').primary();
    t.integer('course_id').notNullable().references('course_id').inTable('course_drafts').onDelete('CASCADE');
    // Personal: erasing an account keeps the text and forgets who wrote it.
    t.integer('author_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    // save | autosave | upload | restore | modules | media | create | earlier
    t.string('kind', 20).notNullable();
    // The file the editor saved (save, autosave), else null.
    t.string('file', 200).nullable();
    t.integer('restored_from').nullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('saved_at', { useTz: true }).notNullable();
    t.index(['course_id', 'id']);
  });
  await knex.schema.createTable('course_draft_save_files', (t) => {
    t.integer('save_id').notNullable().references('id').inTable('course_draft_saves').onDelete('CASCADE');
    t.string('path', 200).notNullable();
    t.string('sha256', 64).notNullable().references('sha256').inTable('media_files');
    t.primary(['save_id', 'path']);
  });
  await knex.schema.createTable('course_upload_holds', (t) => {
    // A random token, carried by the confirmation form; only its owner may use it.
    t.string('token', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('slug', 100).notNullable();
    // The zip's files as JSON [{ path, sha256 }], their bytes already in media_files.
    t.text('files').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  // Every draft starts its history with what it holds now, so the first change can be undone.
  const drafts = await knex('course_drafts').select('course_id', 'updated_by', 'updated_at');
  for (const d of drafts) {
    const [row] = await knex('course_draft_saves')
      .insert({ course_id: d.course_id, author_id: d.updated_by, kind: 'earlier', file: null, restored_from: null, started_at: d.updated_at, saved_at: d.updated_at })
      .returning('id');
    const saveId = typeof row === 'object' ? (row as { id: number }).id : row;
    const files = await knex('course_draft_files').where({ course_id: d.course_id }).select('path', 'sha256');
    for (const f of files) await knex('course_draft_save_files').insert({ save_id: saveId, path: f.path, sha256: f.sha256 });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('course_upload_holds');
  await knex.schema.dropTableIfExists('course_draft_save_files');
  await knex.schema.dropTableIfExists('course_draft_saves');
}

// Graded checks, completion rules and pre/post surveys (issue 10).
//
// - `enrolments.round`: which time through the course a learner is on (0 first, +1 at each retake),
//   so attempts and survey answers of one round are never counted in another.
// - `check_attempts`: every answer to a knowledge check or graded scenario, with the option ids
//   chosen, its score and time. Attempts are personal, like progress: kept by user.
// - `module_visits`: when a learner first opened a module this round, for a minimum time per module.
//   Written only for courses that set one.
// - `survey_responses` and `course_evaluations` carry no user id: each row is filed under a
//   pseudonym, an HMAC of the learner, course and round keyed by `pseudonym_secrets`, so a learner's
//   pre and post answers pair up while the rows say nothing of who answered. Reports find an
//   organization's rows by computing its members' pseudonyms. Only the day of answering is kept.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrolments', (t) => {
    t.integer('round').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('check_attempts', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.integer('round').notNullable();
    // `module-key--check-name`, stable across versions like progress.
    t.string('check_id', 200).notNullable();
    t.integer('attempt').notNullable();
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    // The chosen options' ids (a JSON array): ids, not positions, so item analysis survives reordering.
    t.text('chosen').notNullable();
    t.float('score').notNullable();
    t.boolean('passed').notNullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable();
    // One row per attempt number: a double submit cannot store the same attempt twice.
    t.unique(['user_id', 'course_id', 'round', 'check_id', 'attempt']);
    t.index(['course_id', 'check_id']);
  });

  await knex.schema.createTable('module_visits', (t) => {
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('module_key', 200).notNullable();
    t.timestamp('first_seen_at', { useTz: true }).notNullable();
    t.primary(['enrolment_id', 'module_key']);
  });

  await knex.schema.createTable('pseudonym_secrets', (t) => {
    t.integer('id').primary();
    t.string('secret', 64).notNullable();
  });

  await knex.schema.createTable('survey_responses', (t) => {
    t.increments('id').primary();
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    t.string('respondent', 64).notNullable();
    // pre | post
    t.string('phase', 10).notNullable();
    // YYYY-MM-DD (UTC): the day is enough for periods, and a time would help link rows to people.
    t.string('answered_on', 10).notNullable();
    // { item id: 1-5 for attitude items, "true" | "false" | "not-sure" for knowledge items }
    t.text('answers').notNullable();
    t.unique(['course_id', 'respondent', 'phase']);
  });

  await knex.schema.createTable('course_evaluations', (t) => {
    t.increments('id').primary();
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('course_versions');
    t.string('respondent', 64).notNullable();
    t.string('answered_on', 10).notNullable();
    // 1-5 agreement, or null when left out.
    t.integer('useful').nullable();
    t.integer('relevant').nullable();
    t.integer('recommend').nullable();
    t.text('comment').nullable();
    t.unique(['course_id', 'respondent']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('course_evaluations');
  await knex.schema.dropTableIfExists('survey_responses');
  await knex.schema.dropTableIfExists('pseudonym_secrets');
  await knex.schema.dropTableIfExists('module_visits');
  await knex.schema.dropTableIfExists('check_attempts');
  await knex.schema.alterTable('enrolments', (t) => {
    t.dropColumn('round');
  });
}

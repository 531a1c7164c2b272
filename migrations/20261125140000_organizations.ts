// Organizations (a police department, a health authority...), their units, who belongs to which,
// the links that invite people in, the staff files being imported, and the training an
// organization requires of its people.
//
// - A user belongs to at most one organization: `memberships.user_id` is the primary key.
// - Invitation tokens are stored only as their SHA-256; the link is shown once when made.
// - Staff imported from a file who have no account yet get one at once (so they are counted in
//   reports from the start) with a password hash no password matches, and a personal invitation
//   (`invitations.user_id`) through which they choose a password.
// - Assignments are never deleted, only marked removed, so what was required stays answerable.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organizations', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    // Lower-cased, trimmed name: two organizations may not differ only by case or spaces.
    t.string('name_key', 200).notNullable().unique();
    // police | health_authority | municipality | community | other
    t.string('type', 30).notNullable();
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('units', (t) => {
    t.increments('id').primary();
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('name_key', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['organization_id', 'name_key']);
  });

  await knex.schema.createTable('memberships', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.integer('unit_id').nullable().references('id').inTable('units').onDelete('SET NULL');
    // member | manager
    t.string('role', 20).notNullable();
    t.timestamp('joined_at', { useTz: true }).notNullable();
    t.index(['organization_id', 'unit_id']);
  });

  await knex.schema.createTable('invitations', (t) => {
    t.increments('id').primary();
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.integer('unit_id').nullable().references('id').inTable('units').onDelete('SET NULL');
    t.string('token_hash', 64).notNullable().unique();
    // The organization role it gives: member, or manager (an administrator naming a coordinator).
    t.string('role', 20).notNullable().defaultTo('member');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('max_uses').notNullable();
    t.integer('uses').notNullable().defaultTo(0);
    // A personal invitation names its person; `user_id` binds it to one account (made by an import
    // or by an administrator), which follows it to choose a password or to accept.
    t.string('email', 320).nullable();
    t.string('display_name', 200).nullable();
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['organization_id']);
    t.index(['user_id']);
  });

  // A staff file between its preview and its confirmation: kept here, not in the session (read on
  // every request) nor in a hidden field (forms are limited to 64 KB). Confirming checks it again.
  await knex.schema.createTable('member_imports', (t) => {
    t.increments('id').primary();
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.integer('created_by').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('file_name', 255).notNullable();
    t.text('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('applied_at', { useTz: true }).nullable();
    t.index(['organization_id']);
  });

  await knex.schema.createTable('assignments', (t) => {
    t.increments('id').primary();
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.integer('course_id').notNullable().references('id').inTable('courses').onDelete('RESTRICT');
    // organization | unit | user
    t.string('target', 20).notNullable();
    t.integer('unit_id').nullable().references('id').inTable('units').onDelete('CASCADE');
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    // Exactly one of the two: a fixed date, or a number of days from joining (or from assignment).
    t.timestamp('due_at', { useTz: true }).nullable();
    t.integer('within_days').nullable();
    // When the learner's certificate expires, the course is due again.
    t.boolean('renews').notNullable().defaultTo(false);
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('removed_at', { useTz: true }).nullable();
    t.index(['organization_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['assignments', 'member_imports', 'invitations', 'memberships', 'units', 'organizations']) {
    await knex.schema.dropTableIfExists(table);
  }
}

// Reporting API tokens: an organization's managers make them for the systems that pull its reports
// (an HR system's nightly sync). A token belongs to the organization, not to the manager who made
// it, so it keeps working when that manager leaves; it stops when revoked.
//
// - Only the SHA-256 of a token is kept; the token is shown once, when made. Tokens carry 256
//   random bits, so a plain hash (not a slow password hash) is enough and keeps each request cheap.
// - `prefix` is the token's first characters, kept in clear so a manager can tell tokens apart.
// - `last_used_at` is written at most once a minute per token, not on every request.
// - Revoked tokens are kept (marked), so the page can still say when each was used last.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id').primary();
    t.integer('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.string('prefix', 16).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['organization_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('api_tokens');
}

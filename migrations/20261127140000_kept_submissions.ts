// Kept submissions: a form a signed-in person sent after their session had timed out (idle or
// absolute limit), kept so nothing they typed is lost. It is offered back only to the same user,
// after they sign in again, for one click to save it (src/http/kept-submissions.ts).
//
// - Only the SHA-256 of the token is kept; the token itself is in a cookie of the browser that sent it.
// - `fields` is the form as sent (JSON, without its CSRF token); personal: erased with the account
//   (cascade) and kept briefly (`expires_at`, an hour), deleted once used or discarded.
// - Times are epoch milliseconds, like password_reset_tokens.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('kept_submissions', (t) => {
    t.string('token_hash', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('action', 2000).notNullable();
    t.text('fields').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['user_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('kept_submissions');
}

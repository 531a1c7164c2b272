// Password reset links: single use, valid for an hour, sent by email (or issued by an administrator
// or the learner's manager when there is no SMTP).
//
// - Only the SHA-256 of a token is kept. Tokens carry 256 random bits, so a plain hash is enough.
// - `used_at` marks a token spent; a successful reset also spends every other token of the user.
// - Times are epoch milliseconds, like setup_tokens.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('password_reset_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('password_reset_tokens');
}

// A second factor at sign-in: time-based one-time passwords (RFC 6238) and single-use recovery codes.
//
// - `second_factors`: one row per user who has started or finished enrolment. The TOTP secret is
//   kept only encrypted (AES-256-GCM under a key derived from the session secret by HKDF: see
//   src/accounts/secret-box.ts). `enabled_at` is null while enrolment is pending
//   (the secret was made but no code confirmed yet). `last_used_step` is the RFC 6238 time step of
//   the last code accepted, so a code cannot be used twice in its window.
// - `recovery_codes`: ten per enrolment (or regeneration), each kept only as its SHA-256 (the codes
//   carry 80 random bits, so a plain hash is enough); `used_at` marks one spent.
// - Times are epoch milliseconds, like setup_tokens. Both go with the user (ON DELETE CASCADE).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('second_factors', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.text('secret_encrypted').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('enabled_at').nullable();
    t.bigInteger('last_used_step').nullable();
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable();
    t.bigInteger('used_at').nullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('recovery_codes');
  await knex.schema.dropTableIfExists('second_factors');
}

// Pending registrations: a self-registration waiting for its address to be proven (only when
// email is configured; src/accounts/registration.ts).
//
// Why a table of its own rather than an unverified row in `users`: an unproven address must not
// exist as an account anywhere (sign-in, the administrator's lists, reports, staff imports, the
// unique email), or typing someone else's address would squat it and tell the next visitor it is
// taken. A row here is nobody's account until its link is followed.
//
// - Several rows may name one address (a stranger's attempt must not block the owner's); the first
//   link followed wins and every row of the address is deleted with it.
// - Only the SHA-256 of the token is kept. `password_hash` is the scrypt hash of the chosen password.
// - Personal data, kept briefly: `expires_at` (24 hours), deleted once used or expired.
// - Times are epoch milliseconds, like password_reset_tokens.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pending_registrations', (t) => {
    t.string('token_hash', 64).primary();
    t.string('email', 320).notNullable();
    t.string('display_name', 200).notNullable();
    t.string('password_hash', 255).notNullable();
    // Where to go once the account exists (e.g. an invitation's /join/<token>), a local path.
    t.string('next_path', 2000).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['email']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('pending_registrations');
}

// A learner's own data (issue 12): erasing an account, and a retention period for inactive ones.
//
// - `users.erased_at`: when the account was erased. The row stays (its name, email and password
//   hash replaced by placeholders), so enrolments, completions and attempts still count in totals
//   while naming no one. Null for a live account.
// - `users.last_active_at`: the last day the person was signed in (written at most once a day,
//   src/privacy/activity.ts); the retention period (RETENTION_INACTIVE_DAYS) counts from it, or
//   from `created_at` for an account never used since this column came.
// - `certificates.withdrawn_at`: the holder withdrew the certificate by erasing their account; it
//   then verifies as "withdrawn by the holder", with no name, and is no longer downloadable.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('erased_at', { useTz: true }).nullable();
    t.timestamp('last_active_at', { useTz: true }).nullable();
  });
  await knex.schema.alterTable('certificates', (t) => {
    t.timestamp('withdrawn_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('certificates', (t) => {
    t.dropColumn('withdrawn_at');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_active_at');
    t.dropColumn('erased_at');
  });
}

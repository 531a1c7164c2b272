// Account administration and the audit log.
//
// - `users.deactivated_at`: a deactivated account cannot sign in and its sessions are treated as
//   signed out; null for an active account. Kept as a date (not a flag) so the page can say since when.
// - `audit_events`: who did what, when and from where, for every privileged action. Append-only: no
//   route or store function updates or deletes a row (test/http/audit-log.test.ts checks src/).
//   The actor's name and email are copied (`actor_label`), so the log still reads when the account
//   is renamed or erased; `actor_id` is SET NULL, never cascading the log away.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('deactivated_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('audit_events', (t) => {
    t.increments('id').primary();
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('actor_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('actor_label', 400).notNullable();
    t.string('action', 64).notNullable();
    t.string('target_type', 32).nullable();
    t.string('target_id', 64).nullable();
    t.text('details').notNullable();
    t.string('client_address', 64).nullable();
    t.string('request_id', 64).nullable();
    t.index(['at']);
    t.index(['actor_id', 'at']);
    t.index(['action', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_events');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('deactivated_at');
  });
}

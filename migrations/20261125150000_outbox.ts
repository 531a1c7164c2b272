// Email goes out through an outbox: a message is written in the same transaction as the event
// that caused it, and a worker sends it later, retrying with backoff. `leases` lets exactly one
// of several app processes run the worker at a time. Learners may turn reminders off.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary();
    // What the message is (e.g. 'assignment_reminder'): for logs and counts, never shown.
    t.string('kind', 64).notNullable();
    t.string('recipient', 320).notNullable();
    t.string('subject', 500).notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').nullable();
    // Names the event a message is for, so enqueueing the same reminder twice sends it once.
    t.string('dedupe_key', 255).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    // Set when the message is given up on (a permanent refusal, or too many attempts).
    t.timestamp('failed_at', { useTz: true }).nullable();
    t.string('last_error', 300).nullable();
    // The worker sending it now, until when; an expired claim (a crashed worker) may be taken again.
    t.string('claimed_by', 100).nullable();
    t.timestamp('claimed_until', { useTz: true }).nullable();
    // The worker's question, "what is due?", reads only unsent rows in this order.
    t.index(['sent_at', 'failed_at', 'next_attempt_at'], 'outbox_due_index');
  });

  await knex.schema.createTable('leases', (t) => {
    t.string('name', 100).primary();
    t.string('holder', 100).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.alterTable('users', (t) => {
    t.boolean('reminders_enabled').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('reminders_enabled');
  });
  await knex.schema.dropTableIfExists('leases');
  await knex.schema.dropTableIfExists('outbox');
}

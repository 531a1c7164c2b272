// The worker's queries on the outbox: claim what is due, then record what happened to each
// message. One knex query path for SQLite and PostgreSQL (tested on both in test/mail).
import type { Db } from '../db/knex';
import { toDate, toNumber } from '../db/values';

export interface OutboxMessage {
  id: number;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  dedupeKey: string;
  createdAt: Date;
  /** Attempts so far, this one included. */
  attempts: number;
}

const COLUMNS = ['id', 'kind', 'recipient', 'subject', 'text_body', 'html_body', 'dedupe_key', 'created_at', 'attempts'];

function toMessage(row: Record<string, unknown>): OutboxMessage {
  return {
    id: toNumber(row.id),
    kind: String(row.kind),
    recipient: String(row.recipient),
    subject: String(row.subject),
    text: String(row.text_body),
    html: row.html_body == null ? null : String(row.html_body),
    dedupeKey: String(row.dedupe_key),
    createdAt: toDate(row.created_at),
    attempts: toNumber(row.attempts),
  };
}

/**
 * Claims up to `limit` due messages for `workerId` until `claimUntil`, counting the attempt now
 * (so a message that crashes its sender still runs out of attempts). The conditions are repeated
 * on the outer update: on PostgreSQL a concurrent claimer that waited for the same rows re-checks
 * them against the rows as updated, and skips what was claimed meanwhile. SQLite runs one writer
 * at a time.
 */
export async function claimDue(db: Db, { workerId, now, claimUntil, limit }: { workerId: string; now: Date; claimUntil: Date; limit: number }): Promise<OutboxMessage[]> {
  const due = (q: ReturnType<Db>) =>
    q.whereNull('sent_at').whereNull('failed_at').where('next_attempt_at', '<=', now)
      .where((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<=', now));
  const ids = due(db('outbox').select('id')).orderBy([{ column: 'next_attempt_at' }, { column: 'id' }]).limit(limit);
  const rows = await due(db('outbox').whereIn('id', ids))
    .update({ claimed_by: workerId, claimed_until: claimUntil, attempts: db.raw('?? + 1', ['attempts']) })
    .returning(COLUMNS);
  return (rows as Record<string, unknown>[]).map(toMessage).sort((a, b) => a.id - b.id);
}

/** Recorded whoever holds the claim now: the SMTP server has the message, so it is sent. */
export async function markSent(db: Db, id: number, now: Date): Promise<void> {
  await db('outbox').where({ id }).whereNull('sent_at')
    .update({ sent_at: now, claimed_by: null, claimed_until: null, last_error: null });
}

/** The next try, if this worker still holds the claim (another may have taken an expired one). */
export async function markRetry(db: Db, id: number, workerId: string, { nextAttemptAt, error }: { nextAttemptAt: Date; error: string }): Promise<void> {
  await db('outbox').where({ id, claimed_by: workerId }).whereNull('sent_at')
    .update({ next_attempt_at: nextAttemptAt, last_error: error, claimed_by: null, claimed_until: null });
}

export async function markFailed(db: Db, id: number, workerId: string, { now, error }: { now: Date; error: string }): Promise<void> {
  await db('outbox').where({ id, claimed_by: workerId }).whereNull('sent_at')
    .update({ failed_at: now, last_error: error, claimed_by: null, claimed_until: null });
}

/**
 * Hands back this worker's claimed but unsent messages (it is stopping, or lost its lease), so
 * the next holder need not wait for the claims to expire. The attempt counted at claim time is
 * given back too: nothing was tried.
 */
export async function releaseClaims(db: Db, workerId: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db('outbox').where({ claimed_by: workerId }).whereIn('id', ids).whereNull('sent_at')
    .update({ claimed_by: null, claimed_until: null, attempts: db.raw('?? - 1', ['attempts']) });
}

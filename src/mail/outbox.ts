// Putting a message in the outbox. It is written with the caller's knex transaction, so the
// message exists exactly when the event that caused it was committed: a rolled-back enrolment
// sends nothing, and a committed one cannot lose its email to a crash before sending.
import type { Db } from '../db/knex';
import type { OutgoingEmail } from './types';

const LIMITS = { kind: 64, to: 320, subject: 500, dedupeKey: 255 } as const;

/** A caller's mistake (not a user's): refused loudly rather than stored and failing later. */
function check(message: OutgoingEmail): void {
  for (const field of ['kind', 'to', 'subject', 'dedupeKey'] as const) {
    const value = message[field];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`enqueueEmail: ${field} is required`);
    if (value.length > LIMITS[field]) throw new Error(`enqueueEmail: ${field} is longer than ${LIMITS[field]} characters`);
    // A line break in a header field would be a header injection; nodemailer encodes it, but no
    // field of ours has one legitimately.
    if (/[\r\n]/.test(value)) throw new Error(`enqueueEmail: ${field} contains a line break`);
  }
  if (!/^[^\s@,;<>]+@[^\s@,;<>]+$/.test(message.to)) throw new Error('enqueueEmail: to must be one plain email address');
  if (typeof message.text !== 'string' || message.text === '') throw new Error('enqueueEmail: text is required');
}

/**
 * Queues an email inside the given transaction (or on the db itself). Returns true when it was
 * newly queued, false when a message with the same dedupe key already exists (queued, sent or
 * given up on): then nothing changes. Never aborts the caller's transaction on a duplicate.
 */
export async function enqueueEmail(trx: Db, message: OutgoingEmail, now: Date): Promise<boolean> {
  check(message);
  const inserted = await trx('outbox')
    .insert({
      kind: message.kind,
      recipient: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html ?? null,
      dedupe_key: message.dedupeKey,
      created_at: now,
      attempts: 0,
      next_attempt_at: now,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length === 1;
}

/**
 * How long a sent (or given-up) message stays: long enough to answer "was the reminder sent?" for
 * a quarter, and no longer, since it holds an address and often a name. Its dedupe key goes with
 * it, which is safe: every key names a moment now past (a due date's reminder, an ISO week's
 * overdue notice, a single-use link), so no later event asks for the same key again.
 */
export const SENT_EMAIL_KEPT_DAYS = 90;

/** Deletes messages sent or given up on more than SENT_EMAIL_KEPT_DAYS ago; returns how many. */
export async function pruneSentEmail(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - SENT_EMAIL_KEPT_DAYS * 24 * 60 * 60 * 1000);
  return db('outbox').where((w) => w.where('sent_at', '<', cutoff).orWhere('failed_at', '<', cutoff)).delete();
}

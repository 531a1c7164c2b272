// The knex queries for kept submissions (see migrations/20261127140000_kept_submissions.ts).
import type { Db } from '../db/knex';
import { toNumber } from '../db/values';

export interface KeptRow {
  userId: number;
  action: string;
  fields: Record<string, string | string[]>;
  expiresAt: number;
}

export async function insertKept(db: Db, row: { tokenHash: string; userId: number; action: string; fields: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.transaction(async (trx) => {
    // Old rows go when new ones come: the table stays small without a timer of its own.
    await trx('kept_submissions').where('expires_at', '<=', row.createdAt).delete();
    await trx('kept_submissions').insert({
      token_hash: row.tokenHash, user_id: row.userId, action: row.action, fields: row.fields,
      created_at: row.createdAt, expires_at: row.expiresAt,
    });
  });
}

/** The unexpired row for this token, whoever it belongs to (the caller compares the user). */
export async function findKept(db: Db, tokenHash: string, now: number): Promise<KeptRow | null> {
  const r = await db('kept_submissions').where({ token_hash: tokenHash }).where('expires_at', '>', now).first('user_id', 'action', 'fields', 'expires_at');
  if (!r) return null;
  return { userId: toNumber(r.user_id), action: String(r.action), fields: JSON.parse(String(r.fields)) as KeptRow['fields'], expiresAt: toNumber(r.expires_at) };
}

export async function deleteKept(db: Db, tokenHash: string): Promise<void> {
  await db('kept_submissions').where({ token_hash: tokenHash }).delete();
}

/** Deletes expired rows; returns how many. */
export async function pruneKept(db: Db, now: number): Promise<number> {
  return db('kept_submissions').where('expires_at', '<=', now).delete();
}

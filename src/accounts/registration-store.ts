// The knex queries of pending registrations (migrations/20261127130000_pending_registrations.ts).
import type { Db } from '../db/knex';
import { toNumber } from '../db/values';

export interface PendingRegistration {
  email: string;
  displayName: string;
  passwordHash: string;
  nextPath: string | null;
}

export async function insertPending(db: Db, row: PendingRegistration & { tokenHash: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db('pending_registrations').insert({
    token_hash: row.tokenHash, email: row.email, display_name: row.displayName, password_hash: row.passwordHash,
    next_path: row.nextPath, created_at: row.createdAt, expires_at: row.expiresAt,
  });
}

/** The registration a token stands for, while it has not expired; null otherwise. */
export async function findUsablePending(db: Db, tokenHash: string, now: number): Promise<PendingRegistration | null> {
  const row = await db('pending_registrations').where({ token_hash: tokenHash }).where('expires_at', '>', now).first();
  return row ? { email: row.email, displayName: row.display_name, passwordHash: row.password_hash, nextPath: row.next_path ?? null } : null;
}

/** How many registrations for the address were asked for since `since` (to bound the emails one inbox gets). */
export async function countPendingSince(db: Db, email: string, since: number): Promise<number> {
  const [{ n }] = await db('pending_registrations').where({ email }).where('created_at', '>', since).count({ n: '*' });
  return toNumber(n);
}

/**
 * Spends a token: deletes its row, and every other row of the same address (the address is
 * proven; the others are worthless). Returns whether this call deleted the token's row, which
 * decides a race between two uses of one link.
 */
export async function spendPending(db: Db, tokenHash: string, email: string): Promise<boolean> {
  const spent = await db('pending_registrations').where({ token_hash: tokenHash }).delete();
  await db('pending_registrations').where({ email }).delete();
  return spent === 1;
}

/** Erases expired registrations: they are personal data with no further use. */
export async function deleteExpired(db: Db, now: number): Promise<number> {
  return db('pending_registrations').where('expires_at', '<=', now).delete();
}

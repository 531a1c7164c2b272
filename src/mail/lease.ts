// A named lease in the database: one holder at a time, until it expires. The mail worker takes
// it so that, of several app processes on one database, exactly one sends. Times come from the
// caller's clock; the holders' clocks should agree to well within the lease's length.
import type { Db } from '../db/knex';

/**
 * Takes the lease, or renews it when `holder` has it. Returns when it expires, or null when
 * another holder's lease is still running. Both statements are single atomic writes: the insert
 * makes the row the first time (a racing insert is ignored), and the update takes it only from
 * its holder or once it has expired (PostgreSQL re-checks that condition after waiting for a
 * concurrent taker, so two cannot both succeed).
 */
export async function takeLease(db: Db, { name, holder, now, ttlMs }: { name: string; holder: string; now: Date; ttlMs: number }): Promise<Date | null> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db('leases').insert({ name, holder, expires_at: now }).onConflict('name').ignore();
  const taken = await db('leases')
    .where({ name })
    .where((w) => w.where({ holder }).orWhere('expires_at', '<=', now))
    .update({ holder, expires_at: expiresAt });
  return taken === 1 ? expiresAt : null;
}

/** Gives the lease up at once (on a clean stop), so another process need not wait for it to expire. */
export async function releaseLease(db: Db, { name, holder, now }: { name: string; holder: string; now: Date }): Promise<void> {
  await db('leases').where({ name, holder }).update({ expires_at: now });
}

// Knex queries for second factors (`second_factors`) and recovery codes (`recovery_codes`).
import type { Db } from '../db/knex';
import { toNumber } from '../db/values';

export interface FactorRow {
  secretEncrypted: string;
  /** Epoch ms; null while enrolment is pending (made, not yet confirmed with a code). */
  enabledAt: number | null;
  lastUsedStep: number | null;
}

export async function findFactor(db: Db, userId: number): Promise<FactorRow | null> {
  const row = await db('second_factors').where({ user_id: userId }).first('secret_encrypted', 'enabled_at', 'last_used_step');
  if (!row) return null;
  return {
    secretEncrypted: String(row.secret_encrypted),
    enabledAt: row.enabled_at == null ? null : toNumber(row.enabled_at),
    lastUsedStep: row.last_used_step == null ? null : toNumber(row.last_used_step),
  };
}

/** When the user's second factor was switched on, or null when it is off (or only pending). */
export async function enabledAt(db: Db, userId: number): Promise<number | null> {
  const row = await db('second_factors').where({ user_id: userId }).whereNotNull('enabled_at').first('enabled_at');
  return row ? toNumber(row.enabled_at) : null;
}

/** Stores a pending secret in place of any earlier pending one; never over a factor that is on. */
export async function savePending(db: Db, userId: number, secretEncrypted: string, now: number): Promise<boolean> {
  await db('second_factors').where({ user_id: userId }).whereNull('enabled_at').delete();
  const [row] = await db('second_factors').insert({ user_id: userId, secret_encrypted: secretEncrypted, created_at: now })
    .onConflict('user_id').ignore().returning('user_id');
  return row !== undefined;
}

/** The same secret sealed again (under the current SESSION_SECRET, src/accounts/secret-box.ts). */
export async function resealSecret(db: Db, userId: number, secretEncrypted: string): Promise<void> {
  await db('second_factors').where({ user_id: userId }).update({ secret_encrypted: secretEncrypted });
}

/** Switches a pending factor on, the confirming code's step used; false when none was pending. */
export async function enable(db: Db, userId: number, now: number, step: number): Promise<boolean> {
  return (await db('second_factors').where({ user_id: userId }).whereNull('enabled_at').update({ enabled_at: now, last_used_step: step })) === 1;
}

/**
 * Records the step of an accepted code, only if it is later than the last one accepted: one
 * statement, so two requests with the same code cannot both pass.
 */
export async function useStep(db: Db, userId: number, step: number): Promise<boolean> {
  const n = await db('second_factors').where({ user_id: userId }).whereNotNull('enabled_at')
    .where((q) => { q.whereNull('last_used_step').orWhere('last_used_step', '<', step); })
    .update({ last_used_step: step });
  return n === 1;
}

/** Removes the factor and its recovery codes; whether there was one switched on. */
export async function removeFactor(db: Db, userId: number): Promise<boolean> {
  const wasOn = (await enabledAt(db, userId)) !== null;
  await db('recovery_codes').where({ user_id: userId }).delete();
  await db('second_factors').where({ user_id: userId }).delete();
  return wasOn;
}

export async function replaceRecoveryCodes(db: Db, userId: number, hashes: string[]): Promise<void> {
  await db('recovery_codes').where({ user_id: userId }).delete();
  await db('recovery_codes').insert(hashes.map((codeHash) => ({ user_id: userId, code_hash: codeHash })));
}

export async function unusedRecoveryCodes(db: Db, userId: number): Promise<{ id: number; codeHash: string }[]> {
  const rows = await db('recovery_codes').where({ user_id: userId }).whereNull('used_at').orderBy('id').select('id', 'code_hash');
  return rows.map((r) => ({ id: toNumber(r.id), codeHash: String(r.code_hash) }));
}

/** Spends the code; false when another request spent it first. */
export async function spendRecoveryCode(db: Db, id: number, now: number): Promise<boolean> {
  return (await db('recovery_codes').where({ id }).whereNull('used_at').update({ used_at: now })) === 1;
}

/** Ends every session of the user: after an administrator resets their second factor. */
export async function endSessions(db: Db, userId: number): Promise<void> {
  await db('sessions').where({ user_id: userId }).delete();
}

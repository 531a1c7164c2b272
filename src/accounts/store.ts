// Knex queries for users and the one-time setup tokens.
import type { Db } from '../db/knex';
import { toNumber } from '../db/values';
import type { Role, SessionUser } from './types';

export interface UserRow extends SessionUser {
  passwordHash: string;
}

const COLUMNS = ['id', 'email', 'display_name', 'role', 'locale', 'password_hash'];

function toUser(row: Record<string, unknown>): UserRow {
  return {
    id: toNumber(row.id),
    email: String(row.email),
    displayName: String(row.display_name),
    role: row.role as Role,
    locale: String(row.locale),
    passwordHash: String(row.password_hash),
  };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const row = await db('users').where({ email }).first(COLUMNS);
  return row ? toUser(row) : null;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | null> {
  const row = await db('users').where({ id }).first(COLUMNS);
  return row ? toUser(row) : null;
}

export async function insertUser(
  db: Db,
  user: { email: string; displayName: string; passwordHash: string; role: Role; createdAt: Date },
): Promise<number> {
  const [row] = await db('users')
    .insert({ email: user.email, display_name: user.displayName, password_hash: user.passwordHash, role: user.role, created_at: user.createdAt })
    .returning('id');
  return toNumber(typeof row === 'object' ? row.id : row);
}

export async function updateDisplayName(db: Db, id: number, displayName: string): Promise<void> {
  await db('users').where({ id }).update({ display_name: displayName });
}

export async function countAdmins(db: Db): Promise<number> {
  const row = await db('users').where({ role: 'admin' }).count({ n: '*' }).first();
  return toNumber(row?.n ?? 0);
}

export async function replaceSetupToken(db: Db, tokenHash: string, expiresAt: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('setup_tokens').whereNull('used_at').delete();
    await trx('setup_tokens').insert({ token_hash: tokenHash, expires_at: expiresAt });
  });
}

export async function findUsableSetupToken(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const row = await db('setup_tokens').where({ token_hash: tokenHash }).whereNull('used_at').where('expires_at', '>', now).first('token_hash');
  return Boolean(row);
}

/** Marks the token used; returns false when another request used it first. */
export async function consumeSetupToken(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const n = await db('setup_tokens').where({ token_hash: tokenHash }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now });
  return n === 1;
}

// The knex queries behind the administrator's user pages: search, one user, role and activation.
import type { Db } from '../db/knex';
import { isSqlite } from '../db/knex';
import { toDateOrNull, toNumber } from '../db/values';
import type { Role } from '../accounts/types';

export const USERS_PAGE_SIZE = 25;

export interface ManagedUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  organizationName: string | null;
  organizationRole: string | null;
  deactivatedAt: Date | null;
  /** When its holder deleted it (src/privacy/erase.ts): nothing about it may change any more. */
  erasedAt: Date | null;
}

const COLUMNS = ['u.id', 'u.email', 'u.display_name', 'u.role', 'u.deactivated_at', 'u.erased_at', 'o.name as organization_name', 'm.role as membership_role'];

const withOrganization = (db: Db) => db('users as u')
  .leftJoin('memberships as m', 'm.user_id', 'u.id')
  .leftJoin('organizations as o', 'o.id', 'm.organization_id');

function toManaged(r: Record<string, unknown>): ManagedUser {
  return {
    id: toNumber(r.id), email: String(r.email), displayName: String(r.display_name), role: r.role as Role,
    organizationName: r.organization_name == null ? null : String(r.organization_name),
    organizationRole: r.membership_role == null ? null : String(r.membership_role),
    deactivatedAt: toDateOrNull(r.deactivated_at),
    erasedAt: toDateOrNull(r.erased_at),
  };
}

/** `%`, `_` and `\` typed in a search are matched as themselves. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Users whose name or email contains the text (any case), by name, one page at a time. */
export async function searchUsers(db: Db, text: string, page: number): Promise<{ users: ManagedUser[]; total: number }> {
  const query = withOrganization(db);
  if (text) {
    const pattern = likePattern(text);
    query.where((w) => {
      w.whereRaw("lower(u.display_name) like ? escape '\\'", [pattern]).orWhereRaw("lower(u.email) like ? escape '\\'", [pattern]);
    });
  }
  const [count, rows] = await Promise.all([
    query.clone().count({ n: '*' }).first(),
    query.clone().orderBy([{ column: 'u.display_name' }, { column: 'u.id' }])
      .limit(USERS_PAGE_SIZE).offset((page - 1) * USERS_PAGE_SIZE).select(COLUMNS),
  ]);
  return { users: rows.map(toManaged), total: toNumber(count?.n ?? 0) };
}

export async function findManagedUser(db: Db, id: number): Promise<ManagedUser | null> {
  const row = await withOrganization(db).where('u.id', id).first(COLUMNS);
  return row ? toManaged(row) : null;
}

/**
 * Whether an active administrator other than `userId` exists. On PostgreSQL every active
 * administrator's row is locked (in id order, so two such transactions queue rather than deadlock)
 * until the transaction ends: two administrators demoting each other at once cannot both pass.
 * SQLite runs one writing transaction at a time.
 */
export async function anotherActiveAdmin(trx: Db, userId: number): Promise<boolean> {
  const query = trx('users').where({ role: 'admin' }).whereNull('deactivated_at').orderBy('id').select('id');
  const rows = await (isSqlite(trx) ? query : query.forUpdate());
  return rows.some((r) => toNumber(r.id) !== userId);
}

export async function setRole(trx: Db, id: number, role: Role): Promise<void> {
  await trx('users').where({ id }).update({ role });
}

export async function setDeactivatedAt(trx: Db, id: number, at: Date | null): Promise<void> {
  await trx('users').where({ id }).update({ deactivated_at: at });
}

/** Ends every session of the user at once (the session store keeps one row per session). */
export async function endAllSessions(trx: Db, userId: number): Promise<void> {
  await trx('sessions').where({ user_id: userId }).delete();
}

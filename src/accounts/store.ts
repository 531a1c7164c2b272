// Knex queries for users and the one-time setup tokens.
import { isSqlite, isUniqueViolation, sqliteFirst, sqlTemplateOf, type Db, type SqliteRowShape } from '../db/knex';
import { conflict } from '../http/errors';
import { toNumber } from '../db/values';
import { UNCLAIMED_PASSWORD_HASH } from './passwords';
import type { Membership, Role, SessionUser } from './types';

export interface UserRow extends SessionUser {
  passwordHash: string;
  /** A deactivated account cannot sign in (src/admin/users-store.ts deactivates). */
  deactivated: boolean;
}

const COLUMNS = ['u.id', 'u.email', 'u.display_name', 'u.role', 'u.locale', 'u.password_hash', 'u.deactivated_at', 'm.organization_id', 'm.role as membership_role'];

/** A user's organization, read with the user (left join memberships): null when they belong to none. */
function toMembership(row: Record<string, unknown>): Membership | null {
  return row.organization_id == null ? null : { organizationId: toNumber(row.organization_id), role: row.membership_role as Membership['role'] };
}

const usersWithMembership = (db: Db) => db('users as u').leftJoin('memberships as m', 'm.user_id', 'u.id');

function toUser(row: Record<string, unknown>): UserRow {
  return {
    id: toNumber(row.id),
    email: String(row.email),
    displayName: String(row.display_name),
    role: row.role as Role,
    locale: String(row.locale),
    membership: toMembership(row),
    passwordHash: String(row.password_hash),
    deactivated: row.deactivated_at != null,
  };
}

/** A stored session and its user, read in one statement: the hot path of every signed-in page. */
export interface SessionRow {
  data: string;
  expiresAt: number;
  /** Null when the session has no user, or its user no longer exists or is deactivated. */
  user: SessionUser | null;
}

const SESSION_WITH_USER_COLUMNS = ['s.data', 's.expires_at', 'u.id as user_id', 'u.email', 'u.display_name', 'u.role', 'u.locale', 'm.organization_id', 'm.role as membership_role'];

// A deactivated user's sessions read as signed out: the join finds no user (in the same one statement).
const sessionWithUser = (db: Db) => db('sessions as s')
  .leftJoin('users as u', (on) => { on.on('u.id', 's.user_id').andOnNull('u.deactivated_at'); })
  .leftJoin('memberships as m', 'm.user_id', 'u.id');

/**
 * On SQLite, knex's own SQL for the query (built once per knex instance) runs as a prepared
 * statement, skipping knex's per-query building and runner on every signed-in request; PostgreSQL
 * runs the query through knex.
 */
const sessionWithUserSqlite = sqlTemplateOf(['\u0000sid'], (db, sid) => sessionWithUser(db).where('s.sid', sid).first(SESSION_WITH_USER_COLUMNS));
/** The statement's row, in SESSION_WITH_USER_COLUMNS' order (see SqliteRowShape). */
const sessionWithUserRow: SqliteRowShape<Record<string, unknown>> = {
  columns: ['data', 'expires_at', 'user_id', 'email', 'display_name', 'role', 'locale', 'organization_id', 'membership_role'],
  row: ([data, expires_at, user_id, email, display_name, role, locale, organization_id, membership_role]) => (
    { data, expires_at, user_id, email, display_name, role, locale, organization_id, membership_role }),
};

export async function findSessionWithUser(db: Db, sid: string): Promise<SessionRow | null> {
  const template = isSqlite(db) ? sessionWithUserSqlite(db) : null;
  const row = template
    ? await sqliteFirst(db, template.sql, template.bind(sid), sessionWithUserRow)
    : await sessionWithUser(db).where('s.sid', sid).first(SESSION_WITH_USER_COLUMNS);
  if (!row) return null;
  return {
    data: String(row.data),
    expiresAt: toNumber(row.expires_at),
    user: row.user_id == null ? null : {
      id: toNumber(row.user_id), email: String(row.email), displayName: String(row.display_name), role: row.role as Role,
      locale: String(row.locale), membership: toMembership(row),
    },
  };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const row = await usersWithMembership(db).where('u.email', email).first(COLUMNS);
  return row ? toUser(row) : null;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | null> {
  const row = await usersWithMembership(db).where('u.id', id).first(COLUMNS);
  return row ? toUser(row) : null;
}

export async function insertUser(
  db: Db,
  user: { email: string; displayName: string; passwordHash: string; role: Role; createdAt: Date },
): Promise<number> {
  try {
    const [row] = await db('users')
      .insert({ email: user.email, display_name: user.displayName, password_hash: user.passwordHash, role: user.role, created_at: user.createdAt })
      .returning('id');
    return toNumber(typeof row === 'object' ? row.id : row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email_taken');
    throw err;
  }
}

/** What another feature may know of a person: no password hash, only whether one was chosen. */
export interface PersonRow {
  id: number;
  email: string;
  displayName: string;
  /** False for an account made for someone (by a staff import) who has not yet chosen a password. */
  claimed: boolean;
}

function toPerson(r: Record<string, unknown>): PersonRow {
  return { id: toNumber(r.id), email: String(r.email), displayName: String(r.display_name), claimed: String(r.password_hash) !== UNCLAIMED_PASSWORD_HASH };
}

const PERSON_COLUMNS = ['id', 'email', 'display_name', 'password_hash'];

/** Users by id or by email, read in parts (both databases cap a statement's parameters). */
export async function findPeople(db: Db, by: { ids: number[] } | { emails: string[] }): Promise<PersonRow[]> {
  const [column, values] = 'ids' in by ? ['id', by.ids] as const : ['email', by.emails] as const;
  const out: PersonRow[] = [];
  for (let i = 0; i < values.length; i += 900) {
    const rows = await db('users').whereIn(column, values.slice(i, i + 900) as (string | number)[]).select(PERSON_COLUMNS);
    out.push(...rows.map(toPerson));
  }
  return out;
}

/** Accounts made for people who have not signed up yet: they cannot sign in until they claim them. */
/** Inserts accounts with no password yet, in slices; a taken email is a Conflict `email_taken`. */
export async function insertUnclaimedUsers(db: Db, people: { email: string; displayName: string }[], createdAt: Date): Promise<void> {
  try {
    for (let i = 0; i < people.length; i += 200) {
      await db('users').insert(people.slice(i, i + 200).map((p) => ({
        email: p.email, display_name: p.displayName, password_hash: UNCLAIMED_PASSWORD_HASH, role: 'learner', created_at: createdAt,
      })));
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email_taken');
    throw err;
  }
}

/** Sets the first password of an unclaimed account; false when it was claimed already. */
export async function claimUser(db: Db, id: number, passwordHash: string): Promise<boolean> {
  return (await db('users').where({ id, password_hash: UNCLAIMED_PASSWORD_HASH }).update({ password_hash: passwordHash })) === 1;
}

export async function updatePasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db('users').where({ id }).update({ password_hash: passwordHash });
}

/** Deletes the user's sessions but the one named: they are signed out on their next request. */
export async function endSessionsExcept(db: Db, userId: number, keepSid: string): Promise<void> {
  await db('sessions').where({ user_id: userId }).whereNot({ sid: keepSid }).delete();
}

export async function updateDisplayName(db: Db, id: number, displayName: string): Promise<void> {
  await db('users').where({ id }).update({ display_name: displayName });
}

/** Of the given users, the ids of those who want email reminders (on unless turned off at /account). */
export async function remindersEnabled(db: Db, userIds: readonly number[]): Promise<Set<number>> {
  const wanted = new Set<number>();
  // In slices: a long list of ids must stay under the databases' limits on bound values.
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db('users').whereIn('id', userIds.slice(i, i + 500)).where('reminders_enabled', true).select('id');
    for (const row of rows) wanted.add(toNumber(row.id));
  }
  return wanted;
}

export async function setRemindersEnabled(db: Db, userId: number, enabled: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({ reminders_enabled: enabled });
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

// Knex queries of the privacy feature: what the database itself says its tables and columns are,
// and the reads and writes that export and erase walk through the registry with.
import { isSqlite, type Db } from '../db/knex';

/** Every table and its columns, as the database has them (SQLite's catalog, or PostgreSQL's information_schema). */
export async function databaseColumns(db: Db): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (isSqlite(db)) {
    const tables = await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').select('name');
    for (const { name } of tables as { name: string }[]) {
      const cols = await db.raw('select name from pragma_table_info(?)', [name]) as { name: string }[];
      out.set(name, cols.map((c) => c.name));
    }
    return out;
  }
  const rows = await db('information_schema.columns')
    .whereRaw('table_schema = current_schema()').orderBy(['table_name', 'ordinal_position']).select('table_name', 'column_name');
  for (const r of rows as { table_name: string; column_name: string }[]) {
    const list = out.get(r.table_name) ?? [];
    list.push(r.column_name);
    out.set(r.table_name, list);
  }
  return out;
}

/** How the rows of one person are found in a table: its holder column, directly or through a table of theirs. */
export type Holder = string | { column: string; through: string };

function whereHolder(db: Db, table: string, holder: Holder, userId: number) {
  const q = db(table);
  if (typeof holder === 'string') return q.where(holder, userId);
  return q.whereIn(holder.column, db(holder.through).where('user_id', userId).select('id'));
}

/** The person's rows of a table, the named columns only. */
export async function rowsOf(db: Db, table: string, holder: Holder, userId: number, columns: string[]): Promise<Record<string, unknown>[]> {
  return whereHolder(db, table, holder, userId).select(columns);
}

export async function deleteRowsOf(trx: Db, table: string, holder: Holder, userId: number): Promise<void> {
  await whereHolder(trx, table, holder, userId).delete();
}

export async function updateRowsOf(trx: Db, table: string, holder: Holder, userId: number, values: Record<string, unknown>): Promise<void> {
  await whereHolder(trx, table, holder, userId).update(values);
}

export interface ErasableUser {
  id: number;
  email: string;
  displayName: string;
  role: string;
  deactivated: boolean;
  erased: boolean;
}

/** The account, its row locked on PostgreSQL (SQLite's write transaction already holds the database). */
/** The account's current email, for the rows addressed to it. */
export async function emailOf(db: Db, id: number): Promise<string | null> {
  const row = await db('users').where({ id }).first('email');
  return row ? String(row.email) : null;
}

export async function lockUser(trx: Db, id: number): Promise<ErasableUser | null> {
  const query = trx('users').where({ id }).first('id', 'email', 'display_name', 'role', 'deactivated_at', 'erased_at');
  const row = await (isSqlite(trx) ? query : query.forUpdate());
  if (!row) return null;
  return {
    id: Number(row.id), email: String(row.email), displayName: String(row.display_name), role: String(row.role),
    deactivated: row.deactivated_at != null, erased: row.erased_at != null,
  };
}

/** Whether an active administrator other than this user exists (the site must keep one). */
export async function anotherActiveAdmin(trx: Db, userId: number): Promise<boolean> {
  const query = trx('users').where({ role: 'admin' }).whereNull('deactivated_at').orderBy('id').select('id');
  const rows = await (isSqlite(trx) ? query : query.forUpdate());
  return rows.some((r) => Number(r.id) !== userId);
}

/**
 * An address no mail is delivered to (RFC 2606's .invalid), unique per account so the column's
 * unique index holds, and naming no one.
 */
export const erasedEmail = (id: number): string => `erased-${id}@erased.invalid`;
/** The name an erased account shows where lists of accounts show one (never empty: a link needs words). */
export const erasedName = (id: number): string => `erased-${id}`;

/**
 * The account row itself stays (learning records keep pointing at it, so totals still count them),
 * with nothing that names its holder and no way to sign in: no password matches '!' (not a hash).
 */
export async function eraseUserRow(trx: Db, id: number, now: Date): Promise<void> {
  await trx('users').where({ id }).update({
    email: erasedEmail(id), display_name: erasedName(id), password_hash: '!erased', reminders_enabled: false,
    deactivated_at: trx.raw('coalesce(deactivated_at, ?)', [now]), erased_at: now, last_active_at: null,
  });
}

export async function withdrawCertificates(trx: Db, userId: number, now: Date): Promise<void> {
  await trx('certificates').where({ user_id: userId }).whereNull('withdrawn_at').update({ withdrawn_at: now });
}

/** Rows of a table addressed to this email (any case), the named columns only. */
export async function rowsAddressedTo(db: Db, table: string, column: string, email: string, columns: string[]): Promise<Record<string, unknown>[]> {
  return db(table).whereRaw('lower(??) = ?', [column, email.toLowerCase()]).select(columns);
}

/** Deletes a table's rows addressed to this email: an invitation, an email, a registration to prove. */
export async function deleteAddressedTo(trx: Db, table: string, column: string, email: string): Promise<void> {
  await trx(table).whereRaw('lower(??) = ?', [column, email.toLowerCase()]).delete();
}

/** Staff files still held that name this address: they have no use once applied, and name the person. */
export async function deleteImportsNaming(trx: Db, email: string): Promise<void> {
  const needle = email.toLowerCase();
  const rows = await trx('member_imports').whereRaw('lower(content) like ?', [`%${needle}%`]).select('id', 'content');
  // LIKE's `_` matches any character: the exact check is made here.
  const ids = rows.filter((r) => String(r.content).toLowerCase().includes(needle)).map((r) => r.id);
  if (ids.length) await trx('member_imports').whereIn('id', ids).delete();
}

export interface OutboxText { id: number; subject: string; textBody: string; htmlBody: string | null }

/** Email to others that may mention one of these strings (a manager's weekly summary names staff). */
export async function outboxMentioning(trx: Db, needles: string[]): Promise<OutboxText[]> {
  if (!needles.length) return [];
  const q = trx('outbox').select('id', 'subject', 'text_body', 'html_body');
  q.where((w) => {
    for (const n of needles) {
      const like = `%${n.toLowerCase()}%`;
      w.orWhereRaw('lower(subject) like ?', [like]).orWhereRaw('lower(text_body) like ?', [like]).orWhereRaw('lower(html_body) like ?', [like]);
    }
  });
  return (await q).map((r) => ({ id: Number(r.id), subject: String(r.subject), textBody: String(r.text_body), htmlBody: r.html_body == null ? null : String(r.html_body) }));
}

export async function updateOutboxText(trx: Db, m: OutboxText): Promise<void> {
  await trx('outbox').where({ id: m.id }).update({ subject: m.subject, text_body: m.textBody, html_body: m.htmlBody });
}

/** Registrations waiting for this address to be proven (a claim of an imported account; src/accounts/registration.ts). */
export async function deletePendingRegistrationsTo(trx: Db, email: string): Promise<void> {
  await trx('pending_registrations').where({ email: email.toLowerCase() }).delete();
}

/** Rate-limit counters keyed by this sign-in email (the per-account sign-in limit). */
export async function deleteRateLimitsOf(trx: Db, email: string): Promise<void> {
  const needle = `email:${email.toLowerCase()}`;
  const rows = await trx('rate_limits').where('key', 'like', '%email:%').select('key');
  const keys = rows.map((r) => String(r.key)).filter((k) => k.toLowerCase().endsWith(needle));
  if (keys.length) await trx('rate_limits').whereIn('key', keys).delete();
}

/** Names this person was known by: the account's, every certificate's, every personal invitation's. */
export async function namesOf(trx: Db, userId: number): Promise<string[]> {
  const certs = await trx('certificates').where({ user_id: userId }).distinct('holder_name');
  const invites = await trx('invitations').where({ user_id: userId }).whereNotNull('display_name').distinct('display_name');
  return [...certs.map((r) => String(r.holder_name)), ...invites.map((r) => String(r.display_name))];
}

/** Accounts not yet erased whose last activity (or creation, when never seen since) is before `before`. */
export async function inactiveSince(db: Db, before: Date, afterId: number, limit: number): Promise<number[]> {
  const rows = await db('users').whereNull('erased_at').where('id', '>', afterId)
    .where((w) => w.where('last_active_at', '<', before).orWhere((o) => o.whereNull('last_active_at').where('created_at', '<', before)))
    .orderBy('id').limit(limit).select('id');
  return rows.map((r) => Number(r.id));
}

/** Marks the person active now; at most once a day per process (src/privacy/activity.ts decides). */
export async function touchActivity(db: Db, userId: number, now: Date): Promise<void> {
  await db('users').where({ id: userId }).whereNull('erased_at').update({ last_active_at: now });
}

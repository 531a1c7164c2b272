// Reading the audit log: filtered, newest first, a page at a time for the page and as a stream of
// rows for the CSV. Reads only: nothing here (or anywhere) updates or deletes an audit row.
import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { toDate, toNumber, toNumberOrNull } from '../db/values';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  /** Part of the actor's name or email, any case. */
  actor: string;
  action: string | null;
  /** Inclusive day bounds, as dates at 00:00 UTC; `to` covers its whole day. */
  from: Date | null;
  to: Date | null;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string;
  clientAddress: string | null;
  requestId: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function filtered(db: Db, f: AuditFilters): Knex.QueryBuilder {
  const q = db('audit_events');
  if (f.actor) q.whereRaw("lower(actor_label) like ? escape '\\'", [`%${f.actor.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
  if (f.action) q.where('action', f.action);
  if (f.from) q.where('at', '>=', f.from);
  if (f.to) q.where('at', '<', new Date(f.to.getTime() + DAY_MS));
  return q;
}

function toRow(r: Record<string, unknown>): AuditRow {
  return {
    id: toNumber(r.id), at: toDate(r.at), actorId: toNumberOrNull(r.actor_id), actorLabel: String(r.actor_label), action: String(r.action),
    targetType: r.target_type == null ? null : String(r.target_type), targetId: r.target_id == null ? null : String(r.target_id),
    details: String(r.details), clientAddress: r.client_address == null ? null : String(r.client_address),
    requestId: r.request_id == null ? null : String(r.request_id),
  };
}

export async function auditPage(db: Db, f: AuditFilters, page: number): Promise<{ rows: AuditRow[]; total: number }> {
  const [count, rows] = await Promise.all([
    filtered(db, f).count({ n: '*' }).first(),
    filtered(db, f).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE).select('*'),
  ]);
  return { rows: rows.map(toRow), total: toNumber(count?.n ?? 0) };
}

/** Every matching row, newest first, read in slices by id so a long log never sits in memory. */
export async function* auditRows(db: Db, f: AuditFilters): AsyncIterable<AuditRow> {
  let before: number | null = null;
  for (;;) {
    const q = filtered(db, f).orderBy('id', 'desc').limit(500).select('*');
    if (before !== null) q.where('id', '<', before);
    const rows = (await q).map(toRow);
    yield* rows;
    if (rows.length < 500) return;
    before = rows[rows.length - 1].id;
  }
}
